package org.sidis.cli;

import org.sidis.bench.BroadcastBench;
import org.sidis.bench.LogBench;
import org.sidis.bench.QueueBench;
import org.sidis.bench.QueuePeer;
import org.sidis.bench.RpcBench;
import org.sidis.bench.RpcPeer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sidis.demo.Launcher;
import org.sidis.multicast.Order;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench multicast}: deliveries per second per member of messages multicast by the
 * other members, for sidis' FIFO or causal multicast and, in the same run on the same JVMs'
 * settings, for the baseline — plain Akka tell broadcast with a credit window. Tracing is
 * off in both.
 *
 * <p>{@code sidis bench broadcast}: Maelstrom's broadcast workload in one JVM over the network
 * model — messages per value, median and maximum time until every node has a value, lost
 * values — for sidis gossip and, in the same run, direct broadcast over Akka tell; healthy
 * and under a partition schedule ({@link BroadcastBench}).
 *
 * <p>Output: a table, and with {@code --json} the benchmark contract of DESIGN.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks: 'multicast' — sidis FIFO/causal multicast beside a raw Akka tell broadcast baseline (JVMs);",
        "'broadcast' — Maelstrom's broadcast workload (25 nodes, 100 ms links, 100 values/s for 20 s, healthy and",
        "partitioned) for sidis gossip beside direct Akka tell broadcast, in one JVM over the network model;",
        "'rpc' — sync stub round trip beside raw Akka ask, concurrent vs iterative server, parallel vs sequential client;",
        "'queue' — PUT->GET rate and PUT-ack latency of transient and persistent queues, beside ActiveMQ Artemis in sidis-bench.jar."})
