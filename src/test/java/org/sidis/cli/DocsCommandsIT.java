package org.sidis.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.cli.DocsPages.Found;
import org.sidis.cli.DocsPages.Page;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command the README and {@code docs/*.md} give — the list {@link DocsPages} extracts, the
 * one DocsCommandsTest parses — run through {@code bin/sidis} against {@code target/sidis.jar},
 * each in its <em>quick form</em>, as a child process with a timeout. The pages write commands as
 * run from the repository's root, so they run in a directory that looks like one — {@code bin/sidis}
 * (a link to the launcher) and a copy of {@code conf/} — where {@code keys}, {@code runs/} and
 * {@code tiers.json} land as a user's would, and the repository stays clean.
 *
 * <p><b>The quick form</b> of a documented command is the command with every option it writes
 * kept, and only its size changed:
 * <ul>
 *   <li>{@code bench WORKLOAD}: the options {@code bench all --quick} gives that workload
 *       ({@link BenchAllCommand#workloads}: short windows, one round) set over the documented
 *       values, except that multicast keeps a 5 s warm-up (a tree overlay's first deliveries
 *       come later than a direct group's) and at most 3 members; {@code bench stream} and {@code bench all} take their
 *       own {@code --quick}.</li>
 *   <li>{@code demo NAME}: {@code --messages 100} (tiers: {@code --requests 16 --reply-size 1KiB};
 *       migration: {@code --moves 1}, {@code --state} at most 4MiB; placement: {@code --state} at most 4MiB;
 *       stream: {@code --seconds 3}).
 *       {@code --keep-running} stays: the child's stdin is closed, which is the documented way
 *       to stop it, so it stops right after its verdict.</li>
 *   <li>{@code node}: a fixed {@code --port} becomes 0 and {@code --seeds} goes (no other node
 *       runs on those ports), so the node forms a cluster on its own; once it prints that it did,
 *       it is sent SIGTERM and must leave (exit 0, or 143: 128 + SIGTERM).</li>
 *   <li>A path under {@code /tmp/} moves into the working directory; {@code RUN_DIR} and the
 *       example run {@code runs/20261202-131258-causal} become the run the {@code demo causal}
 *       command made, so {@code inspect} reads a real run.</li>
 *   <li>Everything else (tls, inspect, sim, completion, help, version) runs as written.</li>
 * </ul>
 *
 * <p><b>Expected outcome:</b> exit 0, except bare {@code bin/sidis} (usage on stderr, exit 2, as
 * docs/cli.md says); a demo prints {@code verdict: PASSED}, {@code inspect} a {@code PASSED:} line,
 * {@code tls init} its {@code tls: ... made} line, a node its "formed a new cluster" line.
 *
 * <p><b>Grouping</b> (to stay within a few minutes on two loaded cores): commands whose quick
 * forms are the same run once; and the commands that start JVMs or compute for many seconds
 * ({@code demo NAME}, {@code bench WORKLOAD}, {@code sim NAME}, {@code node}) run one per group —
 * the group's member with the most words, so the most options — while the others of its group
 * are only parsed (DocsCommandsTest). A group whose form another multi-JVM IT already runs
 * through the jar ({@link #ELSEWHERE}: each demo has its IT) is not run again here: every demo
 * in its quick form takes 40 s to 3 min on a loaded machine, and all of them together took
 * 18 minutes, far over this test's budget. {@code -Dsidis.docsit.all=true} runs every group here
 * all the same. The output names, for every documented command, what ran for it.
 *
 * <p><b>Skipped</b> ({@link #SKIPS}, each with its reason): netns hosts and the fault matrix (root,
 * network namespaces, minutes: NetnsHostsIT and FaultMatrixIT run them where they can), the
 * benchmark-peers jar (built only by {@code -Pbench-peers}; BenchJarDocsIT, in that profile's
 * tests, runs those commands in this quick form and CI runs it), a PostgreSQL
 * queue manager (needs a server), nodes on 198.18.x addresses (another machine's), and placeholders
 * such as {@code NAME} or {@code FILE} that are not commands a user can paste.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES) // every child has its own timeout; this is the backstop
class DocsCommandsIT {

  private static final Path ROOT = DocsPages.root();
  private static final Path LAUNCHER = ROOT.resolve("bin/sidis");

  /** How many heavy commands run at once (3 at once on two loaded cores timed demos out). */
  private static final int PARALLEL = Integer.getInteger("sidis.docsit.parallel", 2);

  /** The example run directory the pages name; replaced by a real run. */
  private static final Pattern EXAMPLE_RUN = Pattern.compile("runs/\\d{8}-\\d{6}-causal");

  private static final Pattern VERDICT_DIR = Pattern.compile("verdict: PASSED — logs and traces in (\\S+)");

  /** A documented command that is not run, and why. */
  record Skip(String reason, java.util.function.Predicate<Found> applies) {}

  static final List<Skip> SKIPS = List.of(
      new Skip("netns hosts need root and network namespaces (NetnsHostsIT runs them where it can)",
          f -> f.args().contains("netns")),
      new Skip("the fault matrix runs on netns hosts as root and takes many minutes (FaultMatrixIT runs a row)",
          f -> f.args().size() >= 2 && f.args().get(0).equals("demo") && f.args().get(1).equals("faults")),
      new Skip("target/sidis-bench.jar is built only by mvn -Pbench-peers package; BenchJarDocsIT (that profile's, run by CI) runs these",
          f -> f.command().startsWith("java -jar target/sidis-bench.jar")),
      new Skip("a PostgreSQL queue manager needs a PostgreSQL server (PersistentQueueTest starts one where it can)",
          f -> f.args().contains("conf/postgres.conf")),
      new Skip("198.18.x addresses are other machines' (or netns hosts'), not this one's",
          f -> f.args().stream().anyMatch(a -> a.startsWith("198.18."))),
      new Skip("a placeholder (NAME, FILE, …), not a command to paste",
          f -> f.args().stream().anyMatch(a -> a.matches("NAME|FILE|…|\\.\\.\\.")) || f.command().contains("…")));

  /**
   * The heavy groups another multi-JVM IT runs through target/sidis.jar (the same command, other
   * sizes); each IT's source must name the group's demo or workload, which the test checks.
   */
  static final Map<String, String> ELSEWHERE = Map.ofEntries(
      Map.entry("demo fifo", "demo/DemoIT"), Map.entry("demo total", "demo/DemoIT"), Map.entry("demo overlay", "demo/DemoIT"),
      Map.entry("demo gossip", "demo/GossipIT"), Map.entry("demo servers", "demo/RpcIT"), Map.entry("demo rpc", "demo/RpcIT"),
      Map.entry("demo queues", "demo/QueuesDemoIT"), Map.entry("demo log", "demo/LogDemoIT"),
      Map.entry("demo broker", "demo/BrokerIT"), Map.entry("demo pubsub", "demo/BrokerIT"),
      Map.entry("demo supervision", "demo/SupervisionIT"), Map.entry("demo tiers", "demo/TiersIT"),
      Map.entry("demo migration", "demo/MigrationIT"), Map.entry("demo placement", "demo/PlacementIT"),
      Map.entry("demo stream", "demo/StreamDemoIT"),
      Map.entry("bench rpc", "demo/RpcIT"), Map.entry("bench queue", "demo/QueueBenchIT"), Map.entry("bench tiers", "demo/TiersBenchIT"),
      Map.entry("bench all", "demo/BenchAllIT"), Map.entry("bench log", "demo/BenchAllIT"), Map.entry("bench broadcast", "demo/BenchAllIT"));

  /** Every group runs here, none is left to the ITs of {@link #ELSEWHERE}. */
  private static final boolean ALL = Boolean.getBoolean("sidis.docsit.all");

  /** One command to run: the documented commands it stands for, its words and what it must print. */
  record Run(List<Found> documented, List<String> args, int expectedExit, Optional<Pattern> mustPrint, boolean untilReady) {
    String line() {
      return "bin/sidis " + String.join(" ", args);
    }
  }

  record Ran(int exitCode, String stdout, String stderr, Duration took) {}

  @TempDir
  Path work;

  @BeforeAll
  static void theJarIsBuilt() {
    assertTrue(Files.isRegularFile(ROOT.resolve("target/sidis.jar")), "target/sidis.jar is missing: this test runs after 'mvn package'");
  }

  /** The working directory: a clone's root as far as the commands can tell. */
  @BeforeEach
  void aCloneLikeDirectory() throws IOException {
    Files.createDirectories(work.resolve("bin"));
    Files.createSymbolicLink(work.resolve("bin/sidis"), LAUNCHER);
    try (Stream<Path> conf = Files.walk(ROOT.resolve("conf"))) {
      for (Path from : conf.toList()) {
        Path to = work.resolve(ROOT.relativize(from).toString());
        if (Files.isDirectory(from)) Files.createDirectories(to);
        else Files.copy(from, to);
      }
    }
  }

  @Test
  void everyDocumentedCommandRunsInItsQuickForm() throws Exception {
    List<Found> all = new ArrayList<>();
    for (Page page : DocsPages.pages()) all.addAll(DocsPages.commands(page));
    assertTrue(all.size() >= 30, "expected at least 30 documented commands, found " + all.size());

    List<String> report = new ArrayList<>();
    List<Found> runnable = new ArrayList<>();
    for (Found f : all) {
      Optional<Skip> skip = SKIPS.stream().filter(s -> s.applies().test(f)).findFirst();
      if (skip.isPresent()) report.add("skipped  " + f.where() + ": " + f.command() + " — " + skip.get().reason());
      else runnable.add(f);
    }
    // A skip list that swallowed most of the pages would make this test pass vacuously.
    assertTrue(runnable.size() * 4 >= all.size() * 3, "the skip list covers too much: " + runnable.size() + " of " + all.size() + " run");

    List<Run> runs = new ArrayList<>();
    for (Run r : plan(runnable)) {
      String it = ALL || !heavy(r.args()) ? null : ELSEWHERE.get(group(r.args()));
      if (it == null) {
        runs.add(r);
        continue;
      }
      Path source = ROOT.resolve("src/test/java/org/sidis/" + it + ".java");
      String name = r.args().get(1);
      assertTrue(Files.isRegularFile(source) && Files.readString(source, StandardCharsets.UTF_8).contains(name),
          it + " is named as running [" + group(r.args()) + "] but " + source + " does not exist or never names [" + name + "]");
      report.add("elsewhere " + group(r.args()) + " is run by " + it + " (for "
          + String.join(", ", r.documented().stream().map(Found::where).toList()) + ")");
    }
    Instant t0 = Instant.now();
    List<String> failures = new ArrayList<>();
    // Phase 1: commands that make what later ones read (tls keys), and the cheap ones.
    // Phase 2: demos, benchmarks, nodes, several at once. Phase 3: inspect, on the demo causal run.
    List<Run> first = runs.stream().filter(r -> phase(r) == 1).toList();
    List<Run> second = runs.stream().filter(r -> phase(r) == 2).toList();
    List<Run> third = runs.stream().filter(r -> phase(r) == 3).toList();
    Map<Run, Ran> results = new LinkedHashMap<>();
    for (Run r : first) results.put(r, run(r));
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      Map<Run, Future<Ran>> pending = new LinkedHashMap<>();
      for (Run r : second) pending.put(r, pool.submit(() -> run(r)));
      for (Map.Entry<Run, Future<Ran>> e : pending.entrySet()) results.put(e.getKey(), e.getValue().get());
    } finally {
      pool.shutdownNow();
    }
    String causalRun = second.stream().filter(r -> r.args().size() >= 2 && r.args().get(0).equals("demo") && r.args().get(1).equals("causal"))
        .map(results::get).map(ran -> VERDICT_DIR.matcher(ran.stdout())).filter(Matcher::find).map(m -> m.group(1)).findFirst()
        .orElse(null);
    for (Run r : third) {
      if (causalRun == null) {
        failures.add(r.line() + ": no demo causal run to inspect (that demo failed, above)");
        continue;
      }
      List<String> args = r.args().stream().map(a -> EXAMPLE_RUN.matcher(a.replace("RUN_DIR", causalRun)).replaceAll(causalRun)).toList();
      Run real = new Run(r.documented(), args, r.expectedExit(), r.mustPrint(), r.untilReady());
      results.put(real, run(real));
    }
    Duration total = Duration.between(t0, Instant.now());

    for (Map.Entry<Run, Ran> e : results.entrySet()) {
      Run r = e.getKey();
      Ran ran = e.getValue();
      String verdict = judge(r, ran);
      report.add(String.format("%-7s %5.1f s  %s   (for %s)", verdict == null ? "ran" : "FAILED", ran.took().toMillis() / 1000.0,
          r.line(), String.join(", ", r.documented().stream().map(Found::where).toList())));
      if (verdict != null) {
        failures.add(r.line() + " (documented at " + r.documented().get(0).where() + "): " + verdict
            + "\n--- stdout (last lines)\n" + tail(ran.stdout()) + "\n--- stderr (last lines)\n" + tail(ran.stderr()));
      }
    }
    System.out.println("DocsCommandsIT: " + all.size() + " documented commands, " + results.size() + " runs, "
        + PARALLEL + " at once, " + total.toSeconds() + " s\n  " + String.join("\n  ", report));
    assertTrue(failures.isEmpty(), failures.size() + " documented command(s) failed in their quick form:\n\n"
        + String.join("\n\n", failures));
  }

  /** Negative control: a command that fails, run and judged the same way, is reported as failed. */
  @Test
  void aFailingCommandIsCaught() throws Exception {
    Found f = new Found("x.md:1", "bin/sidis demo causl", List.of("demo", "causl"));
    Run r = plan(List.of(f)).get(0);
    Ran ran = run(r);
    String verdict = judge(r, ran);
    assertTrue(verdict != null && verdict.contains("exit 2"), "a misspelt demo must fail with exit 2: " + verdict + "\n" + ran);
    Found bare = new Found("x.md:2", "bin/sidis", List.of());
    Run bareRun = plan(List.of(bare)).get(0);
    assertEquals(2, bareRun.expectedExit());
    assertEquals(null, judge(bareRun, run(bareRun)), "bare bin/sidis exits 2, as documented");
  }

  // ---- the quick form and the groups -----------------------------------------------------------

  /** The runs for these documented commands: each in its quick form, identical forms once, heavy groups once. */
  static List<Run> plan(List<Found> documented) {
    Map<String, List<Found>> byGroup = new LinkedHashMap<>();
    Map<String, List<String>> quickOf = new LinkedHashMap<>();
    for (Found f : documented) {
      List<String> quick = quick(f.args());
      String key = heavy(quick) ? group(quick) : String.join("\u0000", quick);
      byGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      // The group's member with the most words stands for it: the most options exercised.
      quickOf.merge(key, quick, (a, b) -> b.size() > a.size() ? b : a);
    }
    List<Run> runs = new ArrayList<>();
    for (Map.Entry<String, List<Found>> e : byGroup.entrySet()) {
      List<String> args = quickOf.get(e.getKey());
      runs.add(new Run(e.getValue(), args, args.isEmpty() ? ExitCodes.USAGE : ExitCodes.OK, mustPrint(args),
          !args.isEmpty() && args.get(0).equals("node")));
    }
    return runs;
  }

  /** Demos, benchmarks, simulations and nodes start JVMs or compute for seconds: one run per demo, workload, simulation, or for all nodes. */
  private static boolean heavy(List<String> args) {
    return !args.isEmpty() && List.of("demo", "bench", "sim", "node").contains(args.get(0)) && !args.contains("--help");
  }

  private static String group(List<String> args) {
    return args.get(0).equals("node") ? "node" : args.get(0) + " " + (args.size() > 1 ? args.get(1) : "");
  }

  private static int phase(Run r) {
    if (r.args().isEmpty()) return 1;
    if (r.args().get(0).equals("inspect")) return 3;
    return heavy(r.args()) ? 2 : 1;
  }

  /** The quick form of a documented command's words (the rule is in the class comment). */
  static List<String> quick(List<String> documented) {
    List<String> args = new ArrayList<>();
    for (String a : documented) args.add(a.startsWith("/tmp/") ? a.substring(1) : a);
    if (args.isEmpty()) return args;
    switch (args.get(0)) {
      case "demo" -> {
        String name = args.size() > 1 ? args.get(1) : "";
        switch (name) {
          case "tiers" -> {
            set(args, "--requests", "16");
            set(args, "--reply-size", "1KiB");
          }
          case "migration" -> {
            set(args, "--moves", "1");
            String state = value(args, "--state").orElse("64MiB");
            if (!List.of("1MiB", "2MiB", "4MiB").contains(state)) set(args, "--state", "4MiB");
          }
          case "placement" -> {
            String state = value(args, "--state").orElse("8MiB");
            if (!List.of("1MiB", "2MiB", "4MiB").contains(state)) set(args, "--state", "4MiB");
          }
          case "stream" -> set(args, "--seconds", "3");
          default -> {
            if (!args.contains("--help")) set(args, "--messages", "100");
          }
        }
      }
      case "bench" -> {
        String workload = args.size() > 1 ? args.get(1) : "";
        if (workload.equals("stream") || workload.equals("all")) {
          if (!args.contains("--quick")) args.add("--quick");
        } else if (!args.contains("--help")) {
          String name = workload.equals("multicast")
              ? (value(args, "--order").orElse("causal").equals("total") ? "multicast-total" : "multicast-causal") : workload;
          BenchAllCommand.workloads(false).stream().filter(w -> w.name().equals(name)).findFirst().ifPresent(w -> {
            List<String> q = w.quick();
            for (int i = 1; i < q.size(); i++) {
              if (q.get(i).startsWith("--") && i + 1 < q.size() && !q.get(i + 1).startsWith("--")) {
                String option = q.get(i);
                String value = q.get(++i);
                // The order is what the page measures, not a size: a documented --order fifo stays
                // fifo (bench all's quick forms are causal and total), and with it the JGroups peer.
                if (!(option.equals("--order") && args.contains("--order"))) set(args, option, value);
              }
            }
          });
          if (workload.equals("multicast")) {
            set(args, "--warmup", "5");
            // At most 3 members: a 5-member tree overlay on CI's loaded 2 cores left one member
            // with no delivery in the 2 s window after 5 s of warm-up ({n2=0}; docs/benchmarks.md).
            // A scaling list (--nodes 3,5,7, --size 100,1024,65536) runs its first cell only.
            int nodes = value(args, "--nodes").map(v -> Integer.parseInt(v.split(",")[0])).orElse(3);
            if (nodes > 3 || value(args, "--nodes").orElse("").contains(",")) set(args, "--nodes", String.valueOf(Math.min(nodes, 3)));
            value(args, "--size").filter(v -> v.contains(",")).ifPresent(v -> set(args, "--size", v.split(",")[0]));
          }
        }
      }
      case "node" -> {
        if (value(args, "--port").isPresent()) set(args, "--port", "0");
        int seeds = args.indexOf("--seeds");
        if (seeds >= 0) {
          args.remove(seeds + 1);
          args.remove(seeds);
        }
      }
      default -> { }
    }
    return args;
  }

  private static Optional<String> value(List<String> args, String option) {
    int i = args.indexOf(option);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }

  /** Sets an option's value, replacing the documented one or adding it. */
  private static void set(List<String> args, String option, String value) {
    int i = args.indexOf(option);
    if (i >= 0 && i + 1 < args.size()) args.set(i + 1, value);
    else {
      args.add(option);
      args.add(value);
    }
  }

  private static Optional<Pattern> mustPrint(List<String> args) {
    if (args.isEmpty() || args.contains("--help")) return Optional.empty();
    return switch (args.get(0)) {
      case "demo" -> Optional.of(Pattern.compile("(?m)^verdict: PASSED"));
      case "inspect" -> Optional.of(Pattern.compile("(?m)^PASSED: "));
      case "tls" -> Optional.of(Pattern.compile("(?m)^tls: \\d+ node key\\(s\\) made"));
      case "node" -> Optional.of(Pattern.compile("formed a new cluster at "));
      default -> Optional.empty();
    };
  }

  /** Null when the run did what its page promises, else what went wrong. */
  static String judge(Run r, Ran ran) {
    // A node stopped by SIGTERM leaves the cluster and its JVM ends as a signalled one does: 128 + 15.
    boolean stopped = r.untilReady() && ran.exitCode() == 128 + 15;
    if (ran.exitCode() != r.expectedExit() && !stopped) return "exit " + ran.exitCode() + ", expected " + r.expectedExit();
    if (r.mustPrint().isPresent() && !r.mustPrint().get().matcher(ran.stdout()).find()) {
      return "exit " + ran.exitCode() + " but no line matching [" + r.mustPrint().get() + "] on stdout";
    }
    if (r.expectedExit() == ExitCodes.OK && ran.stdout().isBlank()) return "exit 0 but printed nothing";
    return null;
  }

  // ---- running -----------------------------------------------------------------------------------

  /** How long one quick form may take on a loaded machine; a demo's own timeout is 180 s. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private Ran run(Run r) throws IOException, InterruptedException {
    Path out = Files.createTempFile("docs-it", ".out");
    Path err = Files.createTempFile("docs-it", ".err");
    List<String> command = new ArrayList<>(List.of("bin/sidis"));
    command.addAll(r.args());
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    // The launcher runs the java on the PATH; give it this JVM's, so the test uses the JDK it runs on.
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    Instant t0 = Instant.now();
    Process p = pb.start();
    // Closed stdin: --keep-running stops after its verdict, as documented (stdin closes).
    p.getOutputStream().close();
    try {
      Instant deadline = t0.plus(TIMEOUT);
      if (r.untilReady()) {
        Pattern ready = r.mustPrint().orElseThrow();
        while (p.isAlive() && Instant.now().isBefore(deadline) && !ready.matcher(Files.readString(out, StandardCharsets.UTF_8)).find()) {
          Thread.sleep(200);
        }
        if (p.isAlive()) p.destroy(); // SIGTERM: the node leaves the cluster and exits 0
      }
      if (!p.waitFor(Math.max(1, Duration.between(Instant.now(), deadline).toSeconds()), TimeUnit.SECONDS)) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return new Ran(-1, Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8) + "\n(did not finish within " + TIMEOUT.toSeconds() + " s)", Duration.between(t0, Instant.now()));
      }
      return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
          Duration.between(t0, Instant.now()));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
  }
}
