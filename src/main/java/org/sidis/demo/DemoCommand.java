package org.sidis.demo;

import org.sidis.trace.Inspection;
import org.sidis.trace.Report;
import org.sidis.trace.ReportPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sidis demo <name>}: a multi-JVM run on loopback with a verdict. The demo's settings
 * are {@code conf/<name>.conf} (from the working directory, else the copy inside the jar); a
 * copy goes into the run directory with the traces and logs, so a run can be read — and
 * repeated — from its directory alone.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a multi-JVM demo on loopback, gather its logs and traces into runs/, and check them.%n"
        + "Demos: causal (chat with causal order), fifo (the same chat with FIFO order only),%n"
        + "total (the chat with total order; the sequencer's JVM is killed with SIGKILL mid-run),%n"
        + "overlay (the FIFO chat disseminated over a tree or mesh overlay: --topology),%n"
        + "gossip (a replicated key-value store: writes and deletes spread by --mode until every replica converges),%n"
        + "rpc (n1, n2 serve replicas of one service, n3 calls it in every call mode; the replica in use is killed with SIGKILL mid-run),%n"
        + "servers (iterative vs concurrent server on a slow blocking handler: throughput and latency; 2 JVMs).")
public final class DemoCommand implements Callable<Integer> {

  public static final List<String> DEMOS = List.of("causal", "fifo", "total", "overlay", "gossip", "rpc", "servers");

  /** The total-order demo kills its sequencer once this share of the messages is multicast. */
  private static final double KILL_AT = 0.3;

  @Parameters(index = "0", description = "Demo name: ${COMPLETION-CANDIDATES}", completionCandidates = Names.class)
  String name;

  @Option(names = "--nodes", defaultValue = "3", description = "Number of JVMs (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--messages", defaultValue = "3000",
      description = "Messages multicast by the whole group; gossip: writes and deletes by all nodes (default: ${DEFAULT-VALUE}).")
  int messages;

