package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigResolveOptions;
import org.sidis.bench.QueueBench;
import org.sidis.bench.RoundRows;
import org.sidis.bench.QueuePeer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench queue}: PUT→GET rate and PUT-ack latency of a transient and a persistent
 * queue of one queue manager in this JVM, each with single and batched commands, beside
 * ActiveMQ Artemis when run from {@code sidis-bench.jar} ({@link QueueBench}, {@link QueuePeer}).
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
    description = "Measures the PUT->GET rate and PUT-ack latency of transient and persistent queues in this JVM,"
        + " beside ActiveMQ Artemis when run from sidis-bench.jar.")
public final class BenchQueueCommand implements Callable<Integer> {

  /** Which queues to measure: one kind, or by default both. */
  static final class Kind {
    @Option(names = "--persistent", description = "Measures only a persistent queue (journaled; H2 with WRITE_DELAY=0 unless --config names a store).")
    boolean persistentOnly;

    @Option(names = "--transient", description = "Measures only a transient queue (memory only).")
    boolean transientOnly;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Kind kind = new Kind();

  @Option(names = "--size", defaultValue = "100", description = "Sends messages of this many bytes, 1 to 204800 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--window", defaultValue = "100", description = "Keeps this many PUTs outstanding (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--consumers", defaultValue = "8",
      description = "Runs this many consumers, each with one GET (or Fetch) outstanding (default: ${DEFAULT-VALUE}).")
  int consumers;

  @Option(names = "--batch", defaultValue = "100", description = "Puts this many messages in each PutBatch of the batched rows (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--prefetch", defaultValue = "100", description = "Fetches at most this many messages at once in the batched rows (default: ${DEFAULT-VALUE}).")
  int prefetch;

