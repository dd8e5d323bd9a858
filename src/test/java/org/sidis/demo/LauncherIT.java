package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher leaves no JVM behind: not on Ctrl-C, not when one of its nodes dies. */
class LauncherIT {

  /** A demo that would run for minutes, followed line by line. */
  private static final class LongDemo implements AutoCloseable {
    final Process launcher;
    final StringBuilder output = new StringBuilder();
    final BufferedReader lines;

    LongDemo() throws Exception {
      launcher = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
          Path.of("target", "sidis.jar").toString(), "demo", "causal", "--nodes", "3", "--messages", "2000000",
          "--runs-dir", "target/it-runs").redirectErrorStream(true).start();
      lines = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
    }

    void readUntil(String text, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      String line;
      while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (line.contains(text)) return;
      }
      throw new AssertionError("never saw [" + text + "]:\n" + output);
    }

    String rest() throws Exception {
      String line;
      while ((line = lines.readLine()) != null) output.append(line).append('\n');
      return output.toString();
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

  @Test
  void ctrlCStopsEveryNodeItStarted() throws Exception {
    try (LongDemo demo = new LongDemo()) {
      demo.readUntil("workload started at 3/3", Duration.ofSeconds(90));
      List<ProcessHandle> nodes = demo.nodes();
      assertEquals(3, nodes.size(), demo.output.toString());
      new ProcessBuilder("kill", "-INT", String.valueOf(demo.launcher.pid())).start().waitFor();
      assertTrue(demo.launcher.waitFor(60, TimeUnit.SECONDS), "launcher still running after Ctrl-C");
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
