package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sidis.bench.BenchPlot;
import org.sidis.bench.BenchSummary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 13, "Show it": {@code bench migration --quick --write-rate 0,4MiB} moves the 1 and 4 MiB
 * actors, each at both write rates, between two host JVMs once per system — stop-and-copy,
 * pre-copy and the baseline (snapshot, stop, restart elsewhere) — and writes a figure for every
 * system, metric, size and rate, per round and as medians, and a table line for each. The figures
 * are not judged: a quick run proves the bench runs.
 */
@org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES)
class MigrationBenchIT {

  private static final List<String> SYSTEMS = List.of("akka-snapshot-restart", "stop-and-copy", "pre-copy");

  @Test
  void aQuickSweepWritesEveryRowForEverySizeRateAndSystem() throws Exception {
    Path json = Path.of("target", "it-runs", "migration-bench-it.json").toAbsolutePath();
    Files.createDirectories(json.getParent());
    Files.deleteIfExists(json);
    SidisProcess run = SidisProcess.run(150, "bench", "migration", "--quick", "--write-rate", "0,4MiB", "--json", json.toString(), "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals("migration", root.path("bench").asText(), root.toString());
    Set<String> seen = new HashSet<>();
    for (JsonNode r : root.path("rows")) {
      assertTrue(r.path("value").isNumber() && r.path("value").asDouble() > 0, "a move takes some time: " + r);
      assertTrue(r.path("write_mib_per_s").isNumber(), r.toString());
      seen.add(r.path("system").asText() + " " + r.path("metric").asText() + " " + r.path("state_mib").asInt() + " "
          + r.path("write_mib_per_s").asDouble() + " " + r.path("round").asText());
      assertEquals(r.path("system").asText().equals("akka-snapshot-restart"), r.path("baseline").asBoolean(), r.toString());
    }
    // What bench all draws from these rows: per system and write rate, a curve over state size.
    BenchSummary summary = BenchSummary.of(Map.of("migration", root));
    assertEquals("state_mib", summary.curveAxis("migration", "downtime_ms").orElseThrow(), root.toString());
    Map<String, Map<Double, Double>> curves = BenchPlot.curves("state_mib", summary.lines("migration", "downtime_ms"));
    for (String system : SYSTEMS) {
      for (String rate : List.of("0.0", "4.0")) {
        String name = system + " (write_mib_per_s=" + rate + ")" + (system.equals("akka-snapshot-restart") ? " (baseline)" : "");
        assertEquals(Set.of(1.0, 4.0), curves.getOrDefault(name, Map.of()).keySet(), name + " in " + curves);
      }
    }
    assertEquals(6, curves.size(), curves.toString());
    for (String system : SYSTEMS) {
      for (String metric : List.of("downtime_ms", "total_ms")) {
        for (int mib : List.of(1, 4)) {
          for (double rate : List.of(0.0, 4.0)) {
            for (String round : List.of("1", "median")) {
              assertTrue(seen.contains(system + " " + metric + " " + mib + " " + rate + " " + round),
                  "no row " + system + " " + metric + " " + mib + " MiB at " + rate + " MiB/s round " + round + " in " + root);
            }
          }
        }
      }
      for (int mib : List.of(1, 4)) {
        for (String rate : List.of("0.0", "4.0")) {
          assertTrue(run.output().matches("(?s).*\\n\\s*" + mib + " MiB\\s+" + rate.replace(".", "\\.") + " MiB/s  " + system + "\\*?\\s+\\d+\\.\\d \\[.*"),
              "no table line for " + system + " at " + mib + " MiB, " + rate + " MiB/s:\n" + run.output());
        }
      }
    }
  }

  @Test
  void badMigrationBenchArgumentsAreRefusedWithWhatIsNeeded() throws Exception {
    SidisProcess sizes = SidisProcess.run(60, "bench", "migration", "--sizes", "0,4");
    assertEquals(2, sizes.exitCode(), sizes.output());
    assertTrue(sizes.output().contains("error: --sizes takes distinct sizes of 1 to 256 MiB, got [0, 4]"), sizes.output());
    SidisProcess rate = SidisProcess.run(60, "bench", "migration", "--write-rate", "fast");
    assertEquals(2, rate.exitCode(), rate.output());
    assertTrue(rate.output().contains("error: --write-rate [fast] is not a size per second"), rate.output());
  }
}
