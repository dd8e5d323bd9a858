package org.sidis.demo;

import org.sidis.trace.ActorNames;
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
 * of the requests they are handed, the queue manager on some of its commands, the total-order
 * group's sequencer actor on some of its numbering requests. Their supervisors restart them — a
 * worker by its dispatcher's rule (the request runs again, on any worker), the queue manager by
 * the node's policy (its persistent queue comes back from its journal), the sequencer by its
 * member's (it numbers on from the state its member keeps) — while n2 calls the service in every
 * call mode, n3 and n4 put and take jobs, and n1 multicasts in the total-order group it shares
 * with n4. Passed when every call succeeded, the queue lost nothing acknowledged, the checkers
 * pass the group (nothing lost, no gseq twice), and the trace shows a restart of each kind.
 */
public final class SupervisionDemo extends Demo {

  public SupervisionDemo() {
    super("supervision", "supervision (workers, a queue manager and a sequencer crash on injected failures and are restarted while clients run; nothing lost)");
  }

  /** The kinds of actor the demo strikes: each must show a restart in the trace. */
  static final List<String> STRUCK = List.of("worker", "queue-manager", "sequencer");

  /** Node roles: n1 serves, runs the total group's sequencer and multicasts; n4 is the group's other member. */
  static final List<String> ROLES = List.of("rpc-replica,queues,multicast,chat", "rpc-client", "queues-producer",
      "queues-consumer,multicast");

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
    out.printf("demo supervision: n1 RPC server, queue manager and total-order sequencer (crashes injected), multicasting %d"
        + " messages; n2 RPC client (%d calls), n3 producer and n4 consumers of %d jobs, n4 the group's other member"
        + " — run directory %s%n", messages, messages, messages, run.runDir());
    boolean completed;
    Launcher.NodeState client;
    Launcher.NodeState consumers;
    try (Launcher launcher = new Launcher(run.runDir(), out)) {
      run.startNodes(launcher, 4, i -> List.of(
          "--set", "sidis.node.services=[" + ROLES.get(i) + "]",
          // The chat splits its messages among the group's two members; only n1 runs it.
          "--set", "sidis.demo.chat.messages=" + 2L * messages,
          "--set", "sidis.demo.rpc.calls=" + messages,
          "--set", "sidis.demo.queues.messages=" + messages, "--set", "sidis.demo.queues.expected=" + messages));
      client = launcher.nodes().get("n2");
      consumers = launcher.nodes().get("n4");
      Launcher.NodeState multicaster = launcher.nodes().get("n1");
      java.util.function.Supplier<String> status = () -> "calls " + client.multicast + "/" + messages + " (succeeded " + client.delivered
          + ") · jobs acknowledged " + launcher.nodes().get("n3").multicast + "/" + messages + " · processed " + consumers.delivered
          + " · multicast " + multicaster.multicast + "/" + messages + " (delivered at n1 " + multicaster.delivered + ")";
      completed = launcher.awaitAll(s -> s.started, Duration.ofSeconds(90), status)
          && launcher.awaitAll(s -> s.done, run.limit(), status);
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
    List<String> notStruck = notRestarted(restarts);
    if (!notStruck.isEmpty()) summary.append("no restart traced for: ").append(notStruck).append('\n');
    out.print(summary);
    boolean passed = completed && failed == 0 && client.delivered == messages && queue != null && report.passed() && notStruck.isEmpty();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }

  /** The kinds of {@link #STRUCK} that the trace shows no restart of: the demo fails unless every kind was struck. */
  static List<String> notRestarted(Map<String, Integer> restarts) {
    return STRUCK.stream().filter(kind -> restarts.getOrDefault(kind, 0) == 0).toList();
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
          String actor = ActorNames.pathOf(e.path("actor").asText());
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
