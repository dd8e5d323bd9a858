package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.check.Inspection;
import org.sidis.check.QueueTotal;
import org.sidis.check.Report;
import org.sidis.check.Verdict;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code sidis demo queues}: a persistent queue that survives the crash of its queue manager's
 * JVM. n1 runs the queue manager (queue {@code jobs}, journaled in H2 under the run directory),
 * n2 a producer, n3 four competing consumers. Once 30 % of the PUTs are acknowledged the
 * launcher kills n1 with SIGKILL and starts it again: same name, same store, a fresh port (the
 * dead one's may be held in TIME_WAIT). After the producer is done and the consumers have
 * drained the queue, the total-queue checker reads the producer's and consumers' traces:
 * lost and unexpected must be 0; duplicates are counted and explained.
 */
public final class QueuesDemo extends Demo {

  /** Consumers that received nothing for this long, after the producer is done, have drained the queue. */
  static final Duration DRAINED = Duration.ofSeconds(5);

  public QueuesDemo() {
    super("queues", "queues (a persistent queue, a producer and competing consumers; the queue manager's JVM is killed with SIGKILL and restarted mid-run)");
  }

  @Override
  public String refuse(DemoOptions options) {
    return CrashRestart.refuse("queues", "queue manager", options);
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    int messages = run.options().messages();
    out.printf("demo queues: n1 queue manager (persistent queue [jobs]), n2 producer of %d messages, n3 4 competing consumers;"
        + " n1 is killed with SIGKILL and restarted mid-run — run directory %s%n", messages, runDir);
    boolean completed;
    CrashRestart crash;
    Launcher.NodeState producer;
    Launcher.NodeState consumer;
    try (Launcher launcher = run.launcher()) {
      crash = new CrashRestart(run, launcher, "queues");
      crash.start("queues-producer", "queues-consumer",
          List.of("--set", "sidis.demo.queues.messages=" + messages, "--set", "sidis.demo.queues.expected=" + messages));
      java.util.function.Supplier<String> status = () -> "PUTs acknowledged " + launcher.nodes().get("n2").multicast + "/" + messages
          + " · processed " + launcher.nodes().get("n3").delivered + "/" + messages + crash.status();
      // The consumers have drained the queue when they took every message, or when they have
      // received nothing for DRAINED since the producer finished: time they sat idle while n1 was
      // down does not count, or a fast producer would end the run before the restarted queue
      // handed out what it kept.
      long[] producerDoneAt = {0};
      long[] settledAt = {0};
      completed = launcher.awaitAll(s -> s.name.equals("n1") || s.started, DemoRun.STARTUP, status)
          && launcher.awaitAll(s -> switch (s.name) {
            case "n2" -> s.done && crash.mayEnd(); // with a nemesis: not before a fault was injected and healed
            case "n3" -> s.done || (crash.restarted() && drainedSince(launcher.nodes().get("n2"), producerDoneAt)
                && settledFor(launcher, settledAt) && idleMs(s) >= DRAINED.toMillis());
            default -> true;
          }, run.limit(), status, crash.crash("the queue manager", messages, "PUTs",
              (acknowledged, processed) -> processed + " processed: " + (acknowledged - processed)
                  + " acknowledged messages are only in n1's store"));
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
    summary.append("producer: ").append(DemoRun.field(producer, "retries")).append(" PUTs sent again (same id) after no acknowledgement; ")
        .append("consumers: ").append(DemoRun.field(consumer, "received")).append(" messages received, ")
        .append(DemoRun.field(consumer, "duplicates")).append(" of them again (in flight when n1 died — deliveries are not journaled —"
            + " or put again by a producer's retry; the consumers remember what they processed and only ack those)\n");
    summary.append(crash.note()).append('\n');
    out.print(summary);
    boolean passed = completed && crash.happened() && queue != null && report.passed();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }

  /** Whether the producer finished at least {@link #DRAINED} ago (noting when it did in {@code doneAt}). */
  private static boolean drainedSince(Launcher.NodeState producer, long[] doneAt) {
    if (!producer.done) return false;
    if (doneAt[0] == 0) doneAt[0] = System.nanoTime();
    return System.nanoTime() - doneAt[0] >= DRAINED.toNanos();
  }

  /**
   * Whether the cluster has been settled ({@link Launcher#settled}) for at least {@link #DRAINED}
   * without a break, noting since when in {@code since}. Under a nemesis the consumers sit idle
   * while the queue manager is paused, downed or restarting; that idleness is not a drained queue
   * (seen: demo queues --nemesis pause ended 5 s after a downed n1's restart, 1,051 acknowledged
   * messages not yet consumed, judged lost).
   */
  private static boolean settledFor(Launcher launcher, long[] since) {
    if (!launcher.settled()) {
      since[0] = 0;
      return false;
    }
    if (since[0] == 0) since[0] = System.nanoTime();
    return System.nanoTime() - since[0] >= DRAINED.toNanos();
  }

  private static long idleMs(Launcher.NodeState s) {
    JsonNode last = s.last;
    return last == null ? 0 : last.path("idle_ms").asLong(0);
  }
}
