package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.bench.BenchPlot;
import org.sidis.bench.BenchSummary;
import org.sidis.bench.MulticastPeer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code sidis bench all}: every benchmark workload one after another, each in its own JVM as a
 * user would run it ({@code sidis bench <workload> … --json}), then {@code summary.md} — per
 * bench and metric, each system's median, spread and ratio to its baseline — and the plots
 * ({@link BenchPlot}) in the output directory. {@code --quick} runs short windows and one round:
 * it proves that every bench still runs and writes valid JSON (what CI runs), not a speed.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = "Runs every benchmark workload, then writes summary.md (medians, spread, ratios to the baselines) and PNG plots into one directory.")
public final class BenchAllCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Runs each workload with short windows and one round: proves each bench runs, measures nothing worth quoting.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-all",
      description = "Writes each workload's JSON and output, summary.md and the plots into this directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--only", paramLabel = "WORKLOAD", split = ",",
      description = "Runs only these workloads, comma-separated, from: multicast-causal, multicast-total, rpc, queue, log, broadcast, tiers, stream, migration.")
  List<String> only;

  @Mixin
  LaunchOptions launch;

  /**
   * One workload: its name in the output, the bench subcommand's arguments, full and quick, and
   * whether it starts child JVMs (and so takes the run directory and the JVMs' options).
   */
  record Workload(String name, List<String> full, List<String> quick, boolean launches) {}

  /** Every workload, in the order they run; the quick forms are the smallest runs that still measure each system. */
  static List<Workload> workloads(boolean multicastPeers) {
    List<String> peers = multicastPeers ? List.of("--peers") : List.of();
    List<Workload> w = new ArrayList<>();
    // The full forms also measure latency at half the maximum load; the quick ones stay throughput only, short for CI.
    w.add(new Workload("multicast-causal", cat(List.of("multicast", "--order", "causal", "--latency"), peers),
        cat(List.of("multicast", "--order", "causal", "--warmup", "1", "--duration", "2", "--rounds", "1"), peers), true));
    w.add(new Workload("multicast-total", cat(List.of("multicast", "--order", "total", "--latency"), peers),
        // Total order's first deliveries come seconds after the view is whole (the sequencer's epoch
        // starts), so its quick form warms up longer: a window with no delivery fails the round. Its
        // window is 5 s, not 2: JGroups SEQUENCER's coordinator delivered nothing for a whole 2 s window
        // in two of three fresh-clone CI runs ({n1=512, n2=0, n3=489}) while sidis-total measured.
        cat(List.of("multicast", "--order", "total", "--warmup", "5", "--duration", "5", "--rounds", "1"), peers), true));
    // Both forms draw the caller curve (calls per second and round trips over 1 → 64 callers, sidis beside gRPC).
    w.add(new Workload("rpc", List.of("rpc", "--callers", "1,4,16,64"),
        List.of("rpc", "--calls", "400", "--workers", "1,4", "--callers", "1,4", "--duration", "1", "--rounds", "1"), true));
    w.add(new Workload("queue", List.of("queue"), List.of("queue", "--warmup", "0", "--duration", "1", "--rounds", "1"), false));
    w.add(new Workload("log", List.of("log"), List.of("log", "--warmup", "0", "--duration", "1"), false));
    w.add(new Workload("broadcast", List.of("broadcast"),
        List.of("broadcast", "--nodes", "5", "--duration", "2", "--wait", "10", "--scenarios", "healthy"), false));
    w.add(new Workload("tiers", List.of("tiers"), List.of("tiers", "--rounds", "1", "--requests", "16", "--reply-size", "1KiB"), true));
    w.add(new Workload("stream", List.of("stream"), List.of("stream", "--quick"), false));
    // One write rate in both forms: the full form's plot is docs/migration-downtime.png (three curves over state size), and
    // documented commands run with the quick form's options (DocsCommandsIT); MigrationBenchIT runs and draws a rate sweep.
    w.add(new Workload("migration", List.of("migration"), List.of("migration", "--quick"), true));
    return List.copyOf(w);
  }

  private static List<String> cat(List<String> a, List<String> b) {
    List<String> c = new ArrayList<>(a);
    c.addAll(b);
    return c;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintStream stdout = System.out;
    PrintStream err = System.err;
    List<Workload> all = workloads(!MulticastPeer.available().isEmpty());
    List<Workload> chosen = new ArrayList<>();
    if (only == null) {
      chosen.addAll(all);
    } else {
      for (String name : only) {
        Workload w = all.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (w == null) {
          err.println("error: unknown workload '" + name + "' in --only; known: "
              + String.join(", ", all.stream().map(Workload::name).toList()));
          return ExitCodes.USAGE;
        }
        chosen.add(w);
      }
    }
    Files.createDirectories(out);
    Map<String, JsonNode> docs = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    List<String> retried = new ArrayList<>();
    for (Workload w : chosen) {
      Path json = out.resolve(w.name() + ".json");
      Path log = out.resolve(w.name() + ".txt");
      Files.deleteIfExists(json);
      List<String> args = new ArrayList<>(List.of("bench"));
      args.addAll(quick ? w.quick() : w.full());
      args.addAll(List.of("--json", json.toString()));
      if (w.launches()) {
        args.addAll(List.of("--runs-dir", launch.runsDir().toString()));
        // Only options given: each workload has its own default (bench migration's hosts hold large states and want more heap).
        if (launch.given()) for (String opt : launch.jvm()) args.add("--jvm-opt=" + opt);
      }
      stdout.println("bench all: " + w.name() + ": sidis " + String.join(" ", args) + "  (output in " + log + ")");
      Instant t0 = Instant.now();
      Path firstLog = out.resolve(w.name() + ".attempt-1.txt");
      Files.deleteIfExists(firstLog);
      int code = twice(() -> runChild(args, log, Duration.ofMinutes(quick ? 6 : 60)), c -> c == 0 && Files.isRegularFile(json), c -> {
        stdout.println("bench all: " + w.name() + " failed (exit " + c + (Files.isRegularFile(json) ? "" : ", no JSON")
            + "); last lines of its output, kept in " + firstLog + ":");
        tail(log, 15).forEach(l -> stdout.println("  " + l));
        Files.move(log, firstLog);
        Files.deleteIfExists(json);
        stdout.println("bench all: " + w.name() + ": running it once more");
        retried.add(w.name() + " (first run: exit " + c + ", see " + firstLog + ")");
      });
      String took = String.format("%.0f s", Duration.between(t0, Instant.now()).toMillis() / 1000.0);
      if (code != 0 || !Files.isRegularFile(json)) {
        failed.add(w.name() + " (exit " + code + (Files.isRegularFile(json) ? "" : ", no JSON") + ", see " + log + ")");
        stdout.println("bench all: " + w.name() + " FAILED after " + took + "; last lines of its output:");
        tail(log, 15).forEach(l -> stdout.println("  " + l));
        continue;
      }
      try {
        JsonNode doc = BenchJson.MAPPER.readTree(json.toFile());
        BenchSummary.of(Map.of(w.name(), doc)); // refuses a file that breaks the contract, naming the row
        docs.put(w.name(), doc);
        stdout.println("bench all: " + w.name() + " done in " + took + ": " + json);
      } catch (IOException | IllegalArgumentException e) {
        failed.add(w.name() + " (its JSON is not the benchmark contract: " + e.getMessage() + ")");
      }
    }
    BenchSummary summary = BenchSummary.of(docs);
    List<Path> plots = BenchPlot.write(summary, out.resolve("plots"));
    StringBuilder md = new StringBuilder("# sidis bench all" + (quick ? " --quick" : "") + "\n\n");
    md.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores. Medians of alternated rounds; spread = (highest − lowest round) / median.");
    if (quick) md.append(" Quick mode: one short round each, to prove every bench runs; not figures to quote.");
    md.append("\n\n");
    if (!failed.isEmpty()) md.append("**Failed:** ").append(String.join("; ", failed)).append("\n\n");
    if (!retried.isEmpty()) md.append("**Failed once, then run again:** ").append(String.join("; ", retried)).append("\n\n");
    md.append(summary.markdown());
    if (!plots.isEmpty()) {
      md.append("## Plots\n\n");
      for (Path p : plots) md.append("![").append(p.getFileName()).append("](plots/").append(p.getFileName()).append(")\n");
    }
    Path summaryFile = out.resolve("summary.md");
    Files.writeString(summaryFile, md.toString(), StandardCharsets.UTF_8);
    stdout.println("bench all: " + docs.size() + " of " + chosen.size() + " workloads measured; summary " + summaryFile
        + ", " + plots.size() + " plots in " + out.resolve("plots"));
    if (!failed.isEmpty()) {
      err.println("error: bench all: " + failed.size() + " workload(s) failed: " + String.join("; ", failed));
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /** One run of a workload; what it gave (bench all: its exit code). */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws IOException, InterruptedException;
  }

  /** What is done with a failed first run before the second: said and its output kept. */
  @FunctionalInterface
  interface OnFirstFailure<T> {
    void accept(T failed) throws IOException;
  }

  /**
   * Runs a workload, and once more when the first run fails: a short window on a loaded machine
   * can stall once (a JGroups SEQUENCER member delivered nothing in a 2 s window of a CI run while
   * the others did), and one stall should not hide whether a bench runs at all. The first failure
   * is said ({@code onFirstFailure}) and named in summary.md; the second one stands. The docs'
   * benchmark-jar commands are run the same way (BenchJarDocsIT).
   */
  static <T> T twice(Attempt<T> attempt, java.util.function.Predicate<T> ok, OnFirstFailure<T> onFirstFailure)
      throws IOException, InterruptedException {
    T first = attempt.run();
    if (ok.test(first)) return first;
    onFirstFailure.accept(first);
    return attempt.run();
  }

  /** Runs {@code sidis args} in a child JVM of this program, its output into {@code log}; its exit code, or -1 on timeout. */
  private static int runChild(List<String> args, Path log, Duration timeout) throws IOException, InterruptedException {
    List<String> cmd = org.sidis.bench.ChildJvm.command(List.of(), Sidis.class.getName(), args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      Files.writeString(log, "\n(bench all: stopped after " + timeout.toMinutes() + " min)\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      return -1;
    }
    return p.exitValue();
  }

  private static List<String> tail(Path file, int n) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }
}
