package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A paused process — a long GC pause, SIGSTOP — must never make a multicast group deliver out
 * of order or bar the paused member from its group (review F2, issue 17). The reviewer's
 * scenario, shortened for CI: the causal chat on three JVMs, n3 stopped with SIGSTOP while the
 * workload runs, for at least 7 s and until it is marked unreachable (too short for the Split
 * Brain Resolver to down it), then continued with SIGCONT. Every node must finish, with causal order
 * and agreement held at all three and no member refused as "came back". On the code before the
 * fix, n1 and n2 refused n3 (and under load each other) as "came back after leaving the view",
 * and the run never completed.
 */
class MulticastPauseIT {

  private static final Pattern MULTICAST = Pattern.compile("multicast (\\d+)/(\\d+)");

  @Test
  void aMemberPausedUntilUnreachableStaysInTheGroupAndCausalOrderHolds() throws Exception {
    Path jar = Path.of("target", "sidis.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("run 'mvn package' first: " + jar + " is missing");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(),
        "demo", "causal", "--nodes", "3", "--messages", "6000", "--runs-dir", "target/it-runs", "--timeout", "75s",
        // A steadier pace than the default, so the pause falls well inside the workload.
        "--set", "sidis.demo.chat.interval=4ms",
        // The reviewer's failure detector (Akka's default, 3 s), so a 7 s pause does make n3
        // unreachable; the resolver's stable-after (conf/causal.conf) outlasts it, so n3 is not downed.
        "--set", "akka.cluster.failure-detector.acceptable-heartbeat-pause=3s"));
    Path out = Files.createTempFile("sidis-pause-it", ".out");
    Process demo = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      // Wait until a fifth of the messages are multicast, then pause n3's JVM.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (multicastSoFar(out) < 1200) {
        assertTrue(demo.isAlive(), "the demo ended before the pause:\n" + Files.readString(out));
        // A bounded wait, not a speed check: past the deadline the test gives up saying what it saw.
        if (System.nanoTime() >= deadline) fail("the workload did not get going within 120 s:\n" + Files.readString(out));
        Thread.sleep(100);
      }
      ProcessHandle n3 = node(demo, "n3").orElseThrow(() -> new AssertionError("no JVM for n3 under the demo"));
      Path runDir = runDirOf(Files.readString(out, StandardCharsets.UTF_8));
      signal("STOP", n3.pid());
      // The scenario must happen, else this test proves nothing: n3 stays stopped at least 7 s and
      // until n1 or n2 marks it unreachable. The phi-accrual detector widens with the heartbeat
      // jitter it has seen, so on a loaded machine 7 s may not be enough (a CI run saw no mark).
      // Continued soon after the mark, n3 stays well inside the resolver's stable-after (10 s).
      long pausedAt = System.nanoTime();
      boolean marked = false;
      while (true) {
        long held = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt);
        marked = marked || unreachableMarked(runDir);
        if (held >= 7_000 && marked) break;
        if (held >= 25_000) break; // bounded: past 25 s the test gives up below, saying so
        Thread.sleep(100);
      }
      long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt);
      signal("CONT", n3.pid());
      assertTrue(marked, "n3 was stopped for " + heldMs + " ms and neither n1 nor n2 marked it unreachable: the pause did not bite\n"
          + Files.readString(out));

      assertTrue(demo.waitFor(150, TimeUnit.SECONDS), "the demo did not finish within 150 s:\n" + Files.readString(out));
      String output = Files.readString(out, StandardCharsets.UTF_8);
      StringBuilder refused = new StringBuilder();
      for (String node : new String[] {"n1", "n2", "n3"}) {
        Path log = runDir.resolve("logs").resolve(node + ".log");
        if (!Files.exists(log)) continue;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.contains("came back after leaving the view")) refused.append(node).append(": ").append(line).append('\n');
        }
      }
      assertEquals("", refused.toString(), "a paused member was barred from its group:\n" + output);
      assertTrue(output.contains("causal order: held at 3/3 nodes — 6000 messages, 0 violations"), output);
      assertTrue(output.contains("agreement: held at 3/3 nodes — 6000 messages, 0 violations"), output);
      assertEquals(0, demo.exitValue(), output);
      assertFalse(output.contains("problem:"), output);
    } finally {
      // Never leave a stopped JVM behind, whatever failed above.
      node(demo, "n3").ifPresent(h -> signalQuietly("CONT", h.pid()));
      if (demo.isAlive()) {
        demo.destroy();
        if (!demo.waitFor(30, TimeUnit.SECONDS)) demo.destroyForcibly();
      }
      Files.deleteIfExists(out);
    }
  }

  private static long multicastSoFar(Path out) throws IOException {
    Matcher m = MULTICAST.matcher(Files.readString(out, StandardCharsets.UTF_8));
    long last = 0;
    while (m.find()) last = Long.parseLong(m.group(1));
    return last;
  }

  private static Optional<ProcessHandle> node(Process demo, String name) {
    return demo.descendants()
        .filter(h -> h.info().commandLine().map(c -> c.contains("-Dsidis.node.name=" + name + " ")).orElse(false))
        .findFirst();
  }

  private static void signal(String sig, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + sig + " " + pid + " hung");
    assertEquals(0, kill.exitValue(), "kill -" + sig + " " + pid);
  }

  private static void signalQuietly(String sig, long pid) {
    try {
      new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // best effort in cleanup
    }
  }

  /** Whether n1 or n2 logged that it marked a node unreachable (only n3 is paused). */
  private static boolean unreachableMarked(Path runDir) throws IOException {
    for (String node : new String[] {"n1", "n2"}) {
      Path log = runDir.resolve("logs").resolve(node + ".log");
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Marking node as UNREACHABLE")) return true;
    }
    return false;
  }

  private static Path runDirOf(String output) {
    Matcher m = Pattern.compile("run directory (\\S+)").matcher(output);
    if (!m.find()) throw new AssertionError("no run directory in:\n" + output);
    return Path.of(m.group(1));
  }
}
