package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.trace.Inspection;
import org.sidis.trace.QueueTotal;
import org.sidis.trace.Report;
import org.sidis.trace.Verdict;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code sidis demo queues}: a persistent queue that survives the crash of its queue manager's
 * JVM. n1 runs the queue manager (queue {@code jobs}, journaled in H2 under the run directory),
 * n2 a producer, n3 four competing consumers. Once 30 % of the PUTs are acknowledged the
 * launcher kills n1 with SIGKILL and starts it again: same name, same store, a fresh port (the
 * dead one's may be held in TIME_WAIT). After the producer is done and the consumers have
 * drained the queue, the total-queue checker reads the producer's and consumers' traces:
 * lost and unexpected must be 0; duplicates are counted and explained.
 */
final class QueuesDemo extends Demo {

  /** The manager is killed once this share of the PUTs is acknowledged. */
  static final double KILL_AT = 0.3;
  /** Consumers that received nothing for this long, after the producer is done, have drained the queue. */
  static final Duration DRAINED = Duration.ofSeconds(5);

  QueuesDemo() {
    super("queues", "queues (a persistent queue, a producer and competing consumers; the queue manager's JVM is killed with SIGKILL and restarted mid-run)");
  }

  @Override
  String refuse(DemoOptions options) {
    if (options.nodes() != 3) return "demo queues runs exactly 3 nodes (queue manager, producer, consumers), got --nodes " + options.nodes();
    if (options.messages() < 10) {
      return "demo queues needs --messages of at least 10, so that n1 is killed mid-run; got " + options.messages();
    }
    return null;
  }

  @Override
  int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    Path conf = run.conf();
    Duration limit = run.limit();
    int messages = run.options().messages();
    Map<String, String> settings = run.options().settings();
    out.printf("demo queues: n1 queue manager (persistent queue [jobs]), n2 producer of %d messages, n3 4 competing consumers;"
        + " n1 is killed with SIGKILL and restarted mid-run — run directory %s%n", messages, runDir);
    boolean completed;
    boolean[] restarted = {false};
    String[] killNote = {null};
    Launcher.NodeState producer;
    Launcher.NodeState consumer;
    try (Launcher launcher = new Launcher(runDir, out)) {
      List<Integer> ports = Launcher.freePorts(4);
      String seeds = "127.0.0.1:" + ports.get(1); // the producer's node: n1 goes away, so it cannot be the seed
      List<String> jvm = run.options().jvm();
      String store = runDir.resolve("store").resolve("n1").toAbsolutePath().toString();
      // The queue manager traces only its start (producers and consumers keep the evidence); its
      // second incarnation not at all, as it would start the node's gapless lseq again in the
      // same file — so the trace shows n1 as crashed, which it was.
      java.util.function.BiFunction<Integer, Boolean, List<String>> managerArgs = (port, traced) -> {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[queues]",
            "--set", "sidis.trace.enabled=" + (traced ? "on" : "off"),
            "--set", "akka-persistence-jdbc.shared-databases.sidis.db.url=\"jdbc:h2:file:" + store + ";WRITE_DELAY=0\""));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        return args;
      };
      String[] roles = {"queues-producer", "queues-consumer"};
      for (int i = 0; i < 2; i++) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(ports.get(i + 1)), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[" + roles[i] + "]",
            "--set", "sidis.demo.queues.messages=" + messages,
            "--set", "sidis.demo.queues.expected=" + messages));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        launcher.start("n" + (i + 2), jvm, args);
      }
      launcher.start("n1", jvm, managerArgs.apply(ports.get(0), true));
      java.util.function.Supplier<String> status = () -> {
        Launcher.NodeState p = launcher.nodes().get("n2");
        Launcher.NodeState c = launcher.nodes().get("n3");
        return "PUTs acknowledged " + p.multicast + "/" + messages + " · processed " + c.delivered + "/" + messages
            + (launcher.killed().contains("n1") ? " · n1 killed" : restarted[0] ? " · n1 restarted" : "");
      };
      Runnable crash = () -> {
        Launcher.NodeState p = launcher.nodes().get("n2");
        if (killNote[0] == null && p.multicast >= KILL_AT * messages) {
          launcher.kill("n1");
          killNote[0] = "n1 (the queue manager) was killed with SIGKILL after " + p.multicast + " of " + messages
              + " PUTs were acknowledged, and restarted";
          long processed = launcher.nodes().get("n3").delivered;
          out.println("  SIGKILL n1, the queue manager, after " + p.multicast + " of " + messages + " PUTs were acknowledged and "
              + processed + " processed: " + (p.multicast - processed) + " acknowledged messages are only in n1's store");
          launcher.restart("n1", jvm, managerArgs.apply(ports.get(3), false));
          restarted[0] = true;
          out.println("  restarted n1: same name, same store, port " + ports.get(3));
        }
      };
      // The consumers have drained the queue when they took every message, or when they have
      // received nothing for DRAINED since the producer finished: time they sat idle while n1 was
      // down does not count, or a fast producer would end the run before the restarted queue
      // handed out what it kept.
      long[] producerDoneAt = {0};
      completed = launcher.awaitAll(s -> s.name.equals("n1") || s.started, Duration.ofSeconds(90), status)
          && launcher.awaitAll(s -> switch (s.name) {
            case "n2" -> s.done;
            case "n3" -> s.done || (restarted[0] && drainedSince(launcher.nodes().get("n2"), producerDoneAt)
                && idleMs(s) >= DRAINED.toMillis());
            default -> true;
          }, limit, status, crash);
      out.println("  stopping the nodes (SIGTERM)");
      List<String> killed = launcher.stopAll();
      if (!killed.isEmpty()) launcher.problems().add("nodes that did not stop within 30s and were killed: " + killed);
      for (String p : launcher.problems()) out.println("problem: " + p);
      producer = launcher.nodes().get("n2");
      consumer = launcher.nodes().get("n3");
    }
    Report report = Inspection.of(runDir);
    out.println();
    out.print(report.table());
    Verdict queue = report.verdicts().stream().filter(v -> v.property().equals(QueueTotal.PROPERTY)).findFirst().orElse(null);
    StringBuilder summary = new StringBuilder();
    if (queue == null) summary.append("no queue trace was found: the producer and consumers traced nothing\n");
    else summary.append(queue.headline()).append('\n');
    if (queue != null) queue.details().forEach(d -> summary.append(d).append('\n'));
    summary.append("producer: ").append(field(producer, "retries")).append(" PUTs sent again (same id) after no acknowledgement; ")
        .append("consumers: ").append(field(consumer, "received")).append(" messages received, ")
        .append(field(consumer, "duplicates")).append(" of them again (in flight when n1 died — deliveries are not journaled —"
            + " or put again by a producer's retry; the consumers remember what they processed and only ack those)\n");
    summary.append(killNote[0] != null ? killNote[0] : "n1 was not killed: the run ended first").append('\n');
    out.print(summary);
    boolean passed = completed && killNote[0] != null && queue != null && report.passed();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }

  /** Whether the producer finished at least {@link #DRAINED} ago (noting when it did in {@code doneAt}). */
  private static boolean drainedSince(Launcher.NodeState producer, long[] doneAt) {
    if (!producer.done) return false;
    if (doneAt[0] == 0) doneAt[0] = System.nanoTime();
    return System.nanoTime() - doneAt[0] >= DRAINED.toNanos();
  }

  private static long idleMs(Launcher.NodeState s) {
    JsonNode last = s.last;
    return last == null ? 0 : last.path("idle_ms").asLong(0);
  }

  private static String field(Launcher.NodeState s, String name) {
    JsonNode last = s == null ? null : s.last;
    return last == null || !last.has(name) ? "?" : last.path(name).asText();
  }
}
