package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A short fault matrix on the jar, one row per demo and a fault of each kind (issue 17):
 * {@code demo faults --rows total:partition,causal:pause,queues:partition,log:kill,gossip:kill}
 * exits 0, every row passed, and nothing the run made — namespace, veth, bridge, iptables rule —
 * is left behind. Skipped, saying why, where namespaces cannot be made (not root, no ip or
 * iptables), as {@link NetnsHostsIT} is.
 */
class FaultMatrixIT {

  static final String ROWS = "total:partition,causal:pause,queues:partition,log:kill,gossip:kill";

  @BeforeAll
  static void namespacesAllowed() {
    String why = Netns.refusal(true);
    assumeTrue(why == null, () -> "skipped: " + why);
  }

  @Test
  void aRowOfEachDemoUnderEachKindOfFaultPassesAndLeavesNothingBehind() throws Exception {
    Path jar = Path.of("target", "sidis.jar");
    assertTrue(Files.isRegularFile(jar), "run 'mvn package' first: " + jar + " is missing");
    Path runs = Path.of("target", "nemesis-runs", "fault-matrix");
    Files.createDirectories(runs);
    Path console = runs.resolve("console.txt");
    Path json = runs.resolve("faults.json");
    Files.deleteIfExists(json);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(),
        "demo", "faults", "--rows", ROWS, "--json", json.toString(), "--runs-dir", runs.toString())
        .redirectErrorStream(true).redirectOutput(console.toFile()).start();
    long pid = p.pid();
    try {
      // A bound, not a speed check: five runs of about a minute each, slower on a loaded machine.
      assertTrue(p.waitFor(1800, TimeUnit.SECONDS), "demo faults did not end within 30 min:\n" + Files.readString(console));
    } finally {
      if (p.isAlive()) {
        List<ProcessHandle> nodes = p.descendants().toList();
        p.destroy(); // SIGTERM: the launcher removes its namespaces on the way out
        if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly();
        nodes.forEach(ProcessHandle::destroyForcibly);
      }
    }
    String out = Files.readString(console);
    assertEquals(List.of(), Netns.ours(pid, null), "namespaces or links left behind by the matrix:\n" + out);
    String rootRules = Netns.run(List.of("iptables", "-w", "-S")).out();
    assertTrue(!rootRules.contains("198.18.") && !rootRules.contains("198.19."), "no rule left in the root namespace: " + rootRules);
    assertEquals(0, p.exitValue(), "demo faults exit code:\n" + out);
    assertTrue(out.contains("verdict: PASSED — every row"), out);
    JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("rows");
    List<String> named = new ArrayList<>();
    for (JsonNode row : rows) {
      named.add(row.path("demo").asText() + ":" + row.path("fault").asText());
      assertEquals("passed", row.path("verdict").asText(), "row " + row + "\n" + out);
      assertEquals(0, row.path("lost").asLong(), "row " + row);
      assertTrue(row.path("faults").asInt() >= 1, "a row passed without a fault: " + row);
    }
    assertEquals(List.of(ROWS.split(",")), named, out);
  }
}
