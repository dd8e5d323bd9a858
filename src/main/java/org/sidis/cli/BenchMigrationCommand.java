package org.sidis.cli;

import akka.actor.typed.ActorSystem;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.sidis.bench.MigrationBench;
import org.sidis.bench.MigrationBench.Cell;
import org.sidis.bench.RoundRows;
import org.sidis.demo.Launcher;
import org.sidis.migration.MoveMode;
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
 * {@code sidis bench migration}: the downtime and total time of moving a running actor between two
 * host JVMs while the bench calls it, per state size and write rate (a {@link Cell}), for
 * stop-and-copy, pre-copy and the baseline the issue names — the Akka way: stop, persist a
 * snapshot, restart elsewhere from it ({@link org.sidis.bench.SnapshotRestart}). After a warm-up
 * round that is not counted, each round moves every cell's actor once per system, the systems'
 * order turned by one each round; the table and the JSON rows ({@code state_mib},
 * {@code write_mib_per_s}) are the medians of the rounds with the lowest and highest.
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
    description = "Measures moving a running actor between two host JVMs while it is called: downtime (the longest call's wait)"
        + " and total time per state size, stop-and-copy and pre-copy beside the Akka way (snapshot, stop, restart elsewhere).")
public final class BenchMigrationCommand implements Callable<Integer> {

  @Option(names = "--sizes", split = ",", paramLabel = "MIB",
      description = "Moves actors of these state sizes, in MiB, comma-separated, 1 to 256 (default: 1,4,16,64; --quick: 1,4).")
  List<Integer> sizes;

  @Option(names = "--write-rate", defaultValue = "4MiB", split = ",", paramLabel = "RATE",
      description = "How fast each actor's workload writes its state while it serves, bytes per second as HOCON: 4MiB, 0;"
          + " comma-separated to sweep (0,4MiB,16MiB: every size at every rate, in the same rounds) (default: ${DEFAULT-VALUE}).")
  List<String> writeRates;

  @Option(names = "--quick", description = "Sizes 1 and 4 MiB, one round, no warm-up round: proves the bench runs; measures nothing worth quoting.")
  boolean quick;

  @Mixin
  RoundsOption roundsOption;

  @Mixin
  LaunchOptions launch;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  /** The systems in the order of the first round, the baseline first. */
  static final List<String> SYSTEMS = List.of(MigrationBench.BASELINE, MoveMode.STOP_AND_COPY.word(), MoveMode.PRE_COPY.word());

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    int rounds = quick ? 1 : roundsOption.count();
    List<Integer> mibs = sizes != null ? List.copyOf(sizes) : quick ? List.of(1, 4) : List.of(1, 4, 16, 64);
    if (mibs.isEmpty() || mibs.stream().anyMatch(m -> m == null || m < 1 || m > 256) || mibs.stream().distinct().count() != mibs.size()) {
      System.err.println("error: --sizes takes distinct sizes of 1 to 256 MiB, got " + mibs);
      return ExitCodes.USAGE;
    }
    List<Long> rates = new ArrayList<>();
    for (String writeRate : writeRates) {
      long rate;
      try {
        rate = ConfigFactory.parseString("r = \"" + writeRate.replace("\"", "") + "\"").getBytes("r");
      } catch (ConfigException e) {
        System.err.println("error: --write-rate [" + writeRate + "] is not a size per second like 4MiB or 0");
        return ExitCodes.USAGE;
      }
      if (rate < 0 || rate > 1L << 30) {
        System.err.println("error: --write-rate must be 0 .. 1 GiB per second, got " + writeRate);
        return ExitCodes.USAGE;
      }
      if (rates.contains(rate)) {
        System.err.println("error: --write-rate takes distinct rates, got [" + writeRate + "] twice in " + writeRates);
        return ExitCodes.USAGE;
      }
      rates.add(rate);
    }
    List<Cell> cells = Cell.grid(mibs, rates);
    String rateList = String.join(", ", rates.stream().map(r -> String.format("%.1f", r / (double) (1 << 20))).toList());
    Path runDir = Launcher.newRunDir(launch.runsDir(), "bench-migration");
    // One store both hosts open: the first JVM serves it to the other (H2's automatic mixed mode).
    String store = "jdbc:h2:file:" + runDir.resolve("store").resolve("bench-migration").toAbsolutePath() + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    Config common = ConfigFactory.empty()
        .withValue("sidis.bench.migration.sizes", ConfigValueFactory.fromIterable(mibs))
        .withValue("sidis.bench.migration.write-rates", ConfigValueFactory.fromIterable(rates));
    List<String> jvm = launch.given() ? launch.jvm() : List.of("-Xmx1g");
    int largest = mibs.stream().mapToInt(Integer::intValue).max().orElse(1);
    out.printf("bench migration: actors of %s MiB moved between two host JVMs (n1, n2; %s) while the bench's own ActorSystem calls"
            + " them without pause; workload writes %s MiB/s (each size at each rate); %d alternated round(s)%s; systems %s (baseline %s:"
            + " snapshot to a shared H2 store, stop, recover at the other node) — run directory %s%n",
        mibs, String.join(" ", jvm), rateList, rounds, quick ? ", quick" : "", SYSTEMS, MigrationBench.BASELINE, runDir);
    // The baseline holds a snapshot several times over while it saves and recovers it (256 MiB ran out of heap at -Xmx2g).
    // Every cell's actors live in both hosts at once: a sweep multiplies what a host holds.
    long held = (long) mibs.stream().mapToInt(Integer::intValue).sum() * rates.size();
    if ((largest >= 128 || held >= 256) && !launch.given()) {
      out.println("  note: states of 128 MiB and more, or " + held + " MiB across the sweep's cells, need more heap: --jvm-opt=-Xmx4g");
    }

