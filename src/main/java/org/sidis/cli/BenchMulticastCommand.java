package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
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

  @Mixin
  RoundsOption roundsOption;

  @Option(names = "--peers", description = "Also measures the peer a user would pick, JGroups (FIFO for fifo and causal, SEQUENCER for total),"
      + " in the same rounds; needs target/sidis-bench.jar (mvn -B -Pbench-peers -DskipTests package).")
  boolean peers;

  /** One system a round measures: its name, whether it is the baseline, and how it runs. */
  private record Contender(String name, boolean baseline, Phase phase) {}

  @FunctionalInterface
  private interface Phase {
    /** The rate each member measured, or null when the phase did not complete. */
    Map<String, Long> run(int round) throws Exception;
  }

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (nodes < 2) {
      err.println("error: --nodes must be at least 2 (deliveries of other members' messages are measured), got " + nodes);
      return ExitCodes.USAGE;
    }
    if (size < 1 || size > 64 * 1024) {
      err.println("error: --size must be in 1..65536 bytes, got " + size);
      return ExitCodes.USAGE;
    }
    if (warmup < 0 || duration < 1) {
      err.println("error: --warmup must be >= 0 and --duration >= 1 seconds");
      return ExitCodes.USAGE;
    }
    if (roundsOption.refused(err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
    List<Contender> systems = new ArrayList<>();
    systems.add(new Contender(RAW, true, r -> runPhase("raw", List.of("bench-raw"), null)));
    if (order == Order.TOTAL) systems.add(new Contender("sidis-fifo", false, r -> runPhase("sidis-fifo", List.of("multicast", "bench-multicast"), Order.FIFO)));
    String sidisName = "sidis-" + order.id();
    systems.add(new Contender(sidisName, false, r -> runPhase(sidisName, List.of("multicast", "bench-multicast"), order)));
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
      MulticastPeer.Params p = new MulticastPeer.Params(order, nodes, size, warmup, duration, launch.jvm());
      String name = peerName;
      systems.add(new Contender(peerName, true, r -> {
        out.println("phase " + name + ": " + nodes + " member JVMs on loopback");
        return peer.run(p);
      }));
    }
    out.printf("bench multicast: order %s, %d nodes, %d B payloads, %d s measured after %d s warm-up, %d alternated round(s)%n",
        order.id(), nodes, size, duration, warmup, rounds);

    Map<String, Contender> byName = new LinkedHashMap<>();
    systems.forEach(s -> byName.put(s.name(), s));
    Rounds means = Rounds.of(List.copyOf(byName.keySet()));
    Map<String, Rounds> perMember = new TreeMap<>();
    ObjectNode root = BenchJson.root("multicast");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("order", order.id());
    params.put("nodes", nodes);
    params.put("size", size);
    params.put("warmup_s", warmup);
    params.put("duration_s", duration);
    params.put("rounds", rounds);
    params.put("peers", peers);
    ArrayNode rows = root.putArray("rows");
    List<String> schedule = Rounds.schedule(List.copyOf(byName.keySet()), rounds);
    for (int i = 0; i < schedule.size(); i++) {
      int round = i / byName.size() + 1;
      Contender s = byName.get(schedule.get(i));
      Map<String, Long> rates;
      try {
        rates = s.phase().run(round);
      } catch (Exception e) {
        err.println("error: round " + round + " of " + s.name() + " failed: " + e);
        return ExitCodes.FAILED;
      }
      if (rates == null || rates.size() != nodes) {
        err.println("error: round " + round + " of " + s.name() + " did not complete"
            + (rates == null ? "" : ": " + rates.size() + " of " + nodes + " members reported " + rates) + " (see the run directories above)");
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
      double mean = mean(rates);
      means = means.with(s.name(), mean);
      for (Map.Entry<String, Long> e : rates.entrySet()) {
        perMember.merge(e.getKey(), Rounds.of(List.copyOf(byName.keySet())).with(s.name(), e.getValue()),
            (old, fresh) -> old.with(s.name(), e.getValue()));
        row(rows, s.name(), s.baseline(), "deliveries_per_s_" + e.getKey(), e.getValue()).put("round", round);
      }
      row(rows, s.name(), s.baseline(), "deliveries_per_s_mean", mean).put("round", round);
      out.printf("round %d  %-26s %,12.0f msg/s per member  %s%n", round, s.name(), mean, rates);
    }

    out.println();
    out.printf("%-28s %14s %14s %14s %8s%n", "system", "median", "min", "max", "spread");
    for (Contender s : systems) {
      Rounds.Summary m = means.summary(s.name());
      out.printf("%-28s %,14.0f %,14.0f %,14.0f %7.0f%%%n", s.name() + (s.baseline() ? " (baseline)" : ""),
          m.median(), m.min(), m.max(), 100 * m.relativeSpread());
      row(rows, s.name(), s.baseline(), "deliveries_per_s_mean", m.median()).put("round", "median");
      for (Map.Entry<String, Rounds> e : perMember.entrySet()) {
        row(rows, s.name(), s.baseline(), "deliveries_per_s_" + e.getKey(), e.getValue().summary(s.name()).median()).put("round", "median");
      }
    }
    out.printf("ratio of medians %s / %s: %.2fx%n", sidisName, RAW, means.ratio(sidisName, RAW));
    if (order == Order.TOTAL) out.printf("ratio of medians %s / sidis-fifo: %.2fx%n", sidisName, means.ratio(sidisName, "sidis-fifo"));
    if (peerName != null) out.printf("ratio of medians %s / %s: %.2fx%n", sidisName, peerName, means.ratio(sidisName, peerName));
    BenchJson.write(json, root, out);
    return ExitCodes.OK;
  }

  /** The raw Akka broadcast's name in the table and the JSON. */
  static final String RAW = "akka-tell-broadcast";

  private static double mean(Map<String, Long> rates) {
    return rates.values().stream().mapToLong(Long::longValue).average().orElse(0);
  }

  private static ObjectNode row(ArrayNode rows, String system, boolean baseline, String metric, double value) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Math.round(value));
    r.put("unit", "msg/s");
    return r;
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
