package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The causal kill row of the fault matrix on real JVMs (issue 17): {@code --nemesis kill}
 * SIGKILLs a node and the launcher starts it again under its name. Its second incarnation is a
 * new member of the group ({@code n1~<inc>}), not a name coming back: nobody refuses it, its
 * message ids never collide with the first incarnation's, and the checkers pass — the first
 * incarnation judged as crashed, the second owed what was addressed to it. Before the fix the
 * restarted node was refused ("came back after leaving the view") and its second incarnation
 * re-used n1:1, n1:2, … (79 duplicates in the fault matrix).
 */
class MulticastKillIT {

  @Test
  void aNodeKilledAndRestartedUnderItsNameIsANewMemberAndTheCausalRunPasses() throws Exception {
    Path runs = Path.of("target", "nemesis-runs", "kill-causal");
    Files.createDirectories(runs);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", "target/sidis.jar",
        "demo", "causal", "--nodes", "3", "--messages", "900", "--set", "sidis.demo.chat.interval=30ms",
        "--nemesis", "kill", "--nemesis-every", "2s", "--nemesis-for", "3s", "--nemesis-count", "1",
        "--timeout", "150s", "--runs-dir", runs.toString())
        .redirectErrorStream(true).redirectOutput(runs.resolve("console.txt").toFile()).start();
    int exit;
    try {
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the demo did not end within 300 s");
      exit = p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(runs.resolve("console.txt"));
    Path run;
    try (Stream<Path> dirs = Files.list(runs)) {
      run = dirs.filter(Files::isDirectory).findFirst().orElseThrow(() -> new AssertionError("no run directory:\n" + out));
    }
    List<String> faults = Files.readAllLines(run.resolve("faults.ndjson"));
    assertEquals(1, faults.size(), "one fault (--nemesis-count 1): " + faults + "\n" + out);
    JsonNode fault = new ObjectMapper().readTree(faults.get(0));
    assertEquals("kill", fault.path("kind").asText(), faults.get(0));
    String victim = fault.path("nodes").get(0).asText();
    assertTrue(out.contains("restart " + victim + " (killed by the nemesis): incarnation 2"), out);
    assertTrue(Files.isDirectory(run.resolve("trace").resolve("incarnation-2")), "no trace of the second incarnation\n" + out);
    // Both incarnations are members of the group, the first one crashed.
    Matcher group = Pattern.compile("group chat \\(causal\\): (.*); crashed: (\\S+)").matcher(out);
    assertTrue(group.find(), out);
    Matcher incarnations = Pattern.compile(Pattern.quote(victim) + "~\\w+").matcher(group.group(1));
    int found = 0;
    while (incarnations.find()) found++;
    assertEquals(2, found, "two incarnations of " + victim + " in the group line: " + group.group(0));
    assertTrue(group.group(2).startsWith(victim + "~"), "the first incarnation crashed: " + group.group(0));
    try (Stream<Path> logs = Files.list(run.resolve("logs"))) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
        assertFalse(Files.readString(log).contains("came back after leaving the view"), "a member was refused as a name coming back: " + log);
      }
    }
    assertTrue(out.contains("agreement: held"), out);
    assertTrue(out.contains("verdict: PASSED"), out);
    assertEquals(0, exit, out);
  }
}
