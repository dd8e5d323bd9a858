package org.sidis.demo;

import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code sidis demo faults}: runs total, causal, queues, log and gossip on netns hosts, each
 * under a partition, a pause and a kill, judges every run with the checkers and prints one row
 * per run ({@link MatrixRow}); exit 0 only when every row passed.
 *
 * <p>The short matrix (the default, for CI on two cores) injects one fault per run — 4 s after
 * the workload started, held 8 s: longer than the failure detector's acceptable pause and the
 * Split Brain Resolver's stable-after, so the resolver does decide — into workloads paced to last
 * about 15 s. {@code --long} runs ten times the messages with a fault every 10 s for 5 s
 * throughout. Each run's output goes to {@code console.txt} in its own run directory; the
 * console shows one line per row.
 */
public final class FaultMatrix {

  public static final String NAME = "faults";

  /** Copies demo {@code name}'s settings file to {@code to} (as {@code sidis demo} does). */
  public interface ConfigCopier {
    void copy(String name, Path to) throws IOException;
  }

  /** One run of the matrix: the demo, its size and pace, the fault. */
  record Spec(String demo, FaultSchedule.Mode fault, int nodes, int messages, Map<String, String> settings, Nemesis.Plan plan) { }

  static final List<String> DEMOS = List.of("total", "causal", "queues", "log", "gossip");
  static final List<FaultSchedule.Mode> FAULTS = List.of(FaultSchedule.Mode.PARTITION, FaultSchedule.Mode.PAUSE, FaultSchedule.Mode.KILL);

  private final PrintStream out;
  private final Path runsDir;
  private final boolean longMatrix;
  private final long seed;
  private final List<String> jvmOptions;
  private final Function<String, Demo> demos;
  private final ConfigCopier copier;

  public FaultMatrix(PrintStream out, Path runsDir, boolean longMatrix, long seed, List<String> jvmOptions,
                     Function<String, Demo> demos, ConfigCopier copier) {
    this.out = out;
    this.runsDir = runsDir;
    this.longMatrix = longMatrix;
    this.seed = seed;
    this.jvmOptions = jvmOptions;
    this.demos = demos;
    this.copier = copier;
  }

  /** The runs of the short or the long matrix, in table order. */
  static List<Spec> specs(boolean longMatrix) {
    int scale = longMatrix ? 10 : 1;
    List<Spec> specs = new ArrayList<>();
    for (String demo : DEMOS) {
      for (FaultSchedule.Mode fault : FAULTS) {
        Nemesis.Plan plan = longMatrix
            ? new Nemesis.Plan(fault, Duration.ofSeconds(10), Duration.ofSeconds(5), 0)
            : new Nemesis.Plan(fault, Duration.ofSeconds(4), Duration.ofSeconds(8), 1);
        Map<String, String> settings = new LinkedHashMap<>();
        int messages;
        switch (demo) {
          case "total", "causal" -> {
            messages = 900 * scale; // 300 per node, one every 50 ms: about 15 s
            settings.put("sidis.demo.chat.interval", "50ms");
          }
          case "gossip" -> {
            messages = 300 * scale; // 100 per node, one every 150 ms: about 15 s
            settings.put("sidis.demo.gossip.interval", "150ms");
          }
          default -> messages = 2000 * scale; // queues, log: as fast as the window lets them
        }
        specs.add(new Spec(demo, fault, 3, messages, settings, plan));
      }
    }
    return specs;
  }

  /**
   * The runs {@code rows} names ({@code demo:fault,...}, e.g. {@code queues:pause,log:pause}), in
   * the order named; every run when {@code rows} is null. An unknown or repeated row is an
   * {@link IllegalArgumentException} that lists the valid ones.
   */
  static List<Spec> select(List<Spec> specs, String rows) {
    if (rows == null) return specs;
    Map<String, Spec> byName = new LinkedHashMap<>();
    for (Spec s : specs) byName.put(s.demo() + ":" + s.fault().label(), s);
    List<Spec> chosen = new ArrayList<>();
    for (String part : rows.split(",")) {
      String row = part.trim();
      if (row.isEmpty()) continue;
      Spec spec = byName.get(row);
      if (spec == null) {
        throw new IllegalArgumentException("--rows: unknown row [" + row + "]; valid rows: " + String.join(", ", byName.keySet()));
      }
      if (chosen.contains(spec)) throw new IllegalArgumentException("--rows names [" + row + "] twice");
      chosen.add(spec);
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("--rows names no row; valid rows: " + String.join(", ", byName.keySet()));
    }
    return chosen;
  }