  @Option(names = "--mode", description = "gossip only: push | pull | push-pull | rumor | flood (default: conf/gossip.conf's).")
  String mode;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the network model and the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--timeout", defaultValue = "180s", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--runs-dir", defaultValue = "runs", description = "Where run directories go (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--topology", description = "Demo overlay: tree or mesh (default: the demo's config, tree).")
  String topology;

  @Option(names = "--set", description = "Override a node setting: --set sidis.net.loss=0.05 (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--jvm-opt", description = "An option for each node's JVM (repeatable; default: -Xmx384m -XX:+UseSerialGC).")
  List<String> jvmOptions;

  static final class Names extends ArrayList<String> {
    Names() {
      super(DEMOS);
    }
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    if (!DEMOS.contains(name)) {
      System.err.println("error: unknown demo [" + name + "]; known: " + String.join(", ", DEMOS));
      return 2;
    }
    if (nodes < 1) {
      System.err.println("error: --nodes must be at least 1, got " + nodes);
      return 2;
    }
    if (messages < 0) {
      System.err.println("error: --messages must not be negative, got " + messages);
      return 2;
    }
    if (topology != null) {
      try {
        org.sidis.multicast.Overlay.Topology.parse(topology);
      } catch (IllegalArgumentException e) {
        System.err.println("error: --topology: " + e.getMessage());
        return 2;
      }
      settings.put("sidis.multicast.topology", topology);
    }
    if (mode != null && !name.equals("gossip")) {
      System.err.println("error: --mode is for the gossip demo only");
      return 2;
    }
    if (mode != null) {
      try {
        org.sidis.gossip.Mode.parse(mode);
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      }
    }
    boolean gossip = name.equals("gossip");
    if (name.equals("servers") && nodes != 3 && nodes != 2) {
      System.err.println("error: demo servers runs 2 nodes (a server and a client), got --nodes " + nodes);
      return 2;
    }
    if (name.equals("rpc") && nodes != 3) {
      System.err.println("error: demo rpc runs exactly 3 nodes (two replicas and a client), got --nodes " + nodes);
      return 2;
    }
    Duration limit;
    try {
      limit = Duration.parse("PT" + timeout.toUpperCase());
    } catch (RuntimeException e) {
      System.err.println("error: --timeout [" + timeout + "] is not a duration like 180s or 5m");
      return 2;
    }
    Path runDir = Launcher.newRunDir(runsDir, name);
    Path conf = runDir.resolve("conf").resolve(name + ".conf");
    try {
      copyDemoConfig(name, conf);
    } catch (IOException e) {
      System.err.println("error: cannot copy the settings of demo [" + name + "]: " + e.getMessage());
      return 2;
    }
    if (name.equals("rpc")) return rpc(out, runDir, conf, limit);
    if (name.equals("servers")) return servers(out, runDir, conf, limit);
    if (gossip) out.printf("demo gossip%s: %d nodes, %d writes and deletes, seed %d — run directory %s%n",
        mode == null ? "" : " (" + mode + ")", nodes, messages, seed, runDir);
    else out.printf("demo %s: %d nodes, %d messages, seed %d — run directory %s%n", name, nodes, messages, seed, runDir);
    boolean completed;
    boolean killSequencer = name.equals("total") && nodes > 1;
    long[] killedAt = {0};
    try (Launcher launcher = new Launcher(runDir, out)) {
      List<Integer> ports = Launcher.freePorts(nodes);
      String seeds = "127.0.0.1:" + ports.get(0);
      List<String> jvm = jvmOptions != null ? jvmOptions : List.of("-Xmx384m", "-XX:+UseSerialGC");
      for (int i = 0; i < nodes; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.seed=" + seed));
        if (gossip) {
          args.addAll(List.of("--set", "sidis.demo.gossip.nodes=" + nodes, "--set", "sidis.demo.gossip.writes=" + messages));
          if (mode != null) args.addAll(List.of("--set", "sidis.gossip.mode=" + mode));
        } else {
          args.addAll(List.of("--set", "sidis.demo.chat.nodes=" + nodes, "--set", "sidis.demo.chat.messages=" + messages,
              "--set", "sidis.multicast.total-min-members=" + nodes));
        }
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        launcher.start("n" + (i + 1), jvm, args);
      }
      long expected = (long) messages * nodes;
      Runnable failure = () -> {
        long multicast = launcher.nodes().values().stream().mapToLong(s -> s.multicast).sum();
        if (killSequencer && killedAt[0] == 0 && multicast >= KILL_AT * messages) {
          java.time.Instant now = java.time.Instant.now();
          killedAt[0] = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
          launcher.kill("n1");
          out.println("  SIGKILL n1, the sequencer, after " + multicast + " of " + messages + " messages were multicast");
        }
      };
      completed = launcher.awaitAll(s -> s.started, Duration.ofSeconds(90), () -> {
            long up = launcher.nodes().values().stream().mapToLong(s -> s.up).max().orElse(0);
            long started = launcher.nodes().values().stream().filter(s -> s.started).count();
            return "nodes up " + up + "/" + nodes + " · workload started at " + started + "/" + nodes;
          })
          && (gossip ? awaitConverged(launcher, limit) : launcher.awaitAll(s -> s.done, limit, () -> {
            long multicast = launcher.nodes().values().stream().mapToLong(s -> s.multicast).sum();
            long delivered = launcher.nodes().values().stream().mapToLong(s -> s.delivered).sum();
            long done = launcher.nodes().values().stream().filter(s -> s.done).count();
            return "multicast " + multicast + "/" + messages + " · delivered " + delivered + "/" + expected
                + " · done " + done + "/" + (nodes - launcher.killed().size());
          }, failure));
      if (completed && killSequencer) {
        // The survivors are done with each other's messages; let what they hold of the victim's settle.
        sleep(Duration.ofSeconds(3));
      }
      out.println("  stopping " + nodes + " nodes (SIGTERM: leave the cluster, close the traces)");
      List<String> killed = launcher.stopAll();
      if (!killed.isEmpty()) launcher.problems().add("nodes that did not stop within 30s and were killed: " + killed);
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    Report report = Inspection.of(runDir);
    out.println();
    out.print(report.table());
    if (name.equals("overlay")) {
      try {
        out.println(OverlayReport.of(runDir.resolve("trace")).describe(topology != null ? topology : "tree"));
      } catch (IOException e) {
        out.println("overlay: cannot read the traces (" + e.getMessage() + ")");
      }
    }
    if (killedAt[0] != 0) {
      out.println(Failover.of(runDir.resolve("trace"), "n1", killedAt[0]).describe("n1"));
    }
    String verdict = completed && report.passed() ? "PASSED" : "FAILED";
    out.println("verdict: " + verdict + " — logs and traces in " + runDir);
    try {
      Files.writeString(runDir.resolve("verdict.txt"), report.table() + "verdict: " + verdict + "\n");
    } catch (IOException e) {
      System.err.println("warning: cannot write " + runDir.resolve("verdict.txt") + ": " + e.getMessage());
    }
    // The same page `sidis inspect` writes: the run's diagram, verdicts and summary, to open in a browser.
    Path page = runDir.resolve("report.html");
    try {
      ReportPage.write(report, page);
      out.println("report: " + page);
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: cannot write " + page + ": " + e);
    }
    return completed && report.passed() ? 0 : 1;
  }

  /**
   * The RPC demo: two replicas and a client in three JVMs; once 30 % of the calls are made,
   * the JVM of the replica the client is using is killed with SIGKILL. Passed when every call of the client succeeded.
   */
  private Integer rpc(PrintStream out, Path runDir, Path conf, Duration limit) {
    int calls = messages;
    out.printf("demo rpc: n1, n2 replicas of service [demo], n3 the client making %d calls in every mode — run directory %s%n",
        calls, runDir);
    boolean completed;
    Launcher.NodeState client;
    String[] victim = {null};
    try (Launcher launcher = new Launcher(runDir, out)) {
      List<Integer> ports = Launcher.freePorts(3);
      String seeds = "127.0.0.1:" + ports.get(0);
      List<String> jvm = jvmOptions != null ? jvmOptions : List.of("-Xmx384m", "-XX:+UseSerialGC");
      for (int i = 0; i < 3; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[" + (i < 2 ? "rpc-replica" : "rpc-client") + "]",
            "--set", "sidis.demo.rpc.calls=" + calls));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        launcher.start("n" + (i + 1), jvm, args);
      }
      client = launcher.nodes().get("n3");
      String[] answeredBy = {"{}"};
      long[] failedSoFar = {0};
      java.util.function.Supplier<String> status = () -> {
        com.fasterxml.jackson.databind.JsonNode last = client.last;
        if (last != null && last.has("answered_by")) {
          answeredBy[0] = last.path("answered_by").asText();
          failedSoFar[0] = last.path("failed").asLong();
        }
        return "calls " + client.multicast + "/" + calls + " · succeeded " + client.delivered + " · failed " + failedSoFar[0]
            + " · answered by " + answeredBy[0];
      };
      Runnable failure = () -> {
        if (victim[0] == null && client.multicast >= 0.3 * calls) {
          // The replica the client's stub is using: the one that answered most so far.
          victim[0] = "n1";
          long most = -1;
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(n\\d+)=(\\d+)").matcher(answeredBy[0]);
          while (m.find()) {
            if (Long.parseLong(m.group(2)) > most) {
              most = Long.parseLong(m.group(2));
              victim[0] = m.group(1);
            }
          }
          launcher.kill(victim[0]);
          out.println("  SIGKILL " + victim[0] + " (the replica the client is using) after " + client.multicast + " of " + calls + " calls");
        }
      };
      completed = launcher.awaitAll(s -> !s.name.equals("n3") || s.started, Duration.ofSeconds(90), status)
          && launcher.awaitAll(s -> !s.name.equals("n3") || s.done, limit, status, failure);
      out.println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    long failed = client.last == null ? -1 : client.last.path("failed").asLong(-1);
    boolean passed = completed && (victim[0] != null) && failed == 0 && client.delivered == calls;
    String summary = "calls " + client.multicast + ", succeeded " + client.delivered + ", failed " + failed
        + (client.last == null ? "" : ", answered by " + client.last.path("answered_by").asText()
        + ", p50 " + client.last.path("p50_us").asText() + " µs, slowest " + client.last.path("max_ms").asText() + " ms")
        + (victim[0] != null ? "; " + victim[0] + " was killed with SIGKILL mid-run" : "; no replica was killed (the run ended first)");
    out.println(summary);
    // The rpc checkers judge the traces: every call returned once, at-most-once held, no orphan replies.
    Report report = Inspection.of(runDir);
    out.println();
    out.print(report.table());
    passed = passed && report.passed();
    String verdict = passed ? "PASSED" : "FAILED";
    out.println("verdict: " + verdict + " — logs and traces in " + runDir);
    try {
      Files.writeString(runDir.resolve("verdict.txt"), summary + "\n" + report.table() + "verdict: " + verdict + "\n");
    } catch (IOException e) {
      System.err.println("warning: cannot write " + runDir.resolve("verdict.txt") + ": " + e.getMessage());
    }
    return passed ? 0 : 1;
  }

  /** The servers demo: n1 serves iteratively and concurrently, n2 sends each a burst and reports. */
  private Integer servers(PrintStream out, Path runDir, Path conf, Duration limit) {
    out.printf("demo servers: n1 serves a slow blocking service iteratively and concurrently, n2 sends a burst to each"
        + " — run directory %s%n", runDir);
    boolean completed;
    Launcher.NodeState client;
    // workers-at = remote: the concurrent server's workers run in a third JVM, n3.
    boolean remoteWorkers = "remote".equals(settings.get("sidis.server.workers-at"));
    if (remoteWorkers) out.println("  the concurrent server's workers run in n3's JVM (sidis.server.workers-at = remote)");
    try (Launcher launcher = new Launcher(runDir, out)) {
      int n = remoteWorkers ? 3 : 2;
      List<Integer> ports = Launcher.freePorts(n);
      String seeds = "127.0.0.1:" + ports.get(0);
      List<String> jvm = jvmOptions != null ? jvmOptions : List.of("-Xmx384m", "-XX:+UseSerialGC");
      for (int i = 0; i < n; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", seeds,
            "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.node.services=[" + List.of("servers", "servers-client", "servers-workers").get(i) + "]"));
        settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        launcher.start("n" + (i + 1), jvm, args);
      }
      client = launcher.nodes().get("n2");
      completed = launcher.awaitAll(s -> !s.name.equals("n2") || s.done, limit,
          () -> "requests answered " + client.multicast + (client.started ? "" : " · waiting for the nodes"));
      out.println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    com.fasterxml.jackson.databind.JsonNode r = client.last;
    if (!completed || r == null || !r.has("concurrent_per_s")) {
      out.println("verdict: FAILED — the client did not report (logs in " + runDir + ")");
      return 1;
    }
    StringBuilder table = new StringBuilder(String.format("%-12s %12s %10s %10s %8s%n", "server", "requests/s", "p50 ms", "p99 ms", "failed"));
    for (String kind : List.of("iterative", "concurrent")) {
      table.append(String.format("%-12s %12.1f %10d %10d %8d%n", kind, r.path(kind + "_per_s").asDouble(),
          r.path(kind + "_p50_ms").asLong(), r.path(kind + "_p99_ms").asLong(), r.path(kind + "_failed").asLong()));
    }
    double gain = r.path("concurrent_per_s").asDouble() / r.path("iterative_per_s").asDouble();
    table.append(String.format("concurrent / iterative throughput: %.1fx%n", gain));
    out.print(table);
    boolean passed = r.path("iterative_failed").asLong() == 0 && r.path("concurrent_failed").asLong() == 0 && gain > 1;
    String verdict = passed ? "PASSED" : "FAILED";
    out.println("verdict: " + verdict + " — logs in " + runDir);
    try {
      Files.writeString(runDir.resolve("verdict.txt"), table + "verdict: " + verdict + "\n");
    } catch (IOException e) {
      System.err.println("warning: cannot write " + runDir.resolve("verdict.txt") + ": " + e.getMessage());
    }
    return passed ? 0 : 1;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Gossip: waits until every node wrote its share and all replicas have reported the same
   * store fingerprint for a second (every node reports twice a second), which is convergence
   * as the nodes see it; the checkers then judge it from the traces.
   */
  private boolean awaitConverged(Launcher launcher, Duration limit) {
    long[] agreedSince = {-1};
    String[] agreedOn = {null};
    return launcher.awaitAll(s -> {
      java.util.Set<String> digests = new java.util.HashSet<>();
      for (Launcher.NodeState n : launcher.nodes().values()) {
        if (!n.done || n.digest == null) return false;
        digests.add(n.digest);
      }
      if (digests.size() != 1) {
        agreedSince[0] = -1;
        return false;
      }
      String d = digests.iterator().next();
      if (!d.equals(agreedOn[0]) || agreedSince[0] < 0) {
        agreedOn[0] = d;
        agreedSince[0] = System.nanoTime();
      }
      return System.nanoTime() - agreedSince[0] >= 1_000_000_000L;
    }, limit, () -> {
      long writes = launcher.nodes().values().stream().mapToLong(n -> n.writes).sum();
      long done = launcher.nodes().values().stream().filter(n -> n.done).count();
      long stores = launcher.nodes().values().stream().map(n -> n.digest).filter(java.util.Objects::nonNull).distinct().count();
      return "writes " + writes + "/" + messages + " · done " + done + "/" + nodes + " · distinct stores " + stores;
    });
  }

  private static void copyDemoConfig(String name, Path to) throws IOException {
    Path onDisk = Path.of("conf", name + ".conf");
    if (Files.isRegularFile(onDisk)) {
      Files.copy(onDisk, to);
      return;
    }
    try (InputStream in = DemoCommand.class.getResourceAsStream("/conf/" + name + ".conf")) {
      if (in == null) throw new IOException("no conf/" + name + ".conf on disk or in the jar");
      Files.copy(in, to);
    }
  }
}
