package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.sidis.bench.RoundRows;
import org.sidis.bench.RpcBench;
import org.sidis.bench.RpcPeer;
import org.sidis.demo.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench rpc}: the sync stub's round trip beside raw Akka ask (and gRPC-Java from
 * {@code sidis-bench.jar}), the concurrent server beside the iterative one on a blocking
 * handler, and the parallel client beside the sequential one; the server in a child JVM, or
 * with {@code --jvms 1} both ActorSystems in this JVM.
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

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (size < 1 || size > 64 * 1024 || calls < 100 || handlerMs < 1 || workers.stream().anyMatch(w -> w < 1 || w > 256)) {
      System.err.println("error: --size 1..65536, --calls >= 100, --handler-ms >= 1 and --workers 1..256 are needed");
      return ExitCodes.USAGE;
    }
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
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
    RpcBench.Params p = new RpcBench.Params(size, calls / 2, calls, workers, handlerMs, overrides);
    List<RpcPeer> peers = RpcPeer.available();
    // Alternated rounds: sidis (its stub and the raw ask, themselves alternated inside), then each peer; again.
    RoundRows measured = RoundRows.empty();
    for (int round = 1; round <= rounds; round++) {
      out.println("round " + round + " of " + rounds);
      List<RoundRows.Row> these = new ArrayList<>();
      for (RpcBench.Row r : jvms == 1 ? RpcBench.run(p, out) : acrossJvms(p, out)) {
        these.add(new RoundRows.Row(r.system(), r.baseline(), r.metric(), r.value(), r.unit()));
      }
      for (RpcPeer peer : peers) {
        out.println("  " + peer.name() + ": server in a child JVM, " + calls + " calls");
        RpcPeer.Result r;
        try {
          r = peer.run(new RpcPeer.Params(size, calls / 2, calls));
        } catch (Exception e) {
          System.err.println("error: baseline " + peer.name() + " failed in round " + round + ": " + e);
          return ExitCodes.FAILED;
        }
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p50_us", r.p50Micros(), "us"));
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p99_us", r.p99Micros(), "us"));
        these.add(new RoundRows.Row(r.system(), true, "round_trip_p99.9_us", r.p999Micros(), "us"));
      }
      measured = measured.withRound(these);
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
    ObjectNode root = BenchJson.root("rpc");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("size", size);
    params.put("calls", calls);
    params.put("handler_ms", handlerMs);
    params.put("workers", workers.toString());
    params.put("profile", profile == null ? "default" : profile.name());
    params.put("jvms", jvms);
    params.put("rounds", rounds);
    ArrayNode arr = root.putArray("rows");
    BenchJson.rounds(arr, measured);
    BenchJson.write(json, root, out);
    return ExitCodes.OK;
  }

  private static double value(List<RpcBench.Row> rows, String system, String metric) {
    return rows.stream().filter(r -> r.system().equals(system) && r.metric().equals(metric)).findFirst().orElseThrow().value();
  }

  /**
   * The server in a child JVM (node service bench-rpc-server) started with the same profile and
   * --set overrides as the client system in this JVM; its worker counts and handler time travel
   * as config values ({@code sidis.bench.rpc}).
   */
  private List<RpcBench.Row> acrossJvms(RpcBench.Params params, PrintStream out) throws Exception {
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
