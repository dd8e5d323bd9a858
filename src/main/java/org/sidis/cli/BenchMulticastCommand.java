package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.sidis.bench.BenchPlot;
import org.sidis.bench.BenchSummary;
import org.sidis.bench.Latencies;
import org.sidis.bench.MulticastPeer;
import org.sidis.bench.Rounds;
import org.sidis.demo.Launcher;
import org.sidis.multicast.Order;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench multicast}: deliveries per second per member of messages multicast by the
 * other members, for sidis' multicast in the order asked and, in the same run on the same
 * JVMs' settings, for the baseline — plain Akka tell broadcast with a credit window — and, with
 * {@code --peers}, for JGroups. Tracing is off in all. {@code --order total} also runs FIFO beside
 * it: the price of the sequencer. The systems run in alternated rounds ({@link Rounds}) and are
 * compared by their medians.
 */
@Command(name = "multicast", mixinStandardHelpOptions = true,
    description = "Measures deliveries per second per member for sidis multicast beside a raw Akka tell broadcast,"
        + " each in its own cluster of child JVMs on loopback.")
public final class BenchMulticastCommand implements Callable<Integer> {

  /** The group the drivers multicast in ({@code sidis.bench.group}). */
  private static final String GROUP = "bench";

  @Option(names = "--order", defaultValue = "causal", converter = Converters.MulticastOrder.class,
      completionCandidates = Converters.MulticastOrders.class,
      description = "Sets the group's delivery order, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); total also measures fifo.")
  Order order;

  @Option(names = "--nodes", defaultValue = "3", split = ",",
      description = "Starts this many member JVMs, at least 2; a comma-separated list (3,5,7) measures each count in turn (default: ${DEFAULT-VALUE}).")
  List<Integer> nodeCounts;