  @Option(names = "--warmup", defaultValue = "5", description = "Warms up for this many seconds before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "10", description = "Measures for this many seconds (default: ${DEFAULT-VALUE}).")
  int duration;

  @Mixin
  RoundsOption roundsOption;

  @Option(names = "--config", paramLabel = "PROFILE", converter = Profile.Converter.class,
      description = "Journals persistent queues in the store this profile names, e.g. conf/postgres.conf (a file, or a name in the jar's conf/).")
  Profile profile;

  @Mixin
  JsonOption json;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (size < 1 || size > 200 * 1024 || window < 1 || consumers < 1 || batch < 1 || prefetch < 1 || warmup < 0 || duration < 1) {
      System.err.println("error: --size 1..204800, --window, --consumers, --batch, --prefetch and --duration >= 1, --warmup >= 0 are needed");
      return ExitCodes.USAGE;
    }
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
    Config storeProfile = null;
    String store = "h2";
    if (profile != null) {
      storeProfile = profile.config().resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
      String urlPath = "akka-persistence-jdbc.shared-databases.sidis.db.url";
      store = !storeProfile.hasPath(urlPath) ? "h2" : storeProfile.getString(urlPath).startsWith("jdbc:postgresql:") ? "postgresql" : "custom";
    }
    List<Boolean> kinds = new ArrayList<>();
    if (kind.transientOnly || !kind.persistentOnly) kinds.add(false);
    if (kind.persistentOnly || !kind.transientOnly) kinds.add(true);
    ObjectNode root = BenchJson.root("queue");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("size", size);
    params.put("warmup_s", warmup);
    params.put("duration_s", duration);
    params.put("window", window);
    params.put("consumers", consumers);
    params.put("batch", batch);
    params.put("prefetch", prefetch);
    params.put("store", store);
    params.put("rounds", rounds);
    ArrayNode rows = root.putArray("rows");
    List<QueuePeer> peers = new ArrayList<>();
    try {
      ServiceLoader.load(QueuePeer.class).forEach(peers::add);
    } catch (ServiceConfigurationError | LinkageError e) {
      System.err.println("error: a benchmark peer is named in this jar but cannot be loaded (" + e
          + "); rebuild with `mvn -B -Pbench-peers -DskipTests package`");
      return ExitCodes.FAILED;
    }
    out.printf("bench queue: %d B messages, %d PUTs outstanding, %d consumers, %d s warm-up, %d s measured, %d alternated round(s);"
        + " one JVM%n", size, window, consumers, warmup, duration, rounds);
    QueuePeer.Params p = new QueuePeer.Params(size, warmup, duration, window, consumers);
    // Alternated rounds: the peers' modes, then sidis' queues; again. Each system's figures are the medians of its rounds.
    Map<String, String> modes = new LinkedHashMap<>();
    Set<String> baselineSystems = new HashSet<>();
    RoundRows measured = RoundRows.empty();
    for (int round = 1; round <= rounds; round++) {
      if (rounds > 1) out.println("round " + round + " of " + rounds);
      List<QueuePeer.Result> these = new ArrayList<>();
      for (QueuePeer peer : peers) {
        try {
          List<QueuePeer.Result> theirs = peer.run(p);
          theirs.forEach(r -> baselineSystems.add(r.system()));
          these.addAll(theirs);
        } catch (Exception e) {
          System.err.println("error: baseline " + peer.name() + " failed in round " + round + ": " + e);
          return ExitCodes.FAILED;
        }
      }
      for (boolean persistent : kinds) {
        for (boolean batched : List.of(false, true)) {
          String system = (persistent ? "sidis-queue-persistent-" + store : "sidis-queue-transient") + (batched ? "-batched" : "");
          try {
            QueueBench.Result r = QueueBench.run(persistent, size, warmup, duration, window, consumers,
                batched ? batch : 0, batched ? prefetch : 0, storeProfile);
            these.add(new QueuePeer.Result(system, batched ? "PutBatch/Fetch/AckBatch" : "Put/Get/Ack",
                r.rate(), r.consumed(), r.putP50Micros(), r.putP99Micros()));
          } catch (Exception e) {
            System.err.println("error: " + system + " failed in round " + round + ": " + e);
            return ExitCodes.FAILED;
          }
        }
      }
      List<RoundRows.Row> roundRows = new ArrayList<>();
      for (QueuePeer.Result r : these) {
        modes.putIfAbsent(r.system(), r.mode());
        boolean baseline = baselineSystems.contains(r.system());
        roundRows.add(new RoundRows.Row(r.system(), baseline, "put_get_per_s", r.rate(), "msg/s"));
        roundRows.add(new RoundRows.Row(r.system(), baseline, "put_ack_p50", r.putP50Micros(), "us"));
        roundRows.add(new RoundRows.Row(r.system(), baseline, "put_ack_p99", r.putP99Micros(), "us"));
        roundRows.add(new RoundRows.Row(r.system(), baseline, "consumed", r.consumed(), "msg"));
      }
      measured = measured.withRound(roundRows);
    }
    for (int round = 1; round <= measured.rounds(); round++) {
      for (RoundRows.Row r : measured.round(round)) {
        if (!r.metric().equals("consumed")) BenchJson.row(rows, r).put("round", round);
      }
    }
    // The table and the ratios: each system's medians, rebuilt as results in the order measured.
    Map<String, Map<String, Double>> median = new LinkedHashMap<>();
    for (RoundRows.Row r : measured.medianRows()) median.computeIfAbsent(r.system(), k -> new LinkedHashMap<>()).put(r.metric(), r.value());
    List<QueuePeer.Result> results = new ArrayList<>();
    median.forEach((system, m) -> results.add(new QueuePeer.Result(system, modes.get(system), m.get("put_get_per_s"),
        Math.round(m.get("consumed")), m.get("put_ack_p50"), m.get("put_ack_p99"))));
    int baselines = (int) results.stream().filter(r -> baselineSystems.contains(r.system())).count();
    if (rounds > 1) out.printf("medians of %d alternated rounds%n", rounds);
    QueuePeer.Result reference = baselines > 0 ? results.get(0) : null;
    Map<String, RoundRows.Median> rateSpread = new LinkedHashMap<>();
    for (RoundRows.Median m : measured.medians()) if (m.row().metric().equals("put_get_per_s")) rateSpread.put(m.row().system(), m);
    out.printf("%-44s %14s %19s %14s %14s %12s%n", "system", "PUT->GET msg/s", "lowest .. highest", "PUT-ack p50 us", "PUT-ack p99 us",
        reference == null ? "" : "x " + "baseline");
    for (int i = 0; i < results.size(); i++) {
      QueuePeer.Result r = results.get(i);
      boolean baseline = i < baselines;
      RoundRows.Median spread = rateSpread.get(r.system());
      out.printf("%-44s %14.0f %19s %14.0f %14.0f %12s%n", r.system() + (baseline ? " (baseline)" : ""), r.rate(),
          String.format("%.0f .. %.0f", spread.min(), spread.max()), r.putP50Micros(),
          r.putP99Micros(), reference == null ? "" : String.format("%.2f", r.rate() / reference.rate()));
      ObjectNode rate = rows.addObject();
      rate.put("system", r.system());
      rate.put("baseline", baseline);
      rate.put("metric", "put_get_per_s");
      rate.put("value", Math.round(r.rate()));
      rate.put("unit", "msg/s");
      rate.put("round", "median");
      rows.addObject().put("system", r.system()).put("baseline", baseline).put("metric", "put_ack_p50")
          .put("value", r.putP50Micros()).put("unit", "us").put("round", "median");
      rows.addObject().put("system", r.system()).put("baseline", baseline).put("metric", "put_ack_p99")
          .put("value", r.putP99Micros()).put("unit", "us").put("round", "median");
    }
    if (reference == null) {
      out.println("no baseline in this jar: ActiveMQ Artemis is benchmark-only; build target/sidis-bench.jar with"
          + " `mvn -B -Pbench-peers -DskipTests package` and run `java -jar target/sidis-bench.jar bench queue ...`");
    } else {
      out.printf("ratios are PUT->GET msg/s against %s (%s), measured in this run%n", reference.system(), reference.mode());
    }
    BenchJson.write(json, root, out);
    return ExitCodes.OK;
  }
}
