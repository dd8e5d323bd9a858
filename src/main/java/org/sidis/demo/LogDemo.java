package org.sidis.demo;

import org.sidis.check.Inspection;
import org.sidis.check.LogCheck;
import org.sidis.check.Report;
import org.sidis.check.Verdict;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code sidis demo log}: an event log that survives the crash of its node. n1 runs the log
 * (topic {@code orders}, 4 partitions, journaled in H2 under the run directory), n2 a producer
 * of keyed records, n3 a consumer group of two members. Once 30 % of the appends are
 * acknowledged the launcher kills n1 with SIGKILL and starts it again: same name, same store,
 * a fresh port. The producer retries what was not acknowledged, the group resumes from its
 * committed offsets, and once it has read every record an auditor replays the whole topic
 * from offset 0. The event-log checker then compares appends and reads: no record lost, one
 * record per offset for every reader, no gaps.
 */
public final class LogDemo extends Demo {

  public LogDemo() {
    super("log", "log (an event log: a producer, a consumer group and a replay; the log's JVM is killed with SIGKILL and restarted mid-run)");
  }

  @Override
  public String refuse(DemoOptions options) {
    return CrashRestart.refuse("log", "event log", options);
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    int records = run.options().messages();
    out.printf("demo log: n1 event log (topic [orders], 4 partitions), n2 producer of %d records, n3 consumer group of 2;"
        + " n1 is killed with SIGKILL and restarted mid-run — run directory %s%n", records, runDir);
    boolean completed;
    CrashRestart crash;
    Launcher.NodeState producer;
    Launcher.NodeState consumer;
    try (Launcher launcher = run.launcher()) {
      crash = new CrashRestart(run, launcher, "log");
      crash.start("log-producer", "log-consumer", List.of("--set", "sidis.demo.log.records=" + records));
      java.util.function.Supplier<String> status = () -> {
        Launcher.NodeState c = launcher.nodes().get("n3");
        return "appends acknowledged " + launcher.nodes().get("n2").multicast + "/" + records + " · read by the group "
            + c.delivered + "/" + records + " · replayed " + DemoRun.field(c, "replayed") + crash.status();
      };
      completed = launcher.awaitAll(s -> s.name.equals("n1") || s.started, DemoRun.STARTUP, status)
          // With a nemesis the run goes on until a fault was injected and healed.
          && launcher.awaitAll(s -> s.name.equals("n1") || (s.done && crash.mayEnd()), run.limit(), status,
              crash.crash("the event log", records, "appends", (acknowledged, read) -> read + " read by the group"));
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
    Verdict log = report.verdicts().stream().filter(v -> v.property().equals(LogCheck.PROPERTY)).findFirst().orElse(null);
    StringBuilder summary = new StringBuilder();
    if (log == null) summary.append("no event-log trace was found: the producer and consumers traced nothing\n");
    else {
      summary.append(log.headline()).append('\n');
      log.details().forEach(d -> summary.append(d).append('\n'));
    }
    summary.append("producer: ").append(DemoRun.field(producer, "retries")).append(" appends sent again (same id: the log answers the"
            + " first offset); group: ").append(DemoRun.field(consumer, "received")).append(" records delivered for ")
        .append(DemoRun.field(consumer, "delivered")).append(" distinct (again after the restart: read past the last commit);"
            + " auditor: ").append(DemoRun.field(consumer, "replayed")).append(" records replayed from offset 0\n");
    summary.append(crash.note()).append('\n');
    out.print(summary);
    boolean passed = completed && crash.happened() && log != null && report.passed();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }
}
