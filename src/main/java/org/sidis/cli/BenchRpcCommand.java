package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.sidis.bench.BenchPlot;
import org.sidis.bench.BenchSummary;
import org.sidis.bench.ConcurrentCallers;
import org.sidis.bench.RoundRows;
import org.sidis.bench.RpcBench;
import org.sidis.bench.RpcPeer;
import org.sidis.demo.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench rpc}: the sync stub's round trip beside raw Akka ask (and gRPC-Java from
 * {@code sidis-bench.jar}), the concurrent server beside the iterative one on a blocking
 * handler, and the parallel client beside the sequential one; the server in a child JVM, or
 * with {@code --jvms 1} both ActorSystems in this JVM. With {@code --callers 1,4,16,64}, also the
 * caller curve: N threads calling the {@code @NonBlocking} stub at once beside N threads on one
 * gRPC channel, in the same rounds; its rows carry {@code callers}, so the summary and
 * {@code --plot} draw calls per second and the round trips over it.
 */
@Command(name = "rpc", mixinStandardHelpOptions = true,
    description = "Measures the sync stub's round trip beside raw Akka ask, the concurrent server beside the iterative one,"
        + " and the parallel client beside the sequential one.")
public final class BenchRpcCommand implements Callable<Integer> {

  @Option(names = "--size", defaultValue = "100", description = "Sends strings of this many bytes, 1 to 65536 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--calls", defaultValue = "20000",
      description = "Measures this many round trips per system, at least 100, after half as many to warm up (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(names = "--workers", defaultValue = "1,4,16,32", split = ",",
      description = "Measures the concurrent server with each of these worker counts, 1 to 256 (default: ${DEFAULT-VALUE}).")
  List<Integer> workers;

  @Option(names = "--callers", defaultValue = "1", split = ",", paramLabel = "N",
      description = "Also draws the caller curve: for each N of this comma-separated list (1 to 256, e.g. 1,4,16,64), N threads make"
          + " blocking calls at once for --duration seconds, sidis' @NonBlocking stub beside gRPC; calls per second and round trip"
          + " p50/p99 (default: ${DEFAULT-VALUE}: one call at a time only, no curve).")
  List<Integer> callers;

  @Option(names = "--duration", defaultValue = "3",
      description = "With --callers: measures each caller count for this many seconds, after " + CALLERS_WARMUP_SECONDS
          + " s of warm-up (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--plot", paramLabel = "DIR", description = "Also draws the medians as PNG plots into DIR: curves over callers with --callers.")
  Path plotDir;

  @Option(names = "--handler-ms", defaultValue = "10",
      description = "Makes the slow handler block for this many milliseconds (default: ${DEFAULT-VALUE}).")
  int handlerMs;

  @Option(names = "--jvms", defaultValue = "2",
      description = "Runs the server in a child JVM with 2, or both ActorSystems in this JVM with 1 (default: ${DEFAULT-VALUE}).")
  int jvms;

  @Option(names = "--config", paramLabel = "PROFILE", converter = Profile.Converter.class,
      description = "Lays this settings profile over the defaults in client and server, e.g. latency.conf (a file, or a name in the jar's conf/).")
  Profile profile;

  @Mixin
  RoundsOption roundsOption;

  @Mixin
  LaunchOptions launch;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  /** How long each caller count calls before its window opens. */
  static final int CALLERS_WARMUP_SECONDS = 1;

  /** The metrics of a caller-curve point, each row carrying its {@code callers}. */
  static final List<String> CALLERS_METRICS = List.of("concurrent_calls_per_s", "concurrent_round_trip_p50_us", "concurrent_round_trip_p99_us");

  /**
   * The caller counts the curve measures, or why the list is refused: each 1 to 256, none twice.
   * Just {@code 1} (the default) is no curve: the one-call-at-a-time round trip already measures it.
   */
  static List<Integer> callerCounts(List<Integer> callers) {
    for (Integer n : callers) {
      if (n == null || n < 1 || n > 256) throw new IllegalArgumentException("--callers must be 1 .. 256 threads, got " + n);
    }
    for (int i = 0; i < callers.size(); i++) {
      if (callers.indexOf(callers.get(i)) != i) {
        throw new IllegalArgumentException("--callers names a count twice: " + callers.get(i) + " in " + callers);
      }
    }
    return callers.equals(List.of(1)) ? List.of() : List.copyOf(callers);
  }