  @Option(names = "--size", defaultValue = "100", split = ",",
      description = "Sends payloads of this many bytes, 1 to 65536; a comma-separated list (100,1024,65536) measures each size in turn (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--warmup", defaultValue = "5", description = "Warms up for this many seconds before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "10", description = "Measures for this many seconds (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--latency", description = "After each throughput window, offers a fixed load (half the measured rate, or --rate) and measures"
      + " send-to-deliver latency p50/p99/p99.9 for --duration seconds, after " + SETTLE_SECONDS + " s for the flood's queues to drain.")
  boolean latency;

  @Option(names = "--rate", description = "With --latency: the fixed load, in messages per second per member, the same for every system"
      + " (default: half of what each system just measured, shared among the other senders).")
  Integer rate;

  @Option(names = "--plot", paramLabel = "DIR", description = "Also draws the medians as PNG plots into DIR: curves over members or payload bytes when lists are given.")
  Path plotDir;

  @Mixin
  LaunchOptions launch;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  @Mixin
  RoundsOption roundsOption;

  @Option(names = "--peers", description = "Also measures the peer a user would pick, JGroups (FIFO for fifo and causal, SEQUENCER for total),"
      + " in the same rounds; needs target/sidis-bench.jar (mvn -B -Pbench-peers -DskipTests package).")
  boolean peers;

  /** The time a latency phase's fixed load runs before its window opens ({@code sidis.bench.latency.settle}). */
  static final int SETTLE_SECONDS = 2;

  /** One cell of a scaling run: the members and payload size every system is measured with. */
  record Cell(int members, int size) {}

  /** One system a round measures: its name, whether it is the baseline, and how it runs. */
  private record Contender(String name, boolean baseline, Phase phase) {}

  @FunctionalInterface
  private interface Phase {
    /** What each member measured, or null when the phase did not complete. */
    MulticastPeer.Result run(Cell cell) throws Exception;
  }

  /** The metrics of one system in one round, in the order they are printed. */
  static final String MEAN = "deliveries_per_s_mean";
  static final List<String> LATENCY_METRICS = List.of("latency_p50_us", "latency_p99_us", "latency_p999_us");

  /** The cells a run measures, every node count with every size, or why the lists are refused. */
  static List<Cell> cells(List<Integer> nodeCounts, List<Integer> sizes) {
    for (int n : nodeCounts) {
      if (n < 2) throw new IllegalArgumentException("--nodes must be at least 2 (deliveries of other members' messages are measured), got " + n);
    }
    for (int b : sizes) {
      if (b < 1 || b > 64 * 1024) throw new IllegalArgumentException("--size must be in 1..65536 bytes, got " + b);
    }
    if (new java.util.HashSet<>(nodeCounts).size() < nodeCounts.size()) throw new IllegalArgumentException("--nodes names a count twice: " + nodeCounts);
    if (new java.util.HashSet<>(sizes).size() < sizes.size()) throw new IllegalArgumentException("--size names a size twice: " + sizes);
    List<Cell> cells = new ArrayList<>();
    for (int n : nodeCounts) {
      for (int b : sizes) cells.add(new Cell(n, b));
    }
    return List.copyOf(cells);
  }

  /**
   * One system's latency rows of one round: the members' histograms merged, then read (a mean of
   * each member's percentiles would be no percentile). Empty when the round had no latency phase;
   * refused when the histograms are unreadable or hold no delivery.
   */
  static Map<String, Double> latencyFigures(Map<String, String> histograms) {
    if (histograms == null || histograms.isEmpty()) return Map.of();
    Latencies.Percentiles p = Latencies.merged(histograms.values());
    if (p.count() == 0) {
      // Percentiles of nothing would print as 0 µs: a failed measurement, not a figure.
      throw new IllegalArgumentException("no member delivered a stamped message in its latency window"
          + " (the flood's backlog outlasted the wait; a lower --rate or smaller --size may help)");
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(LATENCY_METRICS.get(0), (double) p.p50());
    m.put(LATENCY_METRICS.get(1), (double) p.p99());
    m.put(LATENCY_METRICS.get(2), (double) p.p999());
    return m;
  }

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    List<Cell> cells;
    try {
      cells = cells(nodeCounts, sizes);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (warmup < 0 || duration < 1) {
      err.println("error: --warmup must be >= 0 and --duration >= 1 seconds");
      return ExitCodes.USAGE;
    }
    if (rate != null && rate < 1) {
      err.println("error: --rate must be at least 1 message per second per member, got " + rate);
      return ExitCodes.USAGE;
    }
    if (rate != null && !latency) {
      err.println("error: --rate sets the latency phase's load: give it with --latency");
      return ExitCodes.USAGE;
    }
    if (roundsOption.refused(err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
    MulticastPeer.Latency latencyPhase = latency ? new MulticastPeer.Latency(rate == null ? 0 : rate, SETTLE_SECONDS) : null;
    List<Contender> systems = new ArrayList<>();
    systems.add(new Contender(RAW, true, c -> runPhase("raw", List.of("bench-raw"), null, c)));
    if (order == Order.TOTAL) systems.add(new Contender("sidis-fifo", false, c -> runPhase("sidis-fifo", List.of("multicast", "bench-multicast"), Order.FIFO, c)));
    String sidisName = "sidis-" + order.id();
    systems.add(new Contender(sidisName, false, c -> runPhase(sidisName, List.of("multicast", "bench-multicast"), order, c)));
    String peerName = null;
    if (peers) {
      List<MulticastPeer> found;
      try {
        found = MulticastPeer.available();
      } catch (ServiceConfigurationError | LinkageError e) {
        err.println("error: a benchmark peer is named in this jar but cannot be loaded (" + e
            + "); rebuild with `mvn -B -Pbench-peers -DskipTests package`");
        return ExitCodes.FAILED;
      }
      if (found.isEmpty()) {
        err.println("error: --peers needs JGroups, which is benchmark-only: build target/sidis-bench.jar with"
            + " `mvn -B -Pbench-peers -DskipTests package` and run `java -jar target/sidis-bench.jar bench multicast --peers ...`");
        return ExitCodes.USAGE;
      }
      MulticastPeer peer = found.get(0);
      peerName = peer.name(order);
      String name = peerName;
      systems.add(new Contender(peerName, true, c -> {
        out.println("phase " + name + ": " + c.members() + " member JVMs on loopback");
        return peer.run(new MulticastPeer.Params(order, c.members(), c.size(), warmup, duration, launch.jvm(), latencyPhase));
      }));
    }
    out.printf("bench multicast: order %s, nodes %s, payloads %s B, %d s measured after %d s warm-up%s, %d alternated round(s)%n",
        order.id(), nodeCounts, sizes, duration, warmup,
        latency ? ", then latency at " + (rate == null ? "half the measured rate" : rate + " msg/s per member") : "", rounds);

    List<String> names = systems.stream().map(Contender::name).toList();
    ObjectNode root = BenchJson.root("multicast");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("order", order.id());
    if (nodeCounts.size() == 1) params.put("nodes", nodeCounts.get(0));
    else nodeCounts.forEach(params.putArray("nodes")::add);
    if (sizes.size() == 1) params.put("size", sizes.get(0));
    else sizes.forEach(params.putArray("size")::add);
    params.put("warmup_s", warmup);
    params.put("duration_s", duration);
    params.put("rounds", rounds);
    params.put("peers", peers);
    params.put("latency", latency);
    if (latency) params.put("rate", rate == null ? "half of measured" : rate.toString());
    ArrayNode rows = root.putArray("rows");
    for (Cell cell : cells) {
      if (cells.size() > 1) out.printf("%n== cell: %d members, %d B payloads ==%n", cell.members(), cell.size());
      Integer code = runCell(cell, systems, names, rounds, rows, out, err);
      if (code != null) return code;
      out.printf("ratio of medians %s / %s: %.2fx%n", sidisName, RAW, ratio(rows, cell, sidisName, RAW));
      if (order == Order.TOTAL) out.printf("ratio of medians %s / sidis-fifo: %.2fx%n", sidisName, ratio(rows, cell, sidisName, "sidis-fifo"));
      if (peerName != null) out.printf("ratio of medians %s / %s: %.2fx%n", sidisName, peerName, ratio(rows, cell, sidisName, peerName));
    }
    BenchJson.write(json, root, out);
    if (plotDir != null) {
      List<Path> plots = BenchPlot.write(BenchSummary.of(Map.of("multicast", root)), plotDir);
      out.println("plots: " + plots.size() + " in " + plotDir + (plots.isEmpty() ? "" : " " + plots.stream().map(q -> q.getFileName().toString()).toList()));
    }
    return ExitCodes.OK;
  }

  /** One cell's alternated rounds, their rows and its table; an exit code when a round failed, else null. */
  private Integer runCell(Cell cell, List<Contender> systems, List<String> names, int rounds, ArrayNode rows,
                          PrintStream out, PrintStream err) {
    Map<String, Rounds> figures = new LinkedHashMap<>();
    Map<String, Contender> byName = new LinkedHashMap<>();
    systems.forEach(s -> byName.put(s.name(), s));
    List<String> schedule = Rounds.schedule(names, rounds);
    for (int i = 0; i < schedule.size(); i++) {
      int round = i / names.size() + 1;
      Contender s = byName.get(schedule.get(i));
      MulticastPeer.Result result;
      try {
        result = s.phase().run(cell);
      } catch (Exception e) {
        err.println("error: round " + round + " of " + s.name() + " failed: " + e);
        return ExitCodes.FAILED;
      }
      Map<String, Long> rates = result == null ? null : result.rates();
      if (rates == null || rates.size() != cell.members()) {
        err.println("error: round " + round + " of " + s.name() + " did not complete"
            + (rates == null ? "" : ": " + rates.size() + " of " + cell.members() + " members reported " + rates) + " (see the run directories above)");
        return ExitCodes.FAILED;
      }
      List<String> silent = MulticastPeer.silent(rates);
      if (!silent.isEmpty()) {
        // A member that delivered nothing in its window measured a stall, not a rate: the round failed.
        err.println("error: round " + round + " of " + s.name() + ": " + String.join(", ", silent)
            + " delivered none of the other members' messages in the " + duration + " s window after " + warmup
            + " s of warm-up " + rates + " (see the run directory above; a longer --warmup may be needed)");
        return ExitCodes.FAILED;
      }
      if (latency && result.histograms().size() != cell.members()) {
        err.println("error: round " + round + " of " + s.name() + ": " + result.histograms().size() + " of " + cell.members()
            + " members reported their latency (see the run directory above)");
        return ExitCodes.FAILED;
      }
      Map<String, Double> measured = new LinkedHashMap<>();
      measured.put(MEAN, mean(rates));
      rates.forEach((member, r) -> measured.put("deliveries_per_s_" + member, (double) r));
      Map<String, Double> lat;
      try {
        lat = latencyFigures(result.histograms());
      } catch (IllegalArgumentException e) {
        err.println("error: round " + round + " of " + s.name() + ": latency not measured: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      measured.putAll(lat);
      measured.forEach((metric, v) -> {
        figures.computeIfAbsent(metric, m -> Rounds.of(names));
        figures.put(metric, figures.get(metric).with(s.name(), v));
        row(rows, cell, s.name(), s.baseline(), metric, v).put("round", round);
      });
      out.printf("round %d  %-26s %,12.0f msg/s per member  %s%s%n", round, s.name(), measured.get(MEAN), rates,
          lat.isEmpty() ? "" : String.format("  latency p50 %,d µs  p99 %,d µs  p99.9 %,d µs", Math.round(lat.get(LATENCY_METRICS.get(0))),
              Math.round(lat.get(LATENCY_METRICS.get(1))), Math.round(lat.get(LATENCY_METRICS.get(2)))));
    }

    out.println();
    out.printf("%-28s %14s %14s %14s %8s%s%n", "system", "median", "min", "max", "spread",
        latency ? String.format(" %12s %12s %12s", "p50 µs", "p99 µs", "p99.9 µs") : "");
    for (Contender s : systems) {
      Rounds.Summary m = figures.get(MEAN).summary(s.name());
      StringBuilder lat = new StringBuilder();
      for (String metric : LATENCY_METRICS) {
        if (figures.containsKey(metric)) lat.append(String.format(" %,12.0f", figures.get(metric).summary(s.name()).median()));
      }
      out.printf("%-28s %,14.0f %,14.0f %,14.0f %7.0f%%%s%n", s.name() + (s.baseline() ? " (baseline)" : ""),
          m.median(), m.min(), m.max(), 100 * m.relativeSpread(), lat);
      for (Map.Entry<String, Rounds> e : figures.entrySet()) {
        if (!e.getValue().rounds(s.name()).isEmpty()) {
          row(rows, cell, s.name(), s.baseline(), e.getKey(), e.getValue().summary(s.name()).median()).put("round", "median");
        }
      }
    }
    return null;
  }

  /** {@code system}'s median of the mean rate over {@code base}'s, in {@code cell}, from the median rows. */
  private static double ratio(ArrayNode rows, Cell cell, String system, String base) {
    double a = Double.NaN;
    double b = Double.NaN;
    for (JsonNode r : rows) {
      if (!r.path("round").asText().equals("median") || !r.path("metric").asText().equals(MEAN)
          || r.path("members").asInt() != cell.members() || r.path("payload_bytes").asInt() != cell.size()) continue;
      if (r.path("system").asText().equals(system)) a = r.path("value").asDouble();
      if (r.path("system").asText().equals(base)) b = r.path("value").asDouble();
    }
    return b == 0 ? Double.NaN : a / b;
  }

  /** The raw Akka broadcast's name in the table and the JSON. */
  static final String RAW = "akka-tell-broadcast";

  private static double mean(Map<String, Long> rates) {
    return rates.values().stream().mapToLong(Long::longValue).average().orElse(0);
  }

  /** A row of the bench contract, with the cell as its dimensions ({@code members}, {@code payload_bytes}): what the curves are drawn over. */
  static ObjectNode row(ArrayNode rows, Cell cell, String system, boolean baseline, String metric, double value) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Math.round(value));
    r.put("unit", metric.startsWith("latency_") ? "us" : "msg/s");
    r.put("members", cell.members());
    r.put("payload_bytes", cell.size());
    return r;
  }

  /**
   * The settings of every node of a phase, as values: the services, the drivers' workload and,
   * for a sidis phase, the one group in {@code order} — the order written into the config key
   * that names it ({@code sidis.multicast.groups}), read back as {@link Order} by the node.
   */
  Config phaseSettings(List<String> services, Order phaseOrder, Cell cell) {
    int nodes = cell.members();
    Config c = ConfigFactory.empty()
        .withValue("sidis.trace.enabled", ConfigValueFactory.fromAnyRef(false))
        .withValue("sidis.node.services", ConfigValueFactory.fromIterable(services))
        .withValue("sidis.bench.group", ConfigValueFactory.fromAnyRef(GROUP))
        .withValue("sidis.bench.nodes", ConfigValueFactory.fromAnyRef(nodes))
        .withValue("sidis.multicast.total-min-members", ConfigValueFactory.fromAnyRef(nodes))
        .withValue("sidis.bench.size", ConfigValueFactory.fromAnyRef(cell.size()))
        .withValue("sidis.bench.latency.enabled", ConfigValueFactory.fromAnyRef(latency))
        .withValue("sidis.bench.latency.rate", ConfigValueFactory.fromAnyRef(rate == null ? 0 : rate))
        .withValue("sidis.bench.latency.settle", ConfigValueFactory.fromAnyRef(SETTLE_SECONDS + "s"))
        .withValue("sidis.bench.warmup", ConfigValueFactory.fromAnyRef(warmup + "s"))
        .withValue("sidis.bench.duration", ConfigValueFactory.fromAnyRef(duration + "s"));
    if (phaseOrder != null) {
      c = c.withValue("sidis.multicast.groups",
          ConfigValueFactory.fromIterable(List.of(Map.of("name", GROUP, "order", phaseOrder.id()))));
    }
    return c;
  }

  /** One cluster of the cell's JVMs running one system; what each member measured. */
  private MulticastPeer.Result runPhase(String name, List<String> services, Order phaseOrder, Cell cell) {
    int nodes = cell.members();
    Path runDir = Launcher.newRunDir(launch.runsDir(), "bench-" + name);
    System.out.println("phase " + name + ": run directory " + runDir);
    try (Launcher launcher = new Launcher(runDir, System.out)) {
      List<Integer> ports = Launcher.freePorts(nodes);
      for (int i = 0; i < nodes; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", "127.0.0.1:" + ports.get(0),
            "--trace-dir", runDir.resolve("trace").toString()));
        args.addAll(NodeArgs.sets(phaseSettings(services, phaseOrder, cell)));
        // The command line's --sets are for the sidis phases only: the baseline runs as it is.
        if (phaseOrder != null) args.addAll(NodeArgs.sets(settings.asMap()));
        launcher.start("n" + (i + 1), launch.jvm(), args);
      }
      long latencySeconds = latency ? SETTLE_SECONDS + 30 + duration : 0;
      boolean ok = launcher.awaitAll(s -> s.done, Duration.ofSeconds(90L + warmup + duration + latencySeconds), () -> {
        long done = launcher.nodes().values().stream().filter(s -> s.done).count();
        long up = launcher.nodes().values().stream().mapToLong(s -> s.up).max().orElse(0);
        return "nodes up " + up + "/" + nodes + " · measured " + done + "/" + nodes;
      });
      launcher.stopAll();
      for (String p : launcher.problems()) System.out.println("problem: " + p);
      if (!ok) return null;
      Map<String, Long> rates = new TreeMap<>();
      for (JsonNode r : launcher.reports("bench")) rates.put(r.path("node").asText(), r.path("rate").asLong());
      Map<String, String> histograms = new TreeMap<>();
      for (JsonNode r : launcher.reports("latency")) histograms.put(r.path("node").asText(), r.path("histogram").asText());
      return new MulticastPeer.Result(rates, histograms);
    }
  }
}
