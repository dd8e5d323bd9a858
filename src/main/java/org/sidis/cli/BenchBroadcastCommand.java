package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import org.sidis.bench.BroadcastBench;
import org.sidis.gossip.GossipSettings;
import org.sidis.gossip.Mode;
import org.sidis.gossip.Overlay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench broadcast}: Maelstrom's broadcast workload in one JVM over the network
 * model — messages per value, median and maximum time until every node has a value, lost
 * values — for sidis gossip and, in the same run, direct broadcast over Akka tell; healthy
 * and under a partition schedule ({@link BroadcastBench}).
 */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
    description = {"Runs Maelstrom's broadcast workload (25 nodes, 100 ms links, 100 values/s for 20 s, healthy and partitioned)"
        + " for sidis gossip beside direct Akka tell broadcast, in one JVM over the network model."})
public final class BenchBroadcastCommand implements Callable<Integer> {

  /** The network each system runs over. */
  enum Scenario {
    HEALTHY, PARTITIONED;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final class ScenarioConverter implements picocli.CommandLine.ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String text) {
      for (Scenario s : Scenario.values()) if (s.id().equalsIgnoreCase(text.trim())) return s;
      throw new picocli.CommandLine.TypeConversionException("unknown scenario [" + text + "]; known: healthy, partitioned");
    }
  }

  @Option(names = "--nodes", defaultValue = "25", description = "Runs this many nodes, at least 2 (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--duration", defaultValue = "20", description = "Writes new values for this many seconds (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--latency", defaultValue = "100", description = "Delays every link by this many milliseconds one way (default: ${DEFAULT-VALUE}).")
  int latency;

  @Option(names = "--rate", defaultValue = "100", description = "Writes this many new values per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--partition-every", defaultValue = "10",
      description = "In the partitioned scenario, cuts off a random half of the nodes every this many seconds (default: ${DEFAULT-VALUE}).")
  int partitionEvery;

  @Option(names = "--partition-for", defaultValue = "5", description = "Heals each cut after this many seconds (default: ${DEFAULT-VALUE}).")
  int partitionFor;

  @Option(names = "--wait", defaultValue = "30",
      description = "Waits up to this many seconds after the writes for every value to reach every node (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(names = "--scenarios", defaultValue = "healthy,partitioned", split = ",", converter = ScenarioConverter.class,
      description = "Runs these scenarios, healthy and/or partitioned, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Scenario> scenarios;

  @Option(names = "--mode", defaultValue = "flood", converter = Converters.GossipMode.class,
      completionCandidates = Converters.GossipModes.class,
      description = "Spreads values by this gossip mode, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(names = "--overlay", defaultValue = "star", converter = Converters.GossipOverlay.class,
      completionCandidates = Converters.GossipOverlays.class,
      description = "Floods over this overlay, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Overlay overlay;

  @Option(names = "--interval", defaultValue = "40ms", converter = Converters.HoconDuration.class,
      description = "Runs a gossip round (a flood of what waits, or an exchange) this often (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--backup", defaultValue = "1s", converter = Converters.HoconDuration.class,
      description = "Runs push-pull anti-entropy this often as a backup under flood and rumor; 0 turns it off (default: ${DEFAULT-VALUE}).")
  Duration backup;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the choice of origins and partitions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (nodes < 2 || rate < 1 || duration < 1 || latency < 0 || partitionEvery < 1 || partitionFor < 0 || waitSeconds < 1) {
      System.err.println("error: --nodes >= 2, --rate >= 1, --duration >= 1, --latency >= 0, --partition-every >= 1, "
          + "--partition-for >= 0 and --wait >= 1 are needed");
      return ExitCodes.USAGE;
    }
    GossipSettings gossip;
    try {
      gossip = GossipSettings.fromConfig(settings.asConfig().withFallback(ConfigFactory.load()).resolve().getConfig("sidis.gossip"));
      GossipSettings.Flood f = gossip.flood();
      gossip = gossip.withMode(mode)
          .withFlood(new GossipSettings.Flood(overlay, f.degree(), f.hub(), f.seed()))
          .withIntervals(interval, backup);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    BroadcastBench.Params p = new BroadcastBench.Params(nodes, latency, rate, duration, partitionEvery, partitionFor, waitSeconds, seed);
    String sidisName = "sidis gossip " + mode.id() + (mode == Mode.FLOOD ? "/" + overlay.name().toLowerCase(Locale.ROOT) : "")
        + " every " + Converters.text(interval)
        + (mode.antiEntropy() || backup.isZero() ? "" : " + push-pull every " + Converters.text(backup));
    out.printf("bench broadcast: %d nodes as actors in one JVM over the network model (%d ms one-way on every link), "
        + "%d values/s for %d s (%d values) at random nodes, then heal and wait up to %d s%n", nodes, latency, rate, duration,
        p.values(), waitSeconds);
    if (scenarios.contains(Scenario.PARTITIONED))
      out.printf("partitioned: every %d s a random half of the nodes is cut off from the rest for %d s, then healed%n",
          partitionEvery, partitionFor);
    List<BroadcastBench.Figures> figures = new ArrayList<>();
    for (Scenario sc : scenarios) {
      boolean cut = sc == Scenario.PARTITIONED;
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
      if (f.baseline() || !f.scenario().equals(Scenario.HEALTHY.id())) continue;
      out.printf("aim (healthy): <= 20 msgs/value %s, median <= 300 ms %s, max <= 450 ms %s, 0 lost %s%n",
          f.messagesPerValue() <= 20 ? "met" : "MISSED", f.medianMs() <= 300 ? "met" : "MISSED",
          f.maxMs() <= 450 ? "met" : "MISSED", f.lost() == 0 ? "met" : "MISSED");
    }
    out.println("for scale: Maelstrom's tree topology at 25 nodes and 100 ms reports 11.99 server messages per operation"
        + " (reads included, ~24 per value), median 386 ms, max 505 ms.");
    out.println("times are from the write until the last node had the value, on one JVM's clock, over the values that reached"
        + " every node (lost ones have none); the machine is shared: read ratios.");
    ObjectNode root = BenchJson.root("broadcast");
    ObjectNode params = (ObjectNode) root.get("params");
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
    BenchJson.write(json, root, out);
    return ExitCodes.OK;
  }

  private static void row(ArrayNode rows, String system, boolean baseline, String metric, double value, String unit) {
    ObjectNode r = rows.addObject();
    r.put("system", system);
    r.put("baseline", baseline);
    r.put("metric", metric);
    r.put("value", Double.isNaN(value) ? null : Math.round(value * 100) / 100.0);
    r.put("unit", unit);
  }
}