  /** A caller-curve point as rows of its round: calls per second and the round trip percentiles. */
  static List<RoundRows.Row> callerRows(String system, boolean baseline, ConcurrentCallers.Point p) {
    return List.of(new RoundRows.Row(system, baseline, "concurrent_calls_per_s", p.callsPerSecond(), "calls/s"),
        new RoundRows.Row(system, baseline, "concurrent_round_trip_p50_us", p.p50Micros(), "us"),
        new RoundRows.Row(system, baseline, "concurrent_round_trip_p99_us", p.p99Micros(), "us"));
  }

  /** The caller curve's JSON rows: every round's, then the medians, each with its {@code callers}. */
  static void callerRows(ArrayNode rows, Map<Integer, RoundRows> curve) {
    for (Map.Entry<Integer, RoundRows> e : curve.entrySet()) {
      RoundRows r = e.getValue();
      for (int round = 1; round <= r.rounds(); round++) {
        for (RoundRows.Row row : r.round(round)) BenchJson.row(rows, row).put("callers", e.getKey()).put("round", round);
      }
    }
    for (Map.Entry<Integer, RoundRows> e : curve.entrySet()) {
      for (RoundRows.Row row : e.getValue().medianRows()) BenchJson.row(rows, row).put("callers", e.getKey()).put("round", "median");
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (size < 1 || size > 64 * 1024 || calls < 100 || handlerMs < 1 || workers.stream().anyMatch(w -> w < 1 || w > 256)) {
      System.err.println("error: --size 1..65536, --calls >= 100, --handler-ms >= 1 and --workers 1..256 are needed");
      return ExitCodes.USAGE;
    }
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
    List<Integer> callerCounts;
    try {
      callerCounts = callerCounts(callers);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (duration < 1) {
      System.err.println("error: --duration must be at least 1 second, got " + duration);
      return ExitCodes.USAGE;
    }
    Duration warmup = Duration.ofSeconds(CALLERS_WARMUP_SECONDS);
    Duration window = Duration.ofSeconds(duration);
    if (jvms != 1 && jvms != 2) {
      System.err.println("error: --jvms is 1 or 2, got " + jvms);
      return ExitCodes.USAGE;
    }
    Config overrides = settings.asConfig();
    if (profile != null) overrides = overrides.withFallback(profile.config());
    out.printf("bench rpc: client and server ActorSystems %s over Artery TCP on loopback%s; %d B strings, %d calls"
        + " measured per system (alternating), %d round(s); concurrent vs iterative server on a %d ms blocking handler, workers %s%n",
        jvms == 2 ? "in two JVMs" : "in one JVM", profile == null ? "" : " (profile " + profile.name() + ")", size, calls,
        rounds, handlerMs, workers);
    if (!callerCounts.isEmpty()) {
      out.printf("caller curve: %s threads calling at once, each count %d s after %d s of warm-up, the @NonBlocking stub beside each peer%n",
          callerCounts, duration, CALLERS_WARMUP_SECONDS);
    }
    RpcBench.Params p = new RpcBench.Params(size, calls / 2, calls, workers, handlerMs, overrides, callerCounts, warmup, window);
    List<RpcPeer> peers = RpcPeer.available();
    // Alternated rounds: sidis (its stub and the raw ask, themselves alternated inside), then each peer; again.
    RoundRows measured = RoundRows.empty();
    Map<Integer, RoundRows> curve = new LinkedHashMap<>();
    for (int n : callerCounts) curve.put(n, RoundRows.empty());
    for (int round = 1; round <= rounds; round++) {
      out.println("round " + round + " of " + rounds);
      List<RoundRows.Row> these = new ArrayList<>();
      Map<Integer, List<RoundRows.Row>> points = new LinkedHashMap<>();
      for (int n : callerCounts) points.put(n, new ArrayList<>());
      RpcBench.Measured sidis = jvms == 1 ? RpcBench.run(p, out) : acrossJvms(p, out);
      for (RpcBench.Row r : sidis.rows()) {
        these.add(new RoundRows.Row(r.system(), r.baseline(), r.metric(), r.value(), r.unit()));
      }
      for (ConcurrentCallers.Point pt : sidis.callers()) points.get(pt.callers()).addAll(callerRows(RpcBench.CALLERS_SYSTEM, false, pt));
      for (RpcPeer peer : peers) {
        out.println("  " + peer.name() + ": server in a child JVM, " + calls + " calls");
        RpcPeer.Result r;
        try {
          r = peer.run(new RpcPeer.Params(size, calls / 2, calls, callerCounts, warmup, window));
        } catch (Exception e) {
          System.err.println("error: baseline " + peer.name() + " failed in round " + round + ": " + e);
          return ExitCodes.FAILED;
        }
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p50_us", r.p50Micros(), "us"));
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p99_us", r.p99Micros(), "us"));
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p99.9_us", r.p999Micros(), "us"));
        for (ConcurrentCallers.Point pt : r.callers()) points.get(pt.callers()).addAll(callerRows(r.system(), true, pt));
      }
      measured = measured.withRound(these);
      for (int n : callerCounts) curve.put(n, curve.get(n).withRound(points.get(n)));
    }
    List<RpcBench.Row> rows = measured.medianRows().stream()
        .map(r -> new RpcBench.Row(r.system(), r.baseline(), r.metric(), r.value(), r.unit())).toList();
    if (rounds > 1) out.printf("%nmedians of %d alternated rounds (lowest .. highest round in brackets)%n", rounds);
    out.println();
    out.printf("%-36s %-34s %12s %s%n", "system", "metric", "value", "unit");
    for (RoundRows.Median m : measured.medians()) {
      RoundRows.Row r = m.row();
      out.printf("%-36s %-34s %12.1f %s%s%n", r.system() + (r.baseline() ? " (baseline)" : ""), r.metric(), r.value(), r.unit(),
          m.rounds() > 1 ? String.format("  [%.1f .. %.1f]", m.min(), m.max()) : "");
    }
    for (String stub : List.of("sidis-rpc-sync-stub-nonblocking", "sidis-rpc-sync-stub-worker")) {
      for (String q : List.of("p50", "p99")) {
        String metric = "round_trip_" + q + "_us";
        double ask = value(rows, "akka-ask", metric);
        double s = value(rows, stub, metric);
        out.printf("%s / ask at %s: %.2fx%s%n", stub, q, s / ask, q.equals("p50") ? " (aim <= 1.2x)" : "");
        for (RpcPeer peer : peers) {
          out.printf("%s / %s at %s: %.2fx (goal <= 1x)%n", stub, peer.name(), q, s / value(rows, peer.name(), metric));
        }
      }
    }
    if (peers.isEmpty()) {
      out.println("no gRPC-Java baseline in this jar: build target/sidis-bench.jar with `mvn -B -Pbench-peers -DskipTests package`"
          + " and run the bench from it");
    }
    for (RpcBench.Row r : rows) {
      if (r.metric().equals("gain_over_iterative")) {
        int n = Integer.parseInt(r.system().replaceAll("\\D", ""));
        out.printf("%s: %.1fx over iterative (aim >= %.1fx) %s%n", r.system(), r.value(), 0.9 * n, r.value() >= 0.9 * n ? "met" : "MISSED");
      }
    }
    if (!callerCounts.isEmpty()) out.print(callerTable(curve, peers.stream().map(RpcPeer::name).toList()));
    ObjectNode root = BenchJson.root("rpc");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("size", size);
    params.put("calls", calls);
    params.put("handler_ms", handlerMs);
    params.put("workers", workers.toString());
    params.put("profile", profile == null ? "default" : profile.name());
    params.put("jvms", jvms);
    params.put("rounds", rounds);
    if (!callerCounts.isEmpty()) params.put("callers", callerCounts.toString()).put("callers_window_s", duration);
    ArrayNode arr = root.putArray("rows");
    BenchJson.rounds(arr, measured);
    callerRows(arr, curve);
    BenchJson.write(json, root, out);
    if (plotDir != null) {
      List<Path> plots = BenchPlot.write(BenchSummary.of(Map.of("rpc", root)), plotDir);
      out.println("plots: " + plots.size() + " in " + plotDir + (plots.isEmpty() ? "" : " " + plots.stream().map(q -> q.getFileName().toString()).toList()));
    }
    return ExitCodes.OK;
  }

  /**
   * The caller curve's medians per caller count, lowest and highest round in brackets, and per
   * count the ratio of sidis' stub to each peer: calls per second (higher is better) and the
   * round trip percentiles (lower is better).
   */
  static String callerTable(Map<Integer, RoundRows> curve, List<String> peers) {
    StringBuilder b = new StringBuilder(String.format("%ncaller curve: medians of the rounds (lowest .. highest round in brackets)%n"));
    b.append(String.format("%7s %-36s %-20s %12s %s%n", "callers", "system", "metric", "value", "unit"));
    for (Map.Entry<Integer, RoundRows> e : curve.entrySet()) {
      for (RoundRows.Median m : e.getValue().medians()) {
        RoundRows.Row r = m.row();
        b.append(String.format("%7d %-36s %-20s %12.1f %s%s%n", e.getKey(), r.system() + (r.baseline() ? " (baseline)" : ""), r.metric(),
            r.value(), r.unit(), m.rounds() > 1 ? String.format("  [%.1f .. %.1f]", m.min(), m.max()) : ""));
      }
    }
    for (Map.Entry<Integer, RoundRows> e : curve.entrySet()) {
      Map<String, Double> median = new LinkedHashMap<>();
      for (RoundRows.Row r : e.getValue().medianRows()) median.put(r.system() + " " + r.metric(), r.value());
      for (String peer : peers) {
        StringBuilder line = new StringBuilder(String.format("%d callers: %s / %s:", e.getKey(), RpcBench.CALLERS_SYSTEM, peer));
        for (String metric : CALLERS_METRICS) {
          Double s = median.get(RpcBench.CALLERS_SYSTEM + " " + metric);
          Double g = median.get(peer + " " + metric);
          line.append(String.format(" %s %s", metric, s == null || g == null || g == 0 ? "—" : String.format("%.2fx", s / g)));
        }
        b.append(line).append(" (calls/s: higher is better; round trips: lower)").append(System.lineSeparator());
      }
    }
    if (peers.isEmpty()) b.append("no peer beside the curve: gRPC-Java runs from target/sidis-bench.jar").append(System.lineSeparator());
    return b.toString();
  }

  private static double value(List<RpcBench.Row> rows, String system, String metric) {
    return rows.stream().filter(r -> r.system().equals(system) && r.metric().equals(metric)).findFirst().orElseThrow().value();
  }

  /**
   * The server in a child JVM (node service bench-rpc-server) started with the same profile and
   * --set overrides as the client system in this JVM; its worker counts and handler time travel
   * as config values ({@code sidis.bench.rpc}).
   */
  private RpcBench.Measured acrossJvms(RpcBench.Params params, PrintStream out) throws Exception {
    Path runDir = Launcher.newRunDir(launch.runsDir(), "bench-rpc");
    List<String> args = new ArrayList<>();
    if (profile != null) {
      Path copy = runDir.resolve("conf").resolve(Path.of(profile.name()).getFileName().toString());
      profile.copyTo(copy);
      args.addAll(List.of("--config", copy.toString()));
    }
    args.addAll(List.of("--port", "0"));
    args.addAll(NodeArgs.sets(ConfigFactory.empty()
        .withValue("sidis.node.services", ConfigValueFactory.fromIterable(List.of("bench-rpc-server")))
        .withValue("sidis.trace.enabled", ConfigValueFactory.fromAnyRef(false))
        .withValue("sidis.bench.rpc.workers", ConfigValueFactory.fromIterable(workers))
        .withValue("sidis.bench.rpc.handler", ConfigValueFactory.fromAnyRef(handlerMs + "ms"))));
    args.addAll(NodeArgs.sets(settings.asMap()));
    try (Launcher launcher = new Launcher(runDir, out)) {
      try {
        return RpcBench.runWithServer(params, seed -> {
          List<String> all = new ArrayList<>(args);
          all.addAll(List.of("--seeds", seed));
          launcher.start("server", launch.jvm(), all);
          out.println("  server JVM started (logs in " + runDir.resolve("logs") + "); it joins the client at " + seed);
        });
      } finally {
        launcher.stopAll();
      }
    }
  }
}
