package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command the README and {@code docs/*.md} write as {@code java -jar target/sidis-bench.jar …}
 * (the list {@link DocsPages} extracts; DocsCommandsIT only parses these, as target/sidis.jar has
 * no peers) run from the benchmark jar in its quick form — {@link DocsCommandsIT#quick}, the same
 * short windows and one round — and each must print its peer beside sidis: a result row of
 * JGroups ({@code jgroups-fifo} for FIFO and causal order, {@code jgroups-sequencer} for total
 * order), gRPC-Java or ActiveMQ Artemis, and a row of sidis. A documented command with no known
 * peer fails here, so none is left unrun.
 *
 * <p>Profile {@code bench-peers} only (src/bench-peers/test), after {@code package} has made
 * target/sidis-bench.jar. CI runs {@code bench all --quick} from that jar just before; given its
 * output directory ({@code -Dsidis.benchall.dir=DIR}), a documented command whose quick form is
 * literally a workload bench all ran (the same words, in any order) is not run twice: that
 * workload's kept output and JSON are judged instead, and they must be newer than the jar. Without
 * the property every command runs here. Commands whose quick forms fall in one group (a workload,
 * and for multicast its order, which picks the peer) run once, the member with the most words, as
 * in DocsCommandsIT. No speed is asserted.
 */
class BenchJarDocsIT {

  private static final Path ROOT = DocsPages.root();
  private static final Path JAR = ROOT.resolve("target/sidis-bench.jar");
  private static final String PROGRAM = "java -jar target/sidis-bench.jar";

  /** One quick form may take this long on a loaded machine (bench all gives each workload 6 min). */
  private static final Duration TIMEOUT = Duration.ofMinutes(6);

  @TempDir
  Path work;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // each child has its own 6-min bound; this is the backstop for all of them
  void everyBenchJarCommandOfTheDocsRunsInItsQuickFormAndPrintsItsPeerBesideSidis() throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR + " is missing: this test runs after 'mvn -Pbench-peers package'");
    List<Found> documented = new ArrayList<>();
    for (Page page : DocsPages.pages()) {
      DocsPages.commands(page).stream().filter(f -> f.command().startsWith(PROGRAM)).forEach(documented::add);
    }
    // The pages give the benchmark jar's command for each peer; an extractor finding none would pass vacuously.
    assertTrue(documented.size() >= 4, "expected at least 4 documented benchmark-jar commands, found " + documented);

    Path benchAll = Optional.ofNullable(System.getProperty("sidis.benchall.dir")).filter(s -> !s.isBlank())
        .map(s -> ROOT.resolve(s)).orElse(null);
    List<String> report = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, List<Found>> group : groups(documented).entrySet()) {
      List<Found> members = group.getValue();
      List<String> quick = members.stream().map(f -> DocsCommandsIT.quick(f.args())).reduce((a, b) -> b.size() > a.size() ? b : a).orElseThrow();
      String where = String.join(", ", members.stream().map(Found::where).toList());
      String peer = peerOf(quick);
      if (peer == null) {
        failures.add(PROGRAM + " " + String.join(" ", quick) + " (" + where + "): no peer known for this command; "
            + "the benchmark jar's commands in the docs are the peers' benches (bench multicast --peers, bench rpc, bench queue)");
        continue;
      }
      Optional<String> ranByBenchAll = benchAll == null ? Optional.empty() : benchAllWorkload(quick);
      String verdict;
      if (ranByBenchAll.isPresent()) {
        verdict = judgeBenchAll(benchAll, ranByBenchAll.get(), peer);
        report.add(String.format("%-7s bench all --quick's %s (%s) for %s", verdict == null ? "ran" : "FAILED",
            ranByBenchAll.get(), String.join(" ", quick), where));
      } else {
        Instant t0 = Instant.now();
        // As bench all does: one short window on a loaded machine can stall once; said, and run once more.
        Ran ran = BenchAllCommand.twice(() -> run(quick), r -> judge(r.exitCode(), r.stdout(), peer) == null, first -> {
          String why = judge(first.exitCode(), first.stdout(), peer);
          report.add(String.format("failed once (%s), running it again: %s %s", why, PROGRAM, String.join(" ", quick)));
          System.out.println("BenchJarDocsIT: first run failed (" + why + "); last stdout lines:\n" + tail(first.stdout()));
        });
        verdict = judge(ran.exitCode(), ran.stdout(), peer);
        if (verdict != null) verdict += "\n--- stdout (last lines)\n" + tail(ran.stdout()) + "\n--- stderr (last lines)\n" + tail(ran.stderr());
        report.add(String.format("%-7s %5.1f s  %s %s   (for %s)", verdict == null ? "ran" : "FAILED",
            Duration.between(t0, Instant.now()).toMillis() / 1000.0, PROGRAM, String.join(" ", quick), where));
      }
      if (verdict != null) failures.add(PROGRAM + " " + String.join(" ", quick) + " (" + where + "): " + verdict);
    }
    System.out.println("BenchJarDocsIT: " + documented.size() + " documented benchmark-jar commands"
        + (benchAll == null ? "" : ", bench all --quick's output in " + benchAll) + "\n  " + String.join("\n  ", report));
    assertTrue(failures.isEmpty(), failures.size() + " documented benchmark-jar command(s) failed in their quick form:\n\n"
        + String.join("\n\n", failures));
  }

  /** Negative controls: a missing peer row, a missing sidis row, a failed exit, and a form bench all did not run are all caught. */
  @Test
  void aRunWithoutItsPeerOrSidisOrThatFailedIsCaughtAndOnlyLiteralFormsAreBenchAlls() {
    String both = """
        system                             median
        jgroups-fifo (baseline)            12,000
        sidis-fifo                         10,000
        """;
    assertNull(judge(0, both, "jgroups-fifo"));
    assertNotNull(judge(0, both, "jgroups-sequencer"), "the other peer's row is not this peer's");
    assertNotNull(judge(0, "sidis-fifo   10,000\n  jgroups-fifo: 3 member JVMs\n", "jgroups-fifo"), "a peer named only in passing is no row");
    assertNotNull(judge(0, "jgroups-fifo (baseline)   12,000\n", "jgroups-fifo"), "no sidis row");
    assertNotNull(judge(1, both, "jgroups-fifo"), "exit 1");

    List<String> total = DocsCommandsIT.quick(List.of("bench", "multicast", "--order", "total", "--peers"));
    assertEquals(Optional.of("multicast-total"), benchAllWorkload(total), "the documented total-order command is bench all's: " + total);
    List<String> fifo = DocsCommandsIT.quick(List.of("bench", "multicast", "--order", "fifo", "--peers"));
    assertEquals(Optional.of("fifo"), value(fifo, "--order"), "the quick form keeps the documented order (so its peer): " + fifo);
    assertEquals(Optional.empty(), benchAllWorkload(fifo), "bench all runs causal order, not FIFO: " + fifo);
    List<String> persistent = DocsCommandsIT.quick(List.of("bench", "queue", "--persistent", "--size", "1024"));
    assertEquals(Optional.empty(), benchAllWorkload(persistent), "bench all's queue is not --persistent --size 1024: " + persistent);
    assertEquals("jgroups-fifo", peerOf(List.of("bench", "multicast", "--order", "causal", "--peers")));
    assertNull(peerOf(List.of("bench", "multicast", "--order", "total")), "without --peers no JGroups runs");
    assertNull(peerOf(List.of("bench", "log")), "bench log has no peer");
  }

  // ---- which commands, which peer ---------------------------------------------------------------

  /** The documented commands by group: the workload, and for multicast its order (fifo and causal share JGroups FIFO). */
  static Map<String, List<Found>> groups(List<Found> documented) {
    Map<String, List<Found>> groups = new LinkedHashMap<>();
    for (Found f : documented) {
      List<String> a = f.args();
      String key = a.size() > 1 && a.get(0).equals("bench")
          ? a.get(1) + (a.get(1).equals("multicast") ? " " + value(a, "--order").orElse("causal") : "")
          : String.join(" ", a);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
    }
    return groups;
  }

  /** The peer a benchmark-jar command must print beside sidis (its system name's start), or null if it has none. */
  static String peerOf(List<String> args) {
    if (args.size() < 2 || !args.get(0).equals("bench") || args.contains("--help")) return null;
    return switch (args.get(1)) {
      case "multicast" -> !args.contains("--peers") ? null
          : value(args, "--order").orElse("causal").equals("total") ? "jgroups-sequencer" : "jgroups-fifo";
      case "rpc" -> "grpc-java-";
      case "queue" -> args.contains("--transient") ? null : "activemq-artemis-";
      default -> null;
    };
  }

  /** The bench all workload whose quick form (with the peers the benchmark jar has) is exactly these words, in any order. */
  static Optional<String> benchAllWorkload(List<String> quick) {
    return BenchAllCommand.workloads(true).stream()
        .filter(w -> quick.size() == w.quick().size() + 1 && quick.get(0).equals("bench") && options(quick.subList(1, quick.size())).equals(options(w.quick())))
        .map(BenchAllCommand.Workload::name).findFirst();
  }

  /** A subcommand's words as its name plus option → value (a flag's value is empty), so the options' order does not matter. */
  private static Map<String, String> options(List<String> words) {
    Map<String, String> m = new java.util.TreeMap<>();
    m.put("", words.get(0));
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      boolean hasValue = i + 1 < words.size() && !words.get(i + 1).startsWith("--");
      m.put(w, hasValue ? words.get(++i) : "");
    }
    return m;
  }

  private static Optional<String> value(List<String> args, String option) {
    int i = args.indexOf(option);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }

  // ---- judging -----------------------------------------------------------------------------------

  /** Null when the command exited 0 and printed a result row of the peer and one of sidis, else what is wrong. */
  static String judge(int exitCode, String stdout, String peer) {
    if (exitCode != 0) return "exit " + exitCode + ", expected 0";
    // A result row starts with the system's name (a peer's marked "(baseline)") and carries a number.
    Pattern peerRow = Pattern.compile("(?m)^" + Pattern.quote(peer) + "\\S*( \\(baseline\\))?\\s+\\S*\\d");
    Pattern sidisRow = Pattern.compile("(?m)^sidis\\S*( \\(baseline\\))?\\s+\\S*\\d");
    if (!peerRow.matcher(stdout).find()) return "no result row of the peer " + peer + "… on stdout";
    if (!sidisRow.matcher(stdout).find()) return "no result row of sidis beside the peer " + peer + "… on stdout";
    return null;
  }

  /** bench all --quick's run of this workload: newer than the jar, its output judged as a run here would be, its JSON with both systems' rows. */
  private static String judgeBenchAll(Path dir, String workload, String peer) throws IOException {
    Path json = dir.resolve(workload + ".json");
    Path txt = dir.resolve(workload + ".txt");
    if (!Files.isRegularFile(json) || !Files.isRegularFile(txt)) {
      return "bench all --quick in " + dir + " left no " + json.getFileName() + " and " + txt.getFileName() + " (did it run, and pass?)";
    }
    if (Files.getLastModifiedTime(json).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
      return json + " is older than " + JAR + ": it is not this build's run";
    }
    String output = Files.readString(txt, StandardCharsets.UTF_8);
    String verdict = judge(0, output, peer);
    if (verdict != null) return verdict + " (in " + txt + ")\n" + tail(output);
    JsonNode doc = BenchJson.MAPPER.readTree(json.toFile());
    List<String> systems = new ArrayList<>();
    doc.path("rows").forEach(r -> systems.add(r.path("system").asText()));
    if (systems.stream().noneMatch(s -> s.startsWith(peer)) || systems.stream().noneMatch(s -> s.startsWith("sidis"))) {
      return json + " lacks a row of " + peer + "… or of sidis; its systems: " + systems.stream().distinct().toList();
    }
    return null;
  }

  // ---- running -----------------------------------------------------------------------------------

  record Ran(int exitCode, String stdout, String stderr) {}

  /** Runs {@code java -jar target/sidis-bench.jar ARGS} in a scratch directory (its runs/ lands there), with this JVM's java. */
  private Ran run(List<String> args) throws IOException, InterruptedException {
    Path out = work.resolve("out.txt");
    Path err = work.resolve("err.txt");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      return new Ran(-1, Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8) + "\n(did not finish within " + TIMEOUT.toSeconds() + " s)");
    }
    return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
  }
}