    Map<Cell, RoundRows> measured = new LinkedHashMap<>();
    for (Cell cell : cells) measured.put(cell, RoundRows.empty());
    String problem = null;
    ActorSystem<Void> client = MigrationBench.clientSystem(settings.asConfig().withFallback(common));
    try (Launcher launcher = new Launcher(runDir, out)) {
      try {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--seeds",
            client.address().getHost().get() + ":" + client.address().getPort().get()));
        args.addAll(NodeArgs.sets(common
            .withValue("sidis.node.services", ConfigValueFactory.fromIterable(List.of(MigrationBench.HOST_SERVICE)))
            .withValue("sidis.trace.enabled", ConfigValueFactory.fromAnyRef(false))
            .withValue("akka-persistence-jdbc.shared-databases.sidis.db.url", ConfigValueFactory.fromAnyRef(store))
            // A snapshot of hundreds of MiB takes longer to save and load than the store's breaker (10-20 s) and recovery (30 s) allow.
            .withValue("jdbc-snapshot-store.circuit-breaker.call-timeout", ConfigValueFactory.fromAnyRef("300s"))
            .withValue("jdbc-journal.circuit-breaker.call-timeout", ConfigValueFactory.fromAnyRef("300s"))
            .withValue("jdbc-journal.recovery-event-timeout", ConfigValueFactory.fromAnyRef("300s"))));
        args.addAll(NodeArgs.sets(settings.asMap()));
        for (String n : MigrationBench.HOSTS) launcher.start(n, jvm, args);
        MigrationBench.awaitUp(client, 3, Duration.ofSeconds(120));
        MigrationBench.Client c = new MigrationBench.Client(client, cells);
        // A round that is not counted: the first moves of a fresh JVM run cold code (JIT, the store's first connections).
        for (Cell cell : quick ? List.<Cell>of() : cells) {
          for (String system : SYSTEMS) {
            MigrationBench.Moved w = c.move(system, cell);
            out.printf("warm-up  %-22s %4d MiB %5.1f MiB/s %s → %s: downtime %.1f ms, total %.1f ms (not counted)%n", w.system(),
                cell.stateMib(), cell.writeMibPerSec(), w.from(), w.to(), w.downtimeMs(), w.totalMs());
          }
        }
        for (int round = 1; round <= rounds; round++) {
          List<String> order = new ArrayList<>(SYSTEMS);
          java.util.Collections.rotate(order, -(round - 1));
          for (Cell cell : cells) {
            List<RoundRows.Row> rows = new ArrayList<>();
            for (String system : order) {
              MigrationBench.Moved m = c.move(system, cell);
              out.printf("round %d  %-22s %4d MiB %5.1f MiB/s %s → %s: downtime %.1f ms, total %.1f ms, %d calls answered during it; %s%n",
                  round, system, cell.stateMib(), cell.writeMibPerSec(), m.from(), m.to(), m.downtimeMs(), m.totalMs(), m.calls(), m.detail());
              boolean baseline = system.equals(MigrationBench.BASELINE);
              rows.add(new RoundRows.Row(system, baseline, "downtime_ms", m.downtimeMs(), "ms"));
              rows.add(new RoundRows.Row(system, baseline, "total_ms", m.totalMs(), "ms"));
            }
            measured.put(cell, measured.get(cell).withRound(rows));
          }
        }
      } catch (RuntimeException e) {
        problem = e.getMessage() == null ? e.toString() : e.getMessage();
      } finally {
        out.println("  stopping the host JVMs (SIGTERM)");
        launcher.stopAll();
        for (String p : launcher.problems()) out.println("problem: " + p);
      }
    } finally {
      client.terminate();
      client.getWhenTerminated().toCompletableFuture().join();
    }

    ObjectNode root = BenchJson.root("migration");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("sizes_mib", mibs.toString()).put("write_mib_per_s", "[" + rateList + "]").put("rounds", rounds).put("quick", quick)
        .put("hosts", "two child JVMs, Artery TCP on loopback").put("jvm", String.join(" ", jvm))
        .put("downtime", "the longest a client call waited from the move's start until 3 calls after its end")
        .put("baseline", "Akka Persistence snapshot (JDBC, one H2 store both hosts share), stop, recover at the other node");
    ArrayNode rows = root.putArray("rows");
    for (Map.Entry<Cell, RoundRows> e : measured.entrySet()) {
      RoundRows r = e.getValue();
      for (int round = 1; round <= r.rounds(); round++) {
        for (RoundRows.Row row : r.round(round)) dims(BenchJson.row(rows, row), e.getKey()).put("round", round);
      }
      for (RoundRows.Row row : r.medianRows()) dims(BenchJson.row(rows, row), e.getKey()).put("round", "median");
    }
    if (measured.values().stream().anyMatch(r -> r.rounds() > 0)) out.print(table(measured));
    BenchJson.write(json, root, out);
    if (problem != null) {
      System.err.println("error: " + problem + " (logs in " + runDir + ")");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /** The row's dimensions, state size first: {@code bench all} draws its curves over the first one that varies. */
  private static ObjectNode dims(ObjectNode row, Cell cell) {
    return row.put("state_mib", cell.stateMib()).put("write_mib_per_s", cell.writeMibPerSec());
  }

  /** Per cell and system, the medians with the lowest and highest round, and downtime against the baseline and stop-and-copy. */
  static String table(Map<Cell, RoundRows> measured) {
    StringBuilder t = new StringBuilder(String.format("%nmedians of the rounds, [lowest .. highest round]; writes = the workload's write rate%n"));
    t.append(String.format("%8s  %10s  %-22s %28s  %28s  %s%n", "state", "writes", "system", "downtime ms", "total ms", "downtime / baseline"));
    for (Map.Entry<Cell, RoundRows> e : measured.entrySet()) {
      String cell = String.format("%5d MiB  %5.1f MiB/s", e.getKey().stateMib(), e.getKey().writeMibPerSec());
      Map<String, RoundRows.Median> m = new LinkedHashMap<>();
      for (RoundRows.Median x : e.getValue().medians()) m.put(x.row().system() + " " + x.row().metric(), x);
      RoundRows.Median base = m.get(MigrationBench.BASELINE + " downtime_ms");
      for (String system : SYSTEMS) {
        RoundRows.Median d = m.get(system + " downtime_ms");
        RoundRows.Median tot = m.get(system + " total_ms");
        if (d == null || tot == null) continue;
        String ratio = system.equals(MigrationBench.BASELINE) ? "baseline"
            : base == null || base.row().value() == 0 ? "—" : String.format("%.3fx", d.row().value() / base.row().value());
        t.append(String.format("%s  %-22s %9.1f [%7.1f .. %7.1f]  %9.1f [%7.1f .. %7.1f]  %s%n", cell,
            system + (system.equals(MigrationBench.BASELINE) ? "*" : ""), d.row().value(), d.min(), d.max(), tot.row().value(), tot.min(),
            tot.max(), ratio));
      }
      RoundRows.Median sc = m.get(MoveMode.STOP_AND_COPY.word() + " downtime_ms");
      RoundRows.Median pc = m.get(MoveMode.PRE_COPY.word() + " downtime_ms");
      if (sc != null && pc != null && sc.row().value() > 0) {
        t.append(String.format("%s  downtime pre-copy / stop-and-copy: %.3fx%n", cell, pc.row().value() / sc.row().value()));
      }
    }
    t.append("* the baseline: the Akka way, snapshot to the durable store, stop, recover at the other node\n");
    return t.toString();
  }
}
