package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.bench.BenchPlot;
import org.sidis.bench.BenchSummary;
import org.sidis.bench.Latencies;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.sidis.cli.SidisCommandLineTest.sidisCatchingStderr;

/** bench multicast's scaling lists, latency options and rows, without starting a JVM. */
class BenchMulticastCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void listsOfNodesAndSizesMakeEveryCellInOrder() {
    assertEquals(List.of(new BenchMulticastCommand.Cell(3, 100), new BenchMulticastCommand.Cell(3, 65536),
            new BenchMulticastCommand.Cell(5, 100), new BenchMulticastCommand.Cell(5, 65536)),
        BenchMulticastCommand.cells(List.of(3, 5), List.of(100, 65536)));
    assertEquals(List.of(new BenchMulticastCommand.Cell(3, 100)), BenchMulticastCommand.cells(List.of(3), List.of(100)));
  }

  @Test
  void badListsAreUsageErrorsNamingTheValue() {
    for (String[] bad : List.of(
        new String[] {"--nodes", "3,1", "must be at least 2", "got 1"},
        new String[] {"--size", "100,70000", "--size must be in 1..65536", "got 70000"},
        new String[] {"--size", "0", "--size must be in 1..65536", "got 0"},
        new String[] {"--nodes", "3,3", "--nodes names a count twice", "[3, 3]"},
        new String[] {"--size", "100,100", "--size names a size twice", "[100, 100]"})) {
      SidisCommandLineTest.Run run = sidisCatchingStderr("bench", "multicast", bad[0], bad[1], "--runs-dir", "target/unused-runs");
      assertEquals(ExitCodes.USAGE, run.code(), run.all());
      assertTrue(run.err().contains(bad[2]) && run.err().contains(bad[3]), run.all());
    }
    SidisCommandLineTest.Run word = sidisCatchingStderr("bench", "multicast", "--nodes", "3,five");
    assertEquals(ExitCodes.USAGE, word.code(), word.all());
    assertTrue(word.err().contains("--nodes") && word.err().contains("five"), word.all());
  }

  @Test
  void aRateNeedsTheLatencyPhaseAndAtLeastOneMessage() {
    SidisCommandLineTest.Run alone = sidisCatchingStderr("bench", "multicast", "--rate", "1000", "--runs-dir", "target/unused-runs");
    assertEquals(ExitCodes.USAGE, alone.code(), alone.all());
    assertTrue(alone.err().contains("--rate sets the latency phase's load: give it with --latency"), alone.all());
    SidisCommandLineTest.Run zero = sidisCatchingStderr("bench", "multicast", "--latency", "--rate", "0", "--runs-dir", "target/unused-runs");
    assertEquals(ExitCodes.USAGE, zero.code(), zero.all());
    assertTrue(zero.err().contains("--rate must be at least 1"), zero.all());
  }

  @Test
  void latencyRowsAreTheMergedHistogramsPercentiles() {
    org.HdrHistogram.Histogram a = Latencies.histogram();
    org.HdrHistogram.Histogram b = Latencies.histogram();
    for (int i = 0; i < 998; i++) a.recordValue(200);
    b.recordValue(90_000);
    b.recordValue(90_000);
    Map<String, Double> f = BenchMulticastCommand.latencyFigures(Map.of("n1", Latencies.encode(a), "n2", Latencies.encode(b)));
    assertEquals(BenchMulticastCommand.LATENCY_METRICS, List.copyOf(f.keySet()));
    assertEquals(200, f.get("latency_p50_us"), 1);
    assertEquals(200, f.get("latency_p99_us"), 1);
    assertEquals(90_000, f.get("latency_p999_us"), 100, "two slow deliveries in 1000 reach the 99.9th percentile: " + f);
    assertEquals(Map.of(), BenchMulticastCommand.latencyFigures(Map.of()), "no latency phase, no latency rows");
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> BenchMulticastCommand.latencyFigures(Map.of("n1", Latencies.encode(Latencies.histogram()))));
    assertTrue(none.getMessage().startsWith("no member delivered a stamped message"), none.getMessage());
  }

  @Test
  void rowsCarryTheCellSoTheSummaryDrawsCurvesOverMembers(@TempDir Path dir) throws Exception {
    var root = BenchJson.root("multicast");
    ArrayNode rows = root.putArray("rows");
    for (int members : List.of(3, 5, 7)) {
      for (int size : List.of(100, 65536)) {
        var cell = new BenchMulticastCommand.Cell(members, size);
        BenchMulticastCommand.row(rows, cell, "sidis-fifo", false, "deliveries_per_s_mean", 10_000.0 / members).put("round", "median");
        BenchMulticastCommand.row(rows, cell, BenchMulticastCommand.RAW, true, "deliveries_per_s_mean", 5_000.0 / members).put("round", "median");
        BenchMulticastCommand.row(rows, cell, "sidis-fifo", false, "latency_p99_us", 900.0 * members).put("round", "median");
        BenchMulticastCommand.row(rows, cell, BenchMulticastCommand.RAW, true, "latency_p99_us", 400.0 * members).put("round", "median");
      }
    }
    JsonNode first = rows.get(0);
    assertEquals(3, first.path("members").asInt(), first.toString());
    assertEquals(100, first.path("payload_bytes").asInt(), first.toString());
    assertEquals("msg/s", first.path("unit").asText());
    assertEquals("us", rows.get(2).path("unit").asText());
    BenchSummary s = BenchSummary.of(Map.of("multicast", JSON.readTree(root.toString())));
    // Both dimensions vary: members (named first) is the x axis, one curve per system and payload size.
    assertEquals("members", s.curveAxis("multicast", "latency_p99_us").orElseThrow());
    List<Path> plots = BenchPlot.write(s, dir);
    assertEquals(List.of(dir.resolve("multicast-deliveries_per_s_mean.png"), dir.resolve("multicast-latency_p99_us.png")), plots);
  }
}
