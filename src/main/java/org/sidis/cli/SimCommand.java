package org.sidis.cli;

import org.sidis.gossip.GossipSettings;
import org.sidis.gossip.Mode;
import org.sidis.gossip.Overlay;
import org.sidis.gossip.Simulation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code sidis sim gossip}: one update spreads from a random node through N replicas — gossip
 * cores driven by {@link Simulation} in one thread, in rounds — for each mode and seed; the table shows, averaged over the
 * seeds, the rounds until every node had it, the messages per node, and the residue (the share
 * of nodes it never reached), beside what the theory says.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = {"In-process simulations in rounds, seeded and reproducible.",
        "gossip: one update spreads through --nodes replicas (gossip cores in this JVM) by each --mode;",
        "prints rounds to full spread, messages per node and residue averaged over --seeds runs,",
        "beside the theory (Demers et al. 1987; Karp et al. 2000)."})
public final class SimCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SIMULATION", description = "Names the simulation to run; the one there is: gossip.")
  String name;

  @Option(names = "--nodes", defaultValue = "1000", description = "Runs this many replicas, at least 2 (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--mode", defaultValue = "push,pull,push-pull,rumor,flood", split = ",", converter = Converters.GossipMode.class,
      completionCandidates = Converters.GossipModes.class,
      description = "Simulates these modes, comma-separated, of ${COMPLETION-CANDIDATES} (default: all).")
  List<Mode> modes;

  @Option(names = "--seeds", defaultValue = "5", description = "Runs each mode this many times, with seeds --seed, --seed+1, … (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the first run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--p-stop",
      description = "Makes a rumor monger lose interest with this probability under the coin rule (default: sidis.gossip.rumor.p-stop).")
  Double pStop;

  @Option(names = "--stop", converter = RumorStop.class, completionCandidates = RumorStops.class,
      description = "Stops rumor mongering by the rule ${COMPLETION-CANDIDATES} (default: sidis.gossip.rumor.stop).")
  GossipSettings.Stop stop;

  @Option(names = "--counter", description = "Sets k of the counter rule (default: sidis.gossip.rumor.counter).")
  Integer counter;

  @Option(names = "--feedback", arity = "1", converter = OnOff.class,
      description = "Turns rumor feedback on, or off for blind rumor mongering (default: sidis.gossip.rumor.feedback).")
  Boolean feedback;

  @Option(names = "--overlay", converter = Converters.GossipOverlay.class, completionCandidates = Converters.GossipOverlays.class,
      description = "Floods over this overlay, one of ${COMPLETION-CANDIDATES} (default: sidis.gossip.flood.overlay).")
  Overlay overlay;

  @Option(names = "--degree", description = "Gives each node this many neighbours in the random overlay (default: sidis.gossip.flood.degree).")
  Integer degree;

  @Option(names = "--loss", defaultValue = "0", description = "Loses each message with this probability (default: ${DEFAULT-VALUE}).")
  double loss;

  @Option(names = "--duplicate", defaultValue = "0", description = "Delivers each message twice with this probability (default: ${DEFAULT-VALUE}).")
  double duplicate;

  @Option(names = "--max-rounds", defaultValue = "500", description = "Gives a run up after this many rounds (default: ${DEFAULT-VALUE}).")
  int maxRounds;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption jsonOption;

  /** {@code coin | counter} → {@link GossipSettings.Stop}. */
  static final class RumorStop implements picocli.CommandLine.ITypeConverter<GossipSettings.Stop> {
    @Override
    public GossipSettings.Stop convert(String text) {
      for (GossipSettings.Stop s : GossipSettings.Stop.values()) if (s.name().equalsIgnoreCase(text.trim())) return s;
      throw new picocli.CommandLine.TypeConversionException("unknown rumor stop rule [" + text + "]; expected coin or counter");
    }
  }

  static final class RumorStops extends java.util.ArrayList<String> {
    RumorStops() {
      super(java.util.Arrays.stream(GossipSettings.Stop.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /** {@code on | off} (also true/false, yes/no, as HOCON reads them) → a boolean. */
  static final class OnOff implements picocli.CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "on", "true", "yes" -> true;
        case "off", "false", "no" -> false;
        default -> throw new picocli.CommandLine.TypeConversionException("[" + text + "] is neither on nor off");
      };
    }
  }

  /** One mode's runs, summed over seeds. */
  record Row(Mode mode, GossipSettings settings, List<Run> runs) {}

  /** One run: the round when every node had the update (-1: never), rounds run, messages, update messages, residue. */
  record Run(long seed, int roundsToAll, int rounds, long messages, long updateMessages, double residue) {}

  @Override
  public Integer call() {
    PrintStream out = System.out;
    if (!name.equals("gossip")) {
      System.err.println("error: unknown simulation [" + name + "]; known: gossip");
      return 2;
    }
    if (nodes < 2 || seeds < 1 || maxRounds < 1) {
      System.err.println("error: --nodes must be at least 2, --seeds and --max-rounds at least 1");
      return 2;
    }
    List<GossipSettings> runs = new ArrayList<>();
    NetworkModel.Link link;
    try {
      GossipSettings base = GossipSettings.fromConfig(config().getConfig("sidis.gossip"));
      GossipSettings.Rumor r = base.rumor();
      r = new GossipSettings.Rumor(stop == null ? r.stop() : stop,
          pStop == null ? r.pStop() : pStop, counter == null ? r.counter() : counter,
          feedback == null ? r.feedback() : feedback);
      GossipSettings.Flood f = base.flood();
      f = new GossipSettings.Flood(overlay == null ? f.overlay() : overlay, degree == null ? f.degree() : degree,
          f.hub(), f.seed());
      // Pure modes: no backup anti-entropy, so rumor residue and flood reach show as they are.
      base = base.withRumor(r).withFlood(f).withIntervals(base.interval(), java.time.Duration.ZERO);
      for (Mode m : modes) runs.add(base.withMode(m));
      link = new NetworkModel.Link(0, 0, loss, duplicate);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    out.printf(Locale.ROOT, "sim gossip: %d nodes, %d seed%s (%d..%d), one update written at a random node%s%n", nodes, seeds,
        seeds == 1 ? "" : "s", seed, seed + seeds - 1,
        loss > 0 || duplicate > 0 ? String.format(Locale.ROOT, ", loss %.3f, duplication %.3f", loss, duplicate) : "");
    List<Row> rows = new ArrayList<>();
    for (GossipSettings s : runs) {
      List<Run> results = new ArrayList<>();
      for (long sd = seed; sd < seed + seeds; sd++) results.add(runOnce(s, link, sd));
      rows.add(new Row(s.mode(), s, results));
    }
    out.println();
    out.print(table(rows, nodes));
    if (jsonOption.file() != null) {
      try {
        writeJson(rows);
        out.println("json: " + jsonOption.file());
      } catch (IOException e) {
        System.err.println("error: cannot write " + jsonOption.file() + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  private Config config() {
    return settings.asConfig().withFallback(ConfigFactory.load()).resolve();
  }


  /** One run: a random node writes, rounds run until every node has it or nothing moves any more. */
  Run runOnce(GossipSettings s, NetworkModel.Link link, long sd) {
    NetworkModel network = new NetworkModel(link, Map.of(), Partitions.none(), new Random(sd));
    try (Simulation sim = new Simulation(nodes, s, network, sd)) {
      String origin = sim.names().get(new Random(sd).nextInt(nodes));
      sim.write(origin, "k", "v");
      String watch = origin + ":1";
      int roundsToAll = -1;
      long messagesAtAll = 0, updatesAtAll = 0;
      Simulation.Round r = null;
      while (sim.round() < maxRounds) {
        r = sim.runRound(watch);
        if (roundsToAll < 0 && r.informed() == nodes) {
          roundsToAll = r.round();
          messagesAtAll = sim.messages();
          updatesAtAll = sim.updateMessages();
        }
        boolean quiet = s.mode() == Mode.RUMOR ? r.hot() == 0 : s.mode() == Mode.FLOOD && r.messages() == 0;
        if (roundsToAll > 0 && s.mode().antiEntropy()) break;
        if (quiet) break;
      }
      int informed = r == null ? 0 : r.informed();
      // Anti-entropy never stops; its cost is counted until the update is everywhere.
      long msgs = s.mode().antiEntropy() && roundsToAll > 0 ? messagesAtAll : sim.messages();
      long upd = s.mode().antiEntropy() && roundsToAll > 0 ? updatesAtAll : sim.updateMessages();
      return new Run(sd, roundsToAll, sim.round(), msgs, upd, 1.0 - informed / (double) nodes);
    }
  }

  // ------------------------------------------------------------------ theory

  /** The residue s of push rumor mongering with feedback and coin: s = e^{−(k+1)(1−s)}, its root below 1. */
  static double rumorResidue(double k) {
    double s = 0.0;
    for (int i = 0; i < 10_000; i++) s = Math.exp(-(k + 1) * (1 - s));
    return s;
  }

  /** Rounds the theory gives for one update to reach all n nodes; NaN where it says nothing. */
  static double theoryRounds(GossipSettings s, int n) {
    double lnln = Math.log(Math.log(n));
    return switch (s.mode()) {
      case PUSH -> log(n, 2) + Math.log(n);
      case PULL -> log(n, 2) + lnln;
      case PUSH_PULL -> log(n, 3) + lnln;
      case RUMOR -> Double.NaN;
      case FLOOD -> switch (s.flood().overlay()) {
        case MESH -> 1;
        case STAR -> 2;
        case RANDOM -> Math.log(n) / Math.log(s.flood().degree() - 1);
      };
    };
  }

  static String theoryRoundsLabel(GossipSettings s) {
    return switch (s.mode()) {
      case PUSH -> "log2 N + ln N";
      case PULL -> "log2 N + O(ln ln N)";
      case PUSH_PULL -> "log3 N + O(ln ln N)";
      case RUMOR -> "";
      case FLOOD -> switch (s.flood().overlay()) {
        case MESH -> "1 hop";
        case STAR -> "2 hops";
        case RANDOM -> ">= log_(d-1) N";
      };
    };
  }

  /** Theory's residue (rumor with feedback and coin only; 0 for modes that reach everyone). */
  static double theoryResidue(GossipSettings s) {
    if (s.mode() != Mode.RUMOR) return 0;
    if (s.rumor().stop() != GossipSettings.Stop.COIN || !s.rumor().feedback()) return Double.NaN;
    return rumorResidue(s.rumor().k());
  }

  /** Messages per node the theory gives: rumor traffic m = −ln s (Demers, all push variants); flood ≈ degree−1. */
  static double theoryUpdatesPerNode(GossipSettings s, int n) {
    if (s.mode() == Mode.RUMOR) {
      double r = theoryResidue(s);
      return Double.isNaN(r) ? Double.NaN : -Math.log(r);
    }
    if (s.mode() == Mode.FLOOD) {
      return switch (s.flood().overlay()) {
        case MESH -> n - 1;
        case STAR -> 2.0 * (n - 1) / n;
        case RANDOM -> s.flood().degree() - 1;
      };
    }
    return 1.0; // anti-entropy: each node receives the update once, in one delta
  }

  private static double log(double x, double base) {
    return Math.log(x) / Math.log(base);
  }

  // ------------------------------------------------------------------ output

  static String describe(GossipSettings s) {
    return switch (s.mode()) {
      case RUMOR -> "rumor (" + (s.rumor().feedback() ? "feedback" : "blind") + ", "
          + (s.rumor().stop() == GossipSettings.Stop.COIN
              ? String.format(Locale.ROOT, "coin p_stop=%.3g", s.rumor().pStop()) : "counter k=" + s.rumor().counter()) + ")";
      case FLOOD -> "flood (" + s.flood().overlay().name().toLowerCase(Locale.ROOT)
          + (s.flood().overlay() == Overlay.RANDOM ? " d=" + s.flood().degree() : "") + ")";
      default -> s.mode().id();
    };
  }

  static String table(List<Row> rows, int n) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-36s %15s %26s %10s %12s %7s %17s %8s%n", "mode", "rounds to all", "theory",
        "msgs/node", "update msgs", "theory", "residue", "theory"));
    for (Row row : rows) {
      GossipSettings s = row.settings();
      List<Run> reached = row.runs().stream().filter(r -> r.roundsToAll() > 0).toList();
      String rounds = reached.isEmpty() ? "never" : String.format(Locale.ROOT, "%.1f ±%.1f",
          reached.stream().mapToInt(Run::roundsToAll).average().orElse(0), sd(reached.stream().mapToDouble(Run::roundsToAll).toArray()))
          + (reached.size() < row.runs().size() ? " (" + reached.size() + "/" + row.runs().size() + ")" : "");
      double tr = theoryRounds(s, n);
      String theory = Double.isNaN(tr) ? "—" : String.format(Locale.ROOT, "%.1f %s", tr, theoryRoundsLabel(s));
      double msgs = row.runs().stream().mapToLong(Run::messages).average().orElse(0) / n;
      double upd = row.runs().stream().mapToLong(Run::updateMessages).average().orElse(0) / n;
      double tu = theoryUpdatesPerNode(s, n);
      double residue = row.runs().stream().mapToDouble(Run::residue).average().orElse(0);
      double sdRes = sd(row.runs().stream().mapToDouble(Run::residue).toArray());
      double tres = theoryResidue(s);
      out.append(String.format(Locale.ROOT, "%-36s %15s %26s %10.2f %12.2f %7s %17s %8s%n", describe(s), rounds, theory, msgs, upd,
          Double.isNaN(tu) ? "—" : String.format(Locale.ROOT, "%.2f", tu),
          String.format(Locale.ROOT, "%.4f ±%.4f", residue, sdRes),
          Double.isNaN(tres) ? "—" : String.format(Locale.ROOT, "%.4f", tres)));
    }
    out.append("""
        rounds to all: rounds until every node had the update (runs that got there); msgs/node: every gossip
        message sent (digests, feedback, deltas), until every node had it (anti-entropy) or until nobody
        spread it any more (rumor, flood); update msgs: those that carried the update (Demers' traffic m);
        residue: share of nodes never reached. Theory: push log2 N + ln N (Pittel 1987), pull and push-pull
        with the O(ln ln N) term taken as ln ln N (Karp et al. 2000), rumor with feedback and coin
        s = e^(-(k+1)(1-s)) with k = 1/p_stop and traffic m = -ln s (Demers et al. 1987); flooding over a
        random overlay of degree d needs at least log_(d-1) N hops (the Moore bound) and sends d-1 per node.
        """);
    return out.toString();
  }

  private static double sd(double[] xs) {
    if (xs.length < 2) return 0;
    double mean = java.util.Arrays.stream(xs).average().orElse(0);
    double v = java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / (xs.length - 1);
    return Math.sqrt(v);
  }

  private void writeJson(List<Row> rows) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("sim", "gossip");
    ObjectNode params = root.putObject("params");
    params.put("nodes", nodes);
    params.put("seeds", seeds);
    params.put("first_seed", seed);
    params.put("loss", loss);
    params.put("duplicate", duplicate);
    ArrayNode out = root.putArray("rows");
    for (Row row : rows) {
      GossipSettings s = row.settings();
      List<Run> reached = row.runs().stream().filter(r -> r.roundsToAll() > 0).toList();
      ObjectNode r = out.addObject();
      r.put("system", describe(s));
      r.put("mode", s.mode().id());
      r.put("runs", row.runs().size());
      r.put("runs_reaching_all", reached.size());
      r.put("rounds_to_all", reached.stream().mapToInt(Run::roundsToAll).average().orElse(Double.NaN));
      r.put("rounds_to_all_theory", theoryRounds(s, nodes));
      r.put("messages_per_node", row.runs().stream().mapToLong(Run::messages).average().orElse(0) / nodes);
      r.put("update_messages_per_node", row.runs().stream().mapToLong(Run::updateMessages).average().orElse(0) / nodes);
      r.put("update_messages_per_node_theory", theoryUpdatesPerNode(s, nodes));
      r.put("residue", row.runs().stream().mapToDouble(Run::residue).average().orElse(0));
      r.put("residue_theory", theoryResidue(s));
      ArrayNode each = r.putArray("per_seed");
      for (Run run : row.runs()) {
        ObjectNode e = each.addObject();
        e.put("seed", run.seed());
        e.put("rounds_to_all", run.roundsToAll());
        e.put("rounds", run.rounds());
        e.put("messages", run.messages());
        e.put("update_messages", run.updateMessages());
        e.put("residue", run.residue());
      }
    }
    m.writerWithDefaultPrettyPrinter().writeValue(jsonOption.file().toFile(), root);
  }
}
