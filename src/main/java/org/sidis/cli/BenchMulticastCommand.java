package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench multicast}: deliveries per second per member of messages multicast by the
 * other members, for sidis' multicast in the order asked and, in the same run on the same
 * JVMs' settings, for the baseline — plain Akka tell broadcast with a credit window. Tracing is
 * off in both. {@code --order total} also runs FIFO beside it: the price of the sequencer.
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

  @Option(names = "--nodes", defaultValue = "3", description = "Starts this many member JVMs, at least 2 (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--size", defaultValue = "100", description = "Sends payloads of this many bytes, 1 to 65536 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--warmup", defaultValue = "5", description = "Warms up for this many seconds before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "10", description = "Measures for this many seconds (default: ${DEFAULT-VALUE}).")
  int duration;

  @Mixin
  LaunchOptions launch;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (nodes < 2) {
      System.err.println("error: --nodes must be at least 2 (deliveries of other members' messages are measured), got " + nodes);
      return ExitCodes.USAGE;
    }
    if (size < 1 || size > 64 * 1024) {
      System.err.println("error: --size must be in 1..65536 bytes, got " + size);
      return ExitCodes.USAGE;
    }
    if (warmup < 0 || duration < 1) {
      System.err.println("error: --warmup must be >= 0 and --duration >= 1 seconds");
      return ExitCodes.USAGE;
    }
    out.printf("bench multicast: order %s, %d nodes, %d B payloads, %d s measured after %d s warm-up%n",
        order.id(), nodes, size, duration, warmup);
    Map<String, Long> raw = runPhase("raw", List.of("bench-raw"), null);
    Map<String, Long> fifo = order == Order.TOTAL ? runPhase("sidis-fifo", List.of("multicast", "bench-multicast"), Order.FIFO) : null;
    Map<String, Long> sidis = runPhase("sidis-" + order.id(), List.of("multicast", "bench-multicast"), order);
    if (raw == null || sidis == null || (order == Order.TOTAL && fifo == null)) {
      System.err.println("error: a benchmark phase did not complete (see the run directories above)");
      return ExitCodes.FAILED;
    }
    String rawName = "akka-tell-broadcast";
    String sidisName = "sidis-" + order.id();
    out.println();
    out.printf("%-32s %-6s %14s%n", "system", "member", "deliveries/s");
    raw.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", rawName + " (baseline)", n, v));
    if (fifo != null) fifo.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", "sidis-fifo", n, v));
    sidis.forEach((n, v) -> out.printf("%-32s %-6s %,14d%n", sidisName, n, v));
    double rawMean = mean(raw);
    double sidisMean = mean(sidis);
    double fifoMean = fifo == null ? 0 : mean(fifo);
    out.printf("%-32s %-6s %,14.0f%n", rawName + " (baseline)", "mean", rawMean);
    if (fifo != null) out.printf("%-32s %-6s %,14.0f%n", "sidis-fifo", "mean", fifoMean);
    out.printf("%-32s %-6s %,14.0f%n", sidisName, "mean", sidisMean);
    out.printf("ratio %s / baseline: %.2fx%n", sidisName, rawMean == 0 ? 0 : sidisMean / rawMean);
    if (fifo != null) out.printf("ratio %s / sidis-fifo: %.2fx%n", sidisName, fifoMean == 0 ? 0 : sidisMean / fifoMean);
    ObjectNode root = BenchJson.root("multicast");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("order", order.id());
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
    BenchJson.write(json, root, out);
    return ExitCodes.OK;
  }

  private static double mean(Map<String, Long> rates) {
    return rates.values().stream().mapToLong(Long::longValue).average().orElse(0);
  }

  private static void row(ArrayNode rows, String system, boolean baseline, String metric, double value) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Math.round(value));
    r.put("unit", "msg/s");
  }

  /**
   * The settings of every node of a phase, as values: the services, the drivers' workload and,
   * for a sidis phase, the one group in {@code order} — the order written into the config key
   * that names it ({@code sidis.multicast.groups}), read back as {@link Order} by the node.
   */
  Config phaseSettings(List<String> services, Order phaseOrder) {
    Config c = ConfigFactory.empty()
        .withValue("sidis.trace.enabled", ConfigValueFactory.fromAnyRef(false))
        .withValue("sidis.node.services", ConfigValueFactory.fromIterable(services))
        .withValue("sidis.bench.group", ConfigValueFactory.fromAnyRef(GROUP))
        .withValue("sidis.bench.nodes", ConfigValueFactory.fromAnyRef(nodes))
        .withValue("sidis.multicast.total-min-members", ConfigValueFactory.fromAnyRef(nodes))
        .withValue("sidis.bench.size", ConfigValueFactory.fromAnyRef(size))
        .withValue("sidis.bench.warmup", ConfigValueFactory.fromAnyRef(warmup + "s"))
        .withValue("sidis.bench.duration", ConfigValueFactory.fromAnyRef(duration + "s"));
    if (phaseOrder != null) {
      c = c.withValue("sidis.multicast.groups",
          ConfigValueFactory.fromIterable(List.of(Map.of("name", GROUP, "order", phaseOrder.id()))));
    }
    return c;
  }

  /** One cluster of {@code nodes} JVMs running one system; the rate each member measured. */
  private Map<String, Long> runPhase(String name, List<String> services, Order phaseOrder) {
    Path runDir = Launcher.newRunDir(launch.runsDir(), "bench-" + name);
    System.out.println("phase " + name + ": run directory " + runDir);
    try (Launcher launcher = new Launcher(runDir, System.out)) {
      List<Integer> ports = Launcher.freePorts(nodes);
      for (int i = 0; i < nodes; i++) {
        List<String> args = new ArrayList<>(List.of(
            "--port", String.valueOf(ports.get(i)), "--seeds", "127.0.0.1:" + ports.get(0),
            "--trace-dir", runDir.resolve("trace").toString()));
        args.addAll(NodeArgs.sets(phaseSettings(services, phaseOrder)));
        // The command line's --sets are for the sidis phases only: the baseline runs as it is.
        if (phaseOrder != null) args.addAll(NodeArgs.sets(settings.asMap()));
        launcher.start("n" + (i + 1), launch.jvm(), args);
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
