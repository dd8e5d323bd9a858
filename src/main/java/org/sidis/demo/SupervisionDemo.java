package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sidis.check.Inspection;
import org.sidis.check.QueueTotal;
import org.sidis.check.Report;
import org.sidis.check.Verdict;
import org.sidis.fault.Supervision;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code sidis demo supervision}: failure transparency by supervision, not by try/catch. n1's
 * actors are told to crash ({@code sidis.fault.inject}): the concurrent server's workers on some
 * of the requests they are handed, the queue manager on some of its commands. Their supervisors
 * restart them — a worker by its dispatcher's rule (the request runs again, on any worker), the
 * queue manager by the node's policy (its persistent queue comes back from its journal) — while
 * n2 calls the service in every call mode and n3 and n4 put and take jobs. Passed when every call
 * succeeded, the queue lost nothing acknowledged, and the trace shows the restarts.
 */
public final class SupervisionDemo extends Demo {

  public SupervisionDemo() {
    super("supervision", "supervision (workers and a queue manager crash on injected failures and are restarted while clients run; nothing lost)");
  }

  @Override
  public String refuse(DemoOptions options) {
    // 3 is --nodes' default, so a user who did not ask for a count gets the demo's four.
    return options.nodes() == 4 || options.nodes() == 3 ? null
        : "demo supervision runs 4 nodes (the servers, an RPC client, a producer, consumers), got --nodes " + options.nodes();
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    int messages = run.options().messages();
    out.printf("demo supervision: n1 RPC server and queue manager (crashes injected), n2 RPC client (%d calls), n3 producer and"
        + " n4 consumers of %d jobs — run directory %s%n", messages, messages, run.runDir());
    boolean completed;
    Launcher.NodeState client;
    Launcher.NodeState consumers;
    try (Launcher launcher = new Launcher(run.runDir(), out)) {
      List<String> roles = List.of("rpc-replica,queues", "rpc-client", "queues-producer", "queues-consumer");
      run.startNodes(launcher, 4, i -> List.of(
          "--set", "sidis.node.services=[" + roles.get(i) + "]",
          "--set", "sidis.demo.rpc.calls=" + messages,
          "--set", "sidis.demo.queues.messages=" + messages, "--set", "sidis.demo.queues.expected=" + messages));
      client = launcher.nodes().get("n2");
      consumers = launcher.nodes().get("n4");
      java.util.function.Supplier<String> status = () -> "calls " + client.multicast + "/" + messages + " (succeeded " + client.delivered
          + ") · jobs acknowledged " + launcher.nodes().get("n3").multicast + "/" + messages + " · processed " + consumers.delivered;
      completed = launcher.awaitAll(s -> s.name.equals("n1") || s.started, Duration.ofSeconds(90), status)
          && launcher.awaitAll(s -> switch (s.name) {
            case "n2", "n3", "n4" -> s.done;
            default -> true;
          }, run.limit(), status);
      out.println("  stopping the nodes (SIGTERM)");
      List<String> killed = launcher.stopAll();
      if (!killed.isEmpty()) launcher.problems().add("nodes that did not stop within 30s and were killed: " + killed);
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    Report report = Inspection.of(run.runDir());
    out.println();
    out.print(report.table());
    long failed = client.last == null ? -1 : client.last.path("failed").asLong(-1);
    Map<String, Integer> restarts = restarts(run.runDir().resolve("trace"));
    Verdict queue = report.verdicts().stream().filter(v -> v.property().equals(QueueTotal.PROPERTY)).findFirst().orElse(null);
    StringBuilder summary = new StringBuilder();
    summary.append("RPC: ").append(client.delivered).append(" of ").append(messages).append(" calls succeeded, ").append(failed)
        .append(" failed\n");
    summary.append(queue == null ? "queue: no trace found\n" : "queue: " + queue.headline() + "\n");
    summary.append("restarts traced: ").append(restarts.isEmpty() ? "none" : restarts).append('\n');
    out.print(summary);
    boolean passed = completed && failed == 0 && client.delivered == messages && queue != null && report.passed() && !restarts.isEmpty();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }

  /** Restart lines in the trace, by the restarted actor's kind (the last part of its path, less its number). */
  static Map<String, Integer> restarts(Path traceDir) {
    Map<String, Integer> byKind = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(traceDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode e = json.readTree(line);
          if (!Supervision.RESTART.equals(e.path("event").asText())) continue;
          String actor = e.path("actor").asText();
          String kind = actor.substring(actor.lastIndexOf('/') + 1).replaceAll("[-$]?\\d+$", "");
          byKind.merge(kind, 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byKind;
  }
}
