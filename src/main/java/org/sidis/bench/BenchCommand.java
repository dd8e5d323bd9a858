package org.sidis.bench;

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
 * off in both. Output: a table, and with {@code --json} the benchmark contract of DESIGN.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: 'multicast' — sidis FIFO/causal multicast beside a raw Akka tell broadcast baseline.")
public final class BenchCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "Benchmark name: multicast")
  String bench;

  @Option(names = "--order", defaultValue = "causal", description = "fifo | causal | total (default: ${DEFAULT-VALUE}); total also runs fifo.")
  String order;

  @Option(names = "--nodes", defaultValue = "3", description = "Number of JVMs (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--size", defaultValue = "100", description = "Payload size in bytes (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--warmup", defaultValue = "5", description = "Seconds of warm-up before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--json", description = "Also write the results as JSON to this file.")
  Path json;

  @Option(names = "--runs-dir", defaultValue = "runs", description = "Where run directories go (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--set", description = "Override a node setting in the sidis phase: --set sidis.multicast.window=4000 (repeatable).")
  Map<String, String> settings = new java.util.LinkedHashMap<>();

  @Option(names = "--jvm-opt", description = "An option for each node's JVM (repeatable; default: -Xmx512m).")
  List<String> jvmOptions;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (!bench.equals("multicast")) {
      System.err.println("error: unknown benchmark [" + bench + "]; known: multicast");
      return 2;
    }
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

  private static void row(ArrayNode rows, String system, boolean baseline, String metric, double value) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Math.round(value));
    r.put("unit", "msg/s");
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