public final class BenchCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "Benchmark name: multicast | broadcast | rpc | queue | log")
  String bench;

  @Option(names = "--order", defaultValue = "causal", description = "fifo | causal | total (default: ${DEFAULT-VALUE}); total also runs fifo.")
  String order;

  @Option(names = "--nodes", description = "multicast: JVMs (default 3); broadcast: nodes (default 25).")
  Integer nodesOption;

  int nodes;

  @Option(names = "--size", defaultValue = "100", description = "Payload size in bytes (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--warmup", defaultValue = "5", description = "Seconds of warm-up before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", description = "Seconds measured (multicast, default 10) or of writes (broadcast, default 20).")
  Integer durationOption;

  int duration;

  @Option(names = "--latency", defaultValue = "100", description = "broadcast: one-way latency of every link, ms (default: ${DEFAULT-VALUE}).")
  int latency;

  @Option(names = "--rate", defaultValue = "100", description = "broadcast: new values per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--partition-every", defaultValue = "10",
      description = "broadcast: seconds between cuts of a random half (default: ${DEFAULT-VALUE}).")
  int partitionEvery;

  @Option(names = "--partition-for", defaultValue = "5", description = "broadcast: seconds each cut lasts (default: ${DEFAULT-VALUE}).")
  int partitionFor;

  @Option(names = "--wait", defaultValue = "30",
      description = "broadcast: seconds to wait after the writes for every value to reach every node (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(names = "--scenarios", defaultValue = "healthy,partitioned", split = ",",
      description = "broadcast: healthy and/or partitioned (default: both).")
  List<String> scenarios;

  @Option(names = "--mode", defaultValue = "flood", description = "broadcast: the sidis gossip mode (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--overlay", defaultValue = "star", description = "broadcast: the flooding overlay (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--interval", defaultValue = "40ms",
      description = "broadcast: the gossip round — a flood of what waits, or an exchange (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--backup", defaultValue = "1s",
      description = "broadcast: push-pull anti-entropy as a backup under flood and rumor; 0 = off (default: ${DEFAULT-VALUE}).")
  String backup;

  @Option(names = "--seed", defaultValue = "1", description = "broadcast: seed of origins and partitions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--persistent", description = "queue: measure a persistent queue (H2, WRITE_DELAY=0); default both kinds.")
  boolean persistentOnly;

  @Option(names = "--transient", description = "queue: measure a transient queue; default both kinds.")
  boolean transientOnly;

  @Option(names = "--window", defaultValue = "100", description = "queue: PUTs outstanding; log: appends outstanding (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--consumers", defaultValue = "8", description = "queue: consumers, each with one GET (or Fetch) outstanding (default: ${DEFAULT-VALUE}).")
  int consumers;

  @Option(names = "--batch", defaultValue = "100", description = "queue, batched rows: messages per PutBatch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--prefetch", defaultValue = "100", description = "queue, batched rows: most messages per Fetch (default: ${DEFAULT-VALUE}).")
  int prefetch;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Option(names = "--runs-dir", defaultValue = "runs", description = "Where run directories go (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--set", description = "Override a node setting in the sidis phase: --set sidis.multicast.window=4000 (repeatable).")
  Map<String, String> settings = new java.util.LinkedHashMap<>();

  @Option(names = "--jvm-opt", description = "An option for each node's JVM (repeatable; default: -Xmx512m).")
  List<String> jvmOptions;

  @Option(names = "--calls", defaultValue = "20000", description = "rpc: round trips measured per system (default: ${DEFAULT-VALUE}); half as many warm up.")
  int calls;

  @Option(names = "--workers", defaultValue = "1,4,16,32", split = ",", description = "rpc: worker counts of the concurrent server (default: ${DEFAULT-VALUE}).")
  List<Integer> workers;

  @Option(names = "--handler-ms", defaultValue = "10", description = "rpc: how long the slow handler blocks (default: ${DEFAULT-VALUE}).")
  int handlerMs;

  @Option(names = "--jvms", defaultValue = "2", description = "rpc: 2 (the server in a child JVM, the client in this one) or 1"
      + " (two ActorSystems in this JVM) (default: ${DEFAULT-VALUE}).")
  int jvms;

  @Option(names = "--config", description = "rpc: a profile over the defaults, e.g. conf/latency.conf; queue: the store, e.g. conf/postgres.conf (a file, or a name in the jar's conf/).")
  String profile;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (bench.equals("broadcast")) return broadcast(out);
    if (bench.equals("rpc")) return rpc(out);
    if (bench.equals("queue")) return queue(out);
    if (bench.equals("log")) return LogBench.run(out, size, warmup, durationOption == null ? 10 : durationOption, window, json);
    if (!bench.equals("multicast")) {
      System.err.println("error: unknown benchmark [" + bench + "]; known: multicast, broadcast, rpc, queue, log");
      return 2;
    }
    nodes = nodesOption == null ? 3 : nodesOption;
    duration = durationOption == null ? 10 : durationOption;
    Order o;
    try {
      o = Order.parse(order);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    if (nodes < 2) {
      System.err.println("error: --nodes must be at least 2 (deliveries of other members' messages are measured), got " + nodes);
      return 2;
    }
    if (size < 1 || size > 64 * 1024) {
      System.err.println("error: --size must be in 1..65536 bytes, got " + size);
      return 2;
    }
    if (warmup < 0 || duration < 1) {
      System.err.println("error: --warmup must be >= 0 and --duration >= 1 seconds");
      return 2;
    }
    out.printf("bench multicast: order %s, %d nodes, %d B payloads, %d s measured after %d s warm-up%n",
        o.id(), nodes, size, duration, warmup);
    Map<String, Long> raw = runPhase("raw", List.of("bench-raw"), null);
    // Total order is also shown beside FIFO from the same run: the price of the sequencer.
    Map<String, Long> fifo = o == Order.TOTAL ? runPhase("sidis-fifo", List.of("multicast", "bench-multicast"), Order.FIFO) : null;
    Map<String, Long> sidis = runPhase("sidis-" + o.id(), List.of("multicast", "bench-multicast"), o);
    if (raw == null || sidis == null || (o == Order.TOTAL && fifo == null)) {
      System.err.println("error: a benchmark phase did not complete (see the run directories above)");
      return 1;
    }
    String rawName = "akka-tell-broadcast";
    String sidisName = "sidis-" + o.id();
    out.println();
    out.printf("%-32s %-6s %14s%n", "system", "member", "deliveries/s");
    raw.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", rawName + " (baseline)", n, v));
    if (fifo != null) fifo.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", "sidis-fifo", n, v));
    sidis.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", sidisName, n, v));
    double rawMean = raw.values().stream().mapToLong(Long::longValue).average().orElse(0);
    double sidisMean = sidis.values().stream().mapToLong(Long::longValue).average().orElse(0);
    out.printf("%-32s %-6s %,14.0f%n", rawName + " (baseline)", "mean", rawMean);
    double fifoMean = fifo == null ? 0 : fifo.values().stream().mapToLong(Long::longValue).average().orElse(0);
    if (fifo != null) out.printf("%-32s %-6s %,14.0f%n", "sidis-fifo", "mean", fifoMean);
    out.printf("%-32s %-6s %,14.0f%n", sidisName, "mean", sidisMean);
    out.printf("ratio %s / baseline: %.2fx%n", sidisName, rawMean == 0 ? 0 : sidisMean / rawMean);
    if (fifo != null) out.printf("ratio %s / sidis-fifo: %.2fx%n", sidisName, fifoMean == 0 ? 0 : sidisMean / fifoMean);
    if (json != null) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("bench", "multicast");
      ObjectNode params = root.putObject("params");
      params.put("order", o.id());
      params.put("nodes", nodes);
      params.put("size", size);
      params.put("warmup_s", warmup);
      params.put("duration_s", duration);
      ArrayNode rows = root.putArray("rows");
      raw.forEach((n, v) -> row(rows, rawName, true, "deliveries_per_s_" + n, v));
      if (fifo != null) fifo.forEach((n, v) -> row(rows, "sidis-fifo", false, "deliveries_per_s_" + n, v));
      sidis.forEach((n, v) -> row(rows, sidisName, false, "deliveries_per_s_" + n, v));
      row(rows, rawName, true, "deliveries_per_s_mean", rawMean);
      if (fifo != null) row(rows, "sidis-fifo", false, "deliveries_per_s_mean", fifoMean);
      row(rows, sidisName, false, "deliveries_per_s_mean", sidisMean);
      m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      out.println("json: " + json);
    }
    return 0;
  }

  private Integer queue(PrintStream out) throws IOException {
    duration = durationOption == null ? 10 : durationOption;
    if (size < 1 || size > 200 * 1024 || window < 1 || consumers < 1 || batch < 1 || prefetch < 1 || warmup < 0 || duration < 1) {
      System.err.println("error: --size 1..204800, --window, --consumers, --batch, --prefetch and --duration >= 1, --warmup >= 0 are needed");
      return 2;
    }
    com.typesafe.config.Config storeProfile = null;
    String store = "h2";
    if (profile != null) {
      Path file = Path.of(profile);
      storeProfile = java.nio.file.Files.exists(file) ? com.typesafe.config.ConfigFactory.parseFile(file.toFile())
          : com.typesafe.config.ConfigFactory.parseResources("conf/" + file.getFileName());
      if (storeProfile.isEmpty()) {
        System.err.println("error: config profile [" + profile + "] not found (a file, or conf/<name>.conf in the jar)");
        return 2;
      }
      storeProfile = storeProfile.resolve(com.typesafe.config.ConfigResolveOptions.defaults().setAllowUnresolved(true));
      String urlPath = "akka-persistence-jdbc.shared-databases.sidis.db.url";
      store = !storeProfile.hasPath(urlPath) ? "h2" : storeProfile.getString(urlPath).startsWith("jdbc:postgresql:") ? "postgresql" : "custom";
    }
    List<Boolean> kinds = new java.util.ArrayList<>();
    if (transientOnly || !persistentOnly) kinds.add(false);
    if (persistentOnly || !transientOnly) kinds.add(true);
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("bench", "queue");
    ObjectNode params = root.putObject("params");
    params.put("size", size);
    params.put("warmup_s", warmup);
    params.put("duration_s", duration);
    params.put("window", window);
    params.put("consumers", consumers);
    params.put("batch", batch);
    params.put("prefetch", prefetch);
    params.put("store", store);
    ArrayNode rows = root.putArray("rows");
    List<QueuePeer.Result> results = new ArrayList<>();
    List<QueuePeer> peers = new ArrayList<>();
    try {
      java.util.ServiceLoader.load(QueuePeer.class).forEach(peers::add);
    } catch (java.util.ServiceConfigurationError | LinkageError e) {
      System.err.println("error: a benchmark peer is named in this jar but cannot be loaded (" + e
          + "); rebuild with `mvn -B -Pbench-peers -DskipTests package`");
      return 1;
    }
    out.printf("bench queue: %d B messages, %d PUTs outstanding, %d consumers, %d s warm-up, %d s measured; one JVM%n",
        size, window, consumers, warmup, duration);
    QueuePeer.Params p = new QueuePeer.Params(size, warmup, duration, window, consumers);
    for (QueuePeer peer : peers) {
      try {
        results.addAll(peer.run(p));
      } catch (Exception e) {
        System.err.println("error: baseline " + peer.name() + " failed: " + e);
        return 1;
      }
    }
    int baselines = results.size();
    for (boolean persistent : kinds) {
      for (boolean batched : List.of(false, true)) {
        String system = (persistent ? "sidis-queue-persistent-" + store : "sidis-queue-transient") + (batched ? "-batched" : "");
        try {
          QueueBench.Result r = QueueBench.run(persistent, size, warmup, duration, window, consumers,
              batched ? batch : 0, batched ? prefetch : 0, storeProfile);
          results.add(new QueuePeer.Result(system, batched ? "PutBatch/Fetch/AckBatch" : "Put/Get/Ack",
              r.rate(), r.consumed(), r.putP50Micros(), r.putP99Micros()));
        } catch (Exception e) {
          System.err.println("error: " + system + " failed: " + e);
          return 1;
        }
      }
    }
    QueuePeer.Result reference = baselines > 0 ? results.get(0) : null;
    out.printf("%-40s %14s %14s %14s %12s%n", "system", "PUT->GET msg/s", "PUT-ack p50 us", "PUT-ack p99 us",
        reference == null ? "" : "x " + "baseline");
    for (int i = 0; i < results.size(); i++) {
      QueuePeer.Result r = results.get(i);
      boolean baseline = i < baselines;
      out.printf("%-40s %14.0f %14.0f %14.0f %12s%n", r.system() + (baseline ? " (baseline)" : ""), r.rate(), r.putP50Micros(),
          r.putP99Micros(), reference == null ? "" : String.format("%.2f", r.rate() / reference.rate()));
      row(rows, r.system(), baseline, "put_get_per_s", r.rate());
      rows.addObject().put("system", r.system()).put("baseline", baseline).put("metric", "put_ack_p50")
          .put("value", r.putP50Micros()).put("unit", "us");
      rows.addObject().put("system", r.system()).put("baseline", baseline).put("metric", "put_ack_p99")
          .put("value", r.putP99Micros()).put("unit", "us");
    }
    if (reference == null) {
      out.println("no baseline in this jar: ActiveMQ Artemis is benchmark-only; build target/sidis-bench.jar with"
          + " `mvn -B -Pbench-peers -DskipTests package` and run `java -jar target/sidis-bench.jar bench queue ...`");
    } else {
      out.printf("ratios are PUT->GET msg/s against %s (%s), measured in this run%n", reference.system(), reference.mode());
    }
    if (json != null) {
      m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      out.println("json: " + json);
    }
    return 0;
  }

  private static void row(ArrayNode rows, String system, boolean baseline, String metric, double value) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Math.round(value));
    r.put("unit", "msg/s");
  }

  private Integer rpc(PrintStream out) throws Exception {
    if (size < 1 || size > 64 * 1024 || calls < 100 || handlerMs < 1 || workers.stream().anyMatch(w -> w < 1 || w > 256)) {
      System.err.println("error: --size 1..65536, --calls >= 100, --handler-ms >= 1 and --workers 1..256 are needed");
      return 2;
    }
    com.typesafe.config.Config overrides = org.sidis.node.Node.settings(settings);
    if (profile != null) {
      Path file = Path.of(profile);
      com.typesafe.config.Config prof = java.nio.file.Files.exists(file) ? com.typesafe.config.ConfigFactory.parseFile(file.toFile())
          : com.typesafe.config.ConfigFactory.parseResources("conf/" + file.getFileName());
      if (prof.isEmpty()) {
        System.err.println("error: config profile [" + profile + "] not found (a file, or conf/<name>.conf in the jar)");
        return 2;
      }
      overrides = overrides.withFallback(prof);
    }
    if (jvms != 1 && jvms != 2) {
      System.err.println("error: --jvms is 1 or 2, got " + jvms);
      return 2;
    }
    out.printf("bench rpc: client and server ActorSystems %s over Artery TCP on loopback%s; %d B strings, %d calls"
        + " measured per system (alternating); concurrent vs iterative server on a %d ms blocking handler, workers %s%n",
        jvms == 2 ? "in two JVMs" : "in one JVM", profile == null ? "" : " (profile " + profile + ")", size, calls,
        handlerMs, workers);
    RpcBench.Params p = new RpcBench.Params(size, calls / 2, calls, workers, handlerMs, overrides);
    List<RpcBench.Row> rows = new ArrayList<>(jvms == 1 ? RpcBench.run(p, out) : rpcAcrossJvms(p, out));
    List<RpcPeer> peers = RpcPeer.available();
    for (RpcPeer peer : peers) {
      out.println("  " + peer.name() + ": server in a child JVM, " + calls + " calls");
      RpcPeer.Result r = peer.run(new RpcPeer.Params(size, calls / 2, calls));
      rows.add(new RpcBench.Row(r.system(), true, "round_trip_p50_us", r.p50Micros(), "us"));
      rows.add(new RpcBench.Row(r.system(), true, "round_trip_p99_us", r.p99Micros(), "us"));
      rows.add(new RpcBench.Row(r.system(), true, "round_trip_p99.9_us", r.p999Micros(), "us"));
    }
    out.println();
    out.printf("%-36s %-34s %12s %s%n", "system", "metric", "value", "unit");
    for (RpcBench.Row r : rows) {
      out.printf("%-36s %-34s %12.1f %s%n", r.system() + (r.baseline() ? " (baseline)" : ""), r.metric(), r.value(), r.unit());
    }
    for (String stub : List.of("sidis-rpc-sync-stub-nonblocking", "sidis-rpc-sync-stub-worker")) {
      for (String q : List.of("p50", "p99")) {
        String metric = "round_trip_" + q + "_us";
        double ask = rows.stream().filter(r -> r.system().equals("akka-ask") && r.metric().equals(metric)).findFirst().orElseThrow().value();
        double s = rows.stream().filter(r -> r.system().equals(stub) && r.metric().equals(metric)).findFirst().orElseThrow().value();
        out.printf("%s / ask at %s: %.2fx%s%n", stub, q, s / ask, q.equals("p50") ? " (aim <= 1.2x)" : "");
        for (RpcPeer peer : peers) {
          double other = rows.stream().filter(r -> r.system().equals(peer.name()) && r.metric().equals(metric)).findFirst().orElseThrow().value();
          out.printf("%s / %s at %s: %.2fx (goal <= 1x)%n", stub, peer.name(), q, s / other);
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
    if (json != null) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("bench", "rpc");
      ObjectNode params = root.putObject("params");
      params.put("size", size);
      params.put("calls", calls);
      params.put("handler_ms", handlerMs);
      params.put("workers", workers.toString());
      params.put("profile", profile == null ? "default" : profile);
      params.put("jvms", jvms);
      ArrayNode arr = root.putArray("rows");
      for (RpcBench.Row r : rows) {
        ObjectNode o = arr.addObject();
        o.put("system", r.system());
        o.put("baseline", r.baseline());
        o.put("metric", r.metric());
        o.put("value", Math.round(r.value() * 1000) / 1000.0);
        o.put("unit", r.unit());
      }
      m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      out.println("json: " + json);
    }
    return 0;
  }

  /**
   * The server in a child JVM (node service bench-rpc-server) started with the same profile and
   * --set overrides as the client system in this JVM.
   */
  private List<RpcBench.Row> rpcAcrossJvms(RpcBench.Params params, PrintStream out) throws Exception {
    Path runDir = org.sidis.demo.Launcher.newRunDir(runsDir, "bench-rpc");
    List<String> args = new ArrayList<>();
    if (profile != null) {
      Path file = Path.of(profile);
      Path copy = runDir.resolve("conf").resolve(file.getFileName().toString());
      java.nio.file.Files.createDirectories(copy.getParent());
      if (java.nio.file.Files.exists(file)) {
        java.nio.file.Files.copy(file, copy);
      } else {
        try (java.io.InputStream in = BenchCommand.class.getResourceAsStream("/conf/" + file.getFileName())) {
          java.nio.file.Files.copy(in, copy);
        }
      }
      args.addAll(List.of("--config", copy.toString()));
    }
    args.addAll(List.of("--port", "0", "--set", "sidis.node.services=[bench-rpc-server]", "--set", "sidis.trace.enabled=off",
        "--set", "sidis.bench.rpc.workers=" + workers, "--set", "sidis.bench.rpc.handler=" + handlerMs + "ms"));
    settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
    try (org.sidis.demo.Launcher launcher = new org.sidis.demo.Launcher(runDir, out)) {
      try {
        return RpcBench.runWithServer(params, seed -> {
          List<String> all = new ArrayList<>(args);
          all.addAll(List.of("--seeds", seed));
          launcher.start("server", jvmOptions != null ? jvmOptions : List.of("-Xmx512m"), all);
          out.println("  server JVM started (logs in " + runDir.resolve("logs") + "); it joins the client at " + seed);
        });
      } finally {
        launcher.stopAll();
      }
    }
  }

  private Integer broadcast(PrintStream out) throws IOException {
    nodes = nodesOption == null ? 25 : nodesOption;
    duration = durationOption == null ? 20 : durationOption;
    if (nodes < 2 || rate < 1 || duration < 1 || latency < 0 || partitionEvery < 1 || partitionFor < 0 || waitSeconds < 1) {
      System.err.println("error: --nodes >= 2, --rate >= 1, --duration >= 1, --latency >= 0, --partition-every >= 1, "
          + "--partition-for >= 0 and --wait >= 1 are needed");
      return 2;
    }
    for (String sc : scenarios) {
      if (!sc.equals("healthy") && !sc.equals("partitioned")) {
        System.err.println("error: unknown scenario [" + sc + "]; known: healthy, partitioned");
        return 2;
      }
    }
    org.sidis.gossip.GossipSettings gossip;
    try {
      gossip = org.sidis.gossip.GossipSettings.fromConfig(org.sidis.node.Node.settings(settings).withFallback(com.typesafe.config.ConfigFactory.load())
          .resolve().getConfig("sidis.gossip"));
      org.sidis.gossip.Mode m = org.sidis.gossip.Mode.parse(mode);
      org.sidis.gossip.GossipSettings.Flood f = gossip.flood();
      gossip = gossip.withMode(m)
          .withFlood(new org.sidis.gossip.GossipSettings.Flood(org.sidis.gossip.Overlay.parse(overlay), f.degree(), f.hub(), f.seed()))
          .withIntervals(parseDuration(interval), parseDuration(backup));
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    BroadcastBench.Params p = new BroadcastBench.Params(nodes, latency, rate, duration, partitionEvery, partitionFor, waitSeconds, seed);
    String sidisName = "sidis gossip " + mode + (gossip.mode() == org.sidis.gossip.Mode.FLOOD ? "/" + overlay : "")
        + " every " + interval + (gossip.mode().antiEntropy() || gossip.backupInterval().isZero() ? "" : " + push-pull every " + backup);
    out.printf("bench broadcast: %d nodes as actors in one JVM over the network model (%d ms one-way on every link), "
        + "%d values/s for %d s (%d values) at random nodes, then heal and wait up to %d s%n", nodes, latency, rate, duration,
        p.values(), waitSeconds);
    if (scenarios.contains("partitioned"))
      out.printf("partitioned: every %d s a random half of the nodes is cut off from the rest for %d s, then healed%n",
          partitionEvery, partitionFor);
    List<BroadcastBench.Figures> figures = new ArrayList<>();
    for (String sc : scenarios) {
      boolean cut = sc.equals("partitioned");
      figures.add(BroadcastBench.run(BroadcastBench.direct(), cut, p, out));
      figures.add(BroadcastBench.run(BroadcastBench.gossip(sidisName, gossip), cut, p, out));
    }
    out.println();
    out.printf("%-62s %-12s %11s %10s %10s %6s%n", "system", "scenario", "msgs/value", "median ms", "max ms", "lost");
    for (BroadcastBench.Figures f : figures) {
      out.printf("%-62s %-12s %11.2f %10.0f %10.0f %6d%n", f.system() + (f.baseline() ? " (baseline)" : ""), f.scenario(),
          f.messagesPerValue(), f.medianMs(), f.maxMs(), f.lost());
    }
    for (BroadcastBench.Figures f : figures) {
      if (f.baseline() || !f.scenario().equals("healthy")) continue;
      out.printf("aim (healthy): <= 20 msgs/value %s, median <= 300 ms %s, max <= 450 ms %s, 0 lost %s%n",
          f.messagesPerValue() <= 20 ? "met" : "MISSED", f.medianMs() <= 300 ? "met" : "MISSED",
          f.maxMs() <= 450 ? "met" : "MISSED", f.lost() == 0 ? "met" : "MISSED");
    }
    out.println("for scale: Maelstrom's tree topology at 25 nodes and 100 ms reports 11.99 server messages per operation"
        + " (reads included, ~24 per value), median 386 ms, max 505 ms.");
    out.println("times are from the write until the last node had the value, on one JVM's clock, over the values that reached"
        + " every node (lost ones have none); the machine is shared: read ratios.");
    if (json != null) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("bench", "broadcast");
      ObjectNode params = root.putObject("params");
      params.put("nodes", nodes);
      params.put("latency_ms", latency);
      params.put("rate_per_s", rate);
      params.put("duration_s", duration);
      params.put("values", p.values());
      params.put("partition_every_s", partitionEvery);
      params.put("partition_for_s", partitionFor);
      params.put("wait_s", waitSeconds);
      params.put("seed", seed);
      params.put("in_process", true);
      params.put("network", "sidis.net.NetworkModel, one JVM, actors as nodes");
      ArrayNode rows = root.putArray("rows");
      for (BroadcastBench.Figures f : figures) {
        row(rows, f.system(), f.baseline(), f.scenario() + ".messages_per_value", f.messagesPerValue(), "msgs");
        row(rows, f.system(), f.baseline(), f.scenario() + ".latency_median", f.medianMs(), "ms");
        row(rows, f.system(), f.baseline(), f.scenario() + ".latency_max", f.maxMs(), "ms");
        row(rows, f.system(), f.baseline(), f.scenario() + ".lost_values", f.lost(), "values");
      }
      m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      out.println("json: " + json);
    }
    return 0;
  }

  private static java.time.Duration parseDuration(String text) {
    return com.typesafe.config.ConfigFactory.parseString("d = " + text).getDuration("d");
  }

  private static void row(ArrayNode rows, String system, boolean baseline, String metric, double value, String unit) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Double.isNaN(value) ? null : Math.round(value * 100) / 100.0);
    r.put("unit", unit);
  }

  /** One cluster of {@code nodes} JVMs running one system; the rate each member measured. */
  private Map<String, Long> runPhase(String name, List<String> services, Order o) {
    Path runDir = Launcher.newRunDir(runsDir, "bench-" + name);
    System.out.println("phase " + name + ": run directory " + runDir);
    try (Launcher launcher = new Launcher(runDir, System.out)) {
      List<Integer> ports = Launcher.freePorts(nodes);
      List<String> jvm = jvmOptions != null ? jvmOptions : List.of("-Xmx512m");
      for (int i = 0; i < nodes; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", "127.0.0.1:" + ports.get(0),
            "--trace-dir", runDir.resolve("trace").toString(),
            "--set", "sidis.trace.enabled=off",
            "--set", "sidis.node.services=[" + String.join(",", services) + "]",
            "--set", "sidis.bench.nodes=" + nodes,
            "--set", "sidis.multicast.total-min-members=" + nodes,
            "--set", "sidis.bench.size=" + size,
            "--set", "sidis.bench.warmup=" + warmup + "s",
            "--set", "sidis.bench.duration=" + duration + "s"));
        if (o != null) {
          args.add("--set");
          args.add("sidis.multicast.groups=[{name=bench,order=" + o.id() + "}]");
          settings.forEach((k, v) -> { args.add("--set"); args.add(k + "=" + v); });
        }
        launcher.start("n" + (i + 1), jvm, args);
      }
      boolean ok = launcher.awaitAll(s -> s.done, Duration.ofSeconds(90L + warmup + duration), () -> {
        long done = launcher.nodes().values().stream().filter(s -> s.done).count();
        long up = launcher.nodes().values().stream().mapToLong(s -> s.up).max().orElse(0);
        return "nodes up " + up + "/" + nodes + " · measured " + done + "/" + nodes;
      });
      launcher.stopAll();
      for (String p : launcher.problems()) System.out.println("problem: " + p);
      if (!ok) return null;
      Map<String, Long> rates = new TreeMap<>();
      for (JsonNode r : launcher.reports("bench")) rates.put(r.path("node").asText(), r.path("rate").asLong());
      return rates;
    }
  }
}
