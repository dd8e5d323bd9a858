package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.sidis.node.TimedLines;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher leaves no JVM behind: not on Ctrl-C, not when one of its nodes dies. */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // a 3-JVM demo started, interrupted or killed, and waited out
class LauncherIT {

  /** A demo that would run for minutes, followed line by line. */
  private static final class LongDemo implements AutoCloseable {
    final Process launcher;
    final TimedLines lines;

    LongDemo() throws Exception {
      // Through env --default-signal=INT: a shell that starts a job in the background without job control
      // (CI's harness, `mvn verify &`) leaves SIGINT ignored in it, and a JVM started with SIGINT ignored keeps
      // it ignored, so kill -INT would not reach the launcher at all. A user's terminal delivers Ctrl-C to a
      // launcher whose SIGINT is at its default; this puts it back there.
      launcher = new ProcessBuilder("env", "--default-signal=INT",
          ProcessHandle.current().info().command().orElse("java"), "-jar",
          Path.of("target", "sidis.jar").toString(), "demo", "causal", "--nodes", "3", "--messages", "2000000",
          "--runs-dir", "target/it-runs").redirectErrorStream(true).start();
      // Read with a timeout: a launcher that goes silent must fail the test, not block it.
      lines = new TimedLines(launcher.getInputStream(), "launcher");
    }

    void readUntil(String text, Duration timeout) {
      lines.until(text, timeout);
    }

    /** What it printed to the end (it has exited: the stream ends soon). */
    String rest() {
      return lines.rest(Duration.ofSeconds(60));
    }

    List<ProcessHandle> nodes() {
      return launcher.toHandle().descendants().filter(p -> p.info().commandLine().orElse("").contains(" node "))
          .collect(Collectors.toList());
    }

    @Override
    public void close() {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
  }

  private static void assertAllGone(List<ProcessHandle> nodes, String output) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    while (System.nanoTime() < deadline && nodes.stream().anyMatch(ProcessHandle::isAlive)) Thread.sleep(200);
    assertTrue(nodes.stream().noneMatch(ProcessHandle::isAlive), "orphaned node JVMs: "
        + nodes.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + "").collect(Collectors.joining(", ")) + "\n" + output);
  }

  /** The launcher's ignored-signal mask, from /proc (bit 1 is SIGINT), so a failure says whether it could hear Ctrl-C. */
  private static String ignoredSignals(long pid) {
    try {
      return java.nio.file.Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
          .filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: unknown");
    } catch (java.io.IOException e) {
      return "SigIgn: unreadable (" + e.getMessage() + ")";
    }
  }

  @Test
  void ctrlCStopsEveryNodeItStarted() throws Exception {
    try (LongDemo demo = new LongDemo()) {
      demo.readUntil("workload started at 3/3", Duration.ofSeconds(90));
      List<ProcessHandle> nodes = demo.nodes();
      assertEquals(3, nodes.size(), demo.lines.seen());
      new ProcessBuilder("kill", "-INT", String.valueOf(demo.launcher.pid())).start().waitFor();
      assertTrue(demo.launcher.waitFor(60, TimeUnit.SECONDS), "launcher still running after Ctrl-C; its "
          + ignoredSignals(demo.launcher.pid()) + "\n" + demo.lines.seen());
      assertAllGone(nodes, demo.rest());
    }
  }

  @Test
  void aNodeThatDiesStopsTheRunAndTheVerdictNamesIt() throws Exception {
    try (LongDemo demo = new LongDemo()) {
      demo.readUntil("workload started at 3/3", Duration.ofSeconds(90));
      List<ProcessHandle> nodes = demo.nodes();
      ProcessHandle n2 = nodes.stream().filter(p -> p.info().commandLine().orElse("").contains("--name n2")).findFirst()
          .orElseThrow(() -> new AssertionError("no n2 among " + nodes));
      n2.destroyForcibly(); // SIGKILL: no stop line in its trace
      assertTrue(demo.launcher.waitFor(90, TimeUnit.SECONDS), "launcher did not finish after n2 died");
      String out = demo.rest();
      assertAllGone(nodes, out);
      assertEquals(1, demo.launcher.exitValue(), out);
      assertTrue(out.contains("problem: node n2 exited with code"), out);
      assertTrue(out.contains("crashed nodes (no stop event): n2"), out);
      assertTrue(out.contains("verdict: FAILED"), out);
    }
  }
}
