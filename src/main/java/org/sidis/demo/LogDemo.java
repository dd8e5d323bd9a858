package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.trace.Inspection;
import org.sidis.trace.LogCheck;
import org.sidis.trace.Report;
import org.sidis.trace.Verdict;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
final class LogDemo extends Demo {

  static final double KILL_AT = 0.3;

  LogDemo() {
    super("log", "log (an event log: a producer, a consumer group and a replay; the log's JVM is killed with SIGKILL and restarted mid-run)");
  }

  @Override
  String refuse(DemoOptions options) {
    if (options.nodes() != 3) return "demo log runs exactly 3 nodes (event log, producer, consumers), got --nodes " + options.nodes();
    if (options.messages() < 10) {
      return "demo log needs --messages of at least 10, so that n1 is killed mid-run; got " + options.messages();
    }
    return null;
  }

  @Override
  int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    Path conf = run.conf();
    Duration limit = run.limit();
    int records = run.options().messages();
    Map<String, String> settings = run.options().settings();
    out.printf("demo log: n1 event log (topic [orders], 4 partitions), n2 producer of %d records, n3 consumer group of 2;"
        + " n1 is killed with SIGKILL and restarted mid-run — run directory %s%n", records, runDir);
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
      // As in demo queues: the log node traces only its first start; the clients keep the evidence.
      java.util.function.BiFunction<Integer, Boolean, List<String>> logArgs = (port, traced) -> {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[log]",
            "--set", "sidis.trace.enabled=" + (traced ? "on" : "off"),
            "--set", "akka-persistence-jdbc.shared-databases.sidis.db.url=\"jdbc:h2:file:" + store + ";WRITE_DELAY=0\""));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        return args;
      };
      String[] roles = {"log-producer", "log-consumer"};
      for (int i = 0; i < 2; i++) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(ports.get(i + 1)), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[" + roles[i] + "]",
            "--set", "sidis.demo.log.records=" + records));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        launcher.start("n" + (i + 2), jvm, args);
      }
      launcher.start("n1", jvm, logArgs.apply(ports.get(0), true));
      java.util.function.Supplier<String> status = () -> {
        Launcher.NodeState p = launcher.nodes().get("n2");
        Launcher.NodeState c = launcher.nodes().get("n3");
        return "appends acknowledged " + p.multicast + "/" + records + " · read by the group " + c.delivered + "/" + records
            + " · replayed " + field(c, "replayed")
            + (launcher.killed().contains("n1") ? " · n1 killed" : restarted[0] ? " · n1 restarted" : "");
      };
      Runnable crash = () -> {
        Launcher.NodeState p = launcher.nodes().get("n2");
        if (killNote[0] == null && p.multicast >= KILL_AT * records) {
          long read = launcher.nodes().get("n3").delivered;
          launcher.kill("n1");
          killNote[0] = "n1 (the event log) was killed with SIGKILL after " + p.multicast + " of " + records
              + " appends were acknowledged, and restarted";
          out.println("  SIGKILL n1, the event log, after " + p.multicast + " of " + records + " appends were acknowledged and "
              + read + " read by the group");
          launcher.restart("n1", jvm, logArgs.apply(ports.get(3), false));
          restarted[0] = true;
          out.println("  restarted n1: same name, same store, port " + ports.get(3));
        }
      };
      completed = launcher.awaitAll(s -> s.name.equals("n1") || s.started, Duration.ofSeconds(90), status)
          && launcher.awaitAll(s -> s.name.equals("n1") || s.done, limit, status, crash);
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
    summary.append("producer: ").append(field(producer, "retries")).append(" appends sent again (same id: the log answers the"
            + " first offset); group: ").append(field(consumer, "received")).append(" records delivered for ")
        .append(field(consumer, "delivered")).append(" distinct (again after the restart: read past the last commit);"
            + " auditor: ").append(field(consumer, "replayed")).append(" records replayed from offset 0\n");
    summary.append(killNote[0] != null ? killNote[0] : "n1 was not killed: the run ended first").append('\n');
    out.print(summary);
    boolean passed = completed && killNote[0] != null && log != null && report.passed();
    return ChatDemo.judged(run, report, summary.toString(), passed);
  }

  private static String field(Launcher.NodeState s, String name) {
    JsonNode last = s == null ? null : s.last;
    return last == null || !last.has(name) ? "?" : last.path(name).asText();
  }
}