  /** The runs {@code rows} names (see {@link #select}) of this matrix, as {@code demo:fault}; every run for null. */
  public List<String> check(String rows) {
    return select(specs(longMatrix), rows).stream().map(s -> s.demo() + ":" + s.fault().label()).toList();
  }

  /** Runs every row, prints the table, writes {@code json} (when not null); 0 when every row passed. */
  public int run(Path json) {
    return run(json, null);
  }

  /** Runs the rows {@code named} names (null: every row), prints the table, writes {@code json}; 0 when every row passed. */
  public int run(Path json, String named) {
    List<Spec> specs = select(specs(longMatrix), named);
    out.printf("demo faults: %d runs (%s matrix) on netns hosts, seed %d — run directories under %s%n", specs.size(),
        longMatrix ? "long" : "short", seed, runsDir);
    List<MatrixRow> rows = new ArrayList<>();
    int k = 0;
    for (Spec spec : specs) {
      k++;
      out.printf("  [%d/%d] %s under %s ...%n", k, specs.size(), spec.demo(), spec.fault().label());
      MatrixRow row = runOne(spec);
      rows.add(row);
      out.printf("  [%d/%d] %s under %s: %s%s — %s%n", k, specs.size(), spec.demo(), spec.fault().label(), row.verdict(),
          row.note().isEmpty() ? "" : " (" + row.note() + ")", row.run());
    }
    out.println();
    out.print(MatrixRow.table(rows));
    if (json != null) {
      try {
        if (json.getParent() != null) Files.createDirectories(json.getParent());
        Files.writeString(json, MatrixRow.json(rows), StandardCharsets.UTF_8);
        out.println("json: " + json);
      } catch (IOException e) {
        System.err.println("error: cannot write " + json + ": " + e.getMessage());
        return 1;
      }
    }
    long failed = rows.stream().filter(r -> !r.passed()).count();
    out.println(failed == 0 ? "verdict: PASSED — every row" : "verdict: FAILED — " + failed + " of " + rows.size() + " rows");
    return failed == 0 ? 0 : 1;
  }

  private MatrixRow runOne(Spec spec) {
    Path runDir = Launcher.newRunDir(runsDir, NAME + "-" + spec.demo() + "-" + spec.fault().label());
    Path conf = runDir.resolve("conf").resolve(spec.demo() + ".conf");
    int exit;
    try (PrintStream console = new PrintStream(new FileOutputStream(runDir.resolve("console.txt").toFile()), true, StandardCharsets.UTF_8)) {
      copier.copy(spec.demo(), conf);
      DemoOptions options = new DemoOptions(spec.nodes(), spec.messages(), seed, null, null, spec.settings(), jvmOptions,
          Hosts.Kind.NETNS, spec.plan());
      Demo demo = demos.apply(spec.demo());
      String refusal = demo.refuse(options);
      if (refusal != null) throw new IllegalArgumentException(refusal);
      exit = demo.run(new DemoRun(console, runDir, conf, Duration.ofSeconds(longMatrix ? 600 : 150), options));
    } catch (IOException | RuntimeException e) {
      out.println("  error: " + spec.demo() + " under " + spec.fault().label() + ": " + e);
      return new MatrixRow(spec.demo(), spec.fault().label(), 0, 0, 0, 0, 0, null, 0, MatrixRow.FAILED,
          "did not run: " + e.getMessage(), runDir.toString());
    }
    Report report = Inspection.of(runDir);
    return MatrixRow.measure(spec.demo(), spec.fault().label(), report.trace().events(), report.verdicts(), faults(runDir),
        exit == 0, runDir.toString());
  }

  /** {@code [start, end]} of each fault in the run's {@code faults.ndjson}. */
  static List<long[]> faults(Path runDir) {
    Path file = runDir.resolve("faults.ndjson");
    List<long[]> faults = new ArrayList<>();
    if (!Files.exists(file)) return faults;
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        var n = json.readTree(line);
        faults.add(new long[] {n.path("start_ts").asLong(), n.path("end_ts").asLong()});
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
    return faults;
  }
}
