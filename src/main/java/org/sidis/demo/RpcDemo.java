package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RPC demo: n1 and n2 serve replicas of one service, n3's client makes {@code --messages}
 * calls in every call mode. Once 30 % of the calls are made, the JVM of the replica the client
 * is using is killed with SIGKILL. Passed when every call of the client succeeded.
 */
public final class RpcDemo extends Demo {

  private static final double KILL_AT = 0.3;

  public RpcDemo() {
    super("rpc", "rpc (n1, n2 serve replicas of one service, n3 calls it in every call mode; the replica in use is killed with SIGKILL mid-run)");
  }

  @Override
  public String refuse(DemoOptions options) {
    return options.nodes() == 3 ? null
        : "demo rpc runs exactly 3 nodes (two replicas and a client), got --nodes " + options.nodes();
  }

  @Override
  public int run(DemoRun run) {
    int calls = run.options().messages();
    run.out().printf("demo rpc: n1, n2 replicas of service [demo], n3 the client making %d calls in every mode — run directory %s%n",
        calls, run.runDir());
    boolean completed;
    Launcher.NodeState client;
    String[] victim = {null};
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, 3, i -> List.of(
          "--set", "sidis.node.services=[" + (i < 2 ? "rpc-replica" : "rpc-client") + "]",
          "--set", "sidis.demo.rpc.calls=" + calls));
      client = launcher.nodes().get("n3");
      String[] answeredBy = {"{}"};
      long[] failedSoFar = {0};
      Supplier<String> status = () -> {
        JsonNode last = client.last;
        if (last != null && last.has("answered_by")) {
          answeredBy[0] = last.path("answered_by").asText();
          failedSoFar[0] = last.path("failed").asLong();
        }
        return "calls " + client.multicast + "/" + calls + " · succeeded " + client.delivered + " · failed " + failedSoFar[0]
            + " · answered by " + answeredBy[0];
      };
      Runnable killer = () -> {
        if (victim[0] == null && client.multicast >= KILL_AT * calls) {
          victim[0] = mostAnswers(answeredBy[0]);
          launcher.kill(victim[0]);
          run.out().println("  SIGKILL " + victim[0] + " (the replica the client is using) after " + client.multicast + " of " + calls + " calls");
        }
      };
      completed = launcher.awaitAll(s -> !s.name.equals("n3") || s.started, DemoRun.STARTUP, status)
          && launcher.awaitAll(s -> !s.name.equals("n3") || s.done, run.limit(), status, killer);
      run.out().println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) run.out().println("problem: " + p);
    }
    long failed = client.last == null ? -1 : client.last.path("failed").asLong(-1);
    boolean passed = completed && victim[0] != null && failed == 0 && client.delivered == calls;
    String summary = "calls " + client.multicast + ", succeeded " + client.delivered + ", failed " + failed
        + (client.last == null ? "" : ", answered by " + client.last.path("answered_by").asText()
        + ", p50 " + client.last.path("p50_us").asText() + " µs, slowest " + client.last.path("max_ms").asText() + " ms")
        + (victim[0] != null ? "; " + victim[0] + " was killed with SIGKILL mid-run" : "; no replica was killed (the run ended first)");
    run.out().println(summary);
    // The rpc checkers judge the traces: every call returned once, at-most-once held, no orphan replies.
    Report report = Inspection.of(run.runDir());
    run.out().println();
    run.out().print(report.table());
    return run.verdict(summary + "\n" + report.table(), passed && report.passed(), "logs and traces in");
  }

  /** The replica the client's stub is using: the one that answered most so far ({@code {n1=12, n2=0}}). */
  private static String mostAnswers(String answeredBy) {
    String most = "n1";
    long count = -1;
    Matcher m = Pattern.compile("(n\\d+)=(\\d+)").matcher(answeredBy);
    while (m.find()) {
      if (Long.parseLong(m.group(2)) > count) {
        count = Long.parseLong(m.group(2));
        most = m.group(1);
      }
    }
    return most;
  }
}
