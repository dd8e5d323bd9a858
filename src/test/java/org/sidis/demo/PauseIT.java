package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --nemesis pause} on loopback hosts: a node's JVM is really stopped (SIGSTOP: state T in
 * /proc) and continued, and the pause is one line of faults.ndjson with its start and end.
 */
class PauseIT {

  @Test
  void aPausedNodeIsStoppedThenContinuedAndThePauseIsRecorded() throws Exception {
    Path runs = Path.of("target", "nemesis-runs", "pause-loopback");
    Files.createDirectories(runs);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", "target/sidis.jar",
        "demo", "causal", "--nodes", "3", "--messages", "900", "--set", "sidis.demo.chat.interval=30ms",
        "--nemesis", "pause", "--nemesis-every", "2s", "--nemesis-for", "3s", "--nemesis-count", "1",
        "--timeout", "90s", "--runs-dir", runs.toString())
        .redirectErrorStream(true).redirectOutput(runs.resolve("console.txt").toFile()).start();
    Set<Long> stopped = ConcurrentHashMap.newKeySet();
    try {
      while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(d -> {
          if (state(d.pid()) == 'T') stopped.add(d.pid());
        });
      }
      assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the demo did not end");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(runs.resolve("console.txt"));
    Path run;
    try (var dirs = Files.list(runs)) {
      run = dirs.filter(Files::isDirectory).findFirst().orElseThrow(() -> new AssertionError("no run directory:\n" + out));
    }
    List<String> lines = Files.readAllLines(run.resolve("faults.ndjson"));
    assertEquals(1, lines.size(), "one fault (--nemesis-count 1): " + lines + "\n" + out);
    JsonNode fault = new ObjectMapper().readTree(lines.get(0));
    assertEquals("pause", fault.path("kind").asText(), lines.get(0));
    long held = fault.path("end_ts").asLong() - fault.path("start_ts").asLong();
    assertTrue(held >= 3_000_000L, "paused for --nemesis-for 3s, got " + held + " µs: " + lines.get(0));
    assertEquals(1, stopped.size(), "exactly one node JVM was seen stopped (state T): " + stopped + "\n" + out);
    assertTrue(out.contains("nemesis: pause " + fault.path("nodes").get(0).asText() + " (SIGSTOP)"), out);
  }

  /** The state letter of process {@code pid} in /proc/PID/stat (R, S, T, Z, ...), or '?' when it is gone. */
  private static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (Exception e) {
      return '?';
    }
  }
}
