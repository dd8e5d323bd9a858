package org.sidis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.bench.BenchSummary;
import org.sidis.bench.RpcBench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.sidis.cli.SidisCommandLineTest.sidisCatchingStderr;

/** bench rpc's caller curve: the --callers list, and the rows of a short run in this JVM. */
class BenchRpcCommandTest {

  @Test
  void badCallerListsAreUsageErrorsNamingTheValue() {
    for (String[] bad : List.of(
        new String[] {"1,0", "error: --callers must be 1 .. 256 threads, got 0"},
        new String[] {"4,-1", "error: --callers must be 1 .. 256 threads, got -1"},
        new String[] {"1,4,300", "error: --callers must be 1 .. 256 threads, got 300"},
        new String[] {"1,4,16,4", "error: --callers names a count twice: 4 in [1, 4, 16, 4]"},
        new String[] {"1,four", "four"})) {
      SidisCommandLineTest.Run run = sidisCatchingStderr("bench", "rpc", "--callers", bad[0], "--runs-dir", "target/unused-runs");
      assertEquals(ExitCodes.USAGE, run.code(), run.all());
      assertTrue(run.err().contains(bad[1]) && run.err().contains("--callers"), run.all());
    }
    SidisCommandLineTest.Run zero = sidisCatchingStderr("bench", "rpc", "--callers", "1,4", "--duration", "0");
    assertEquals(ExitCodes.USAGE, zero.code(), zero.all());
    assertTrue(zero.err().contains("error: --duration must be at least 1 second, got 0"), zero.all());
  }

  @Test
  void justOneCallerIsNoCurveSoTheDefaultRunIsAsBefore() {
    assertEquals(List.of(), BenchRpcCommand.callerCounts(List.of(1)));
    assertEquals(List.of(1, 4, 16, 64), BenchRpcCommand.callerCounts(List.of(1, 4, 16, 64)));
    assertEquals(List.of(4), BenchRpcCommand.callerCounts(List.of(4)));
  }

  @Test
  void aShortRunInThisJvmHasEveryRowOfTheCurveAndPlotsItOverCallers(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("rpc.json");
    Path plots = dir.resolve("plots");
    java.io.PrintStream was = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    SidisCommandLineTest.Run run;
    try {
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      run = sidisCatchingStderr("bench", "rpc", "--jvms", "1", "--calls", "100", "--workers", "1", "--handler-ms", "1",
          "--callers", "1,2", "--duration", "1", "--rounds", "2", "--json", json.toString(), "--plot", plots.toString());
    } finally {
      System.setOut(was);
    }
    String out = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    System.out.print(out);
    assertEquals(ExitCodes.OK, run.code(), run.all() + out);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    Set<String> seen = new HashSet<>();
    for (JsonNode r : root.path("rows")) {
      if (!r.has("callers")) continue;
      assertTrue(r.path("callers").isNumber(), "callers is a number: " + r);
      assertTrue(r.path("value").asDouble() > 0, "a measured row: " + r);
      seen.add(r.path("system").asText() + " " + r.path("metric").asText() + " " + r.path("callers").asInt() + " " + r.path("round").asText());
    }
    Set<String> expected = new HashSet<>();
    for (String metric : BenchRpcCommand.CALLERS_METRICS) {
      for (int callers : List.of(1, 2)) {
        for (String round : List.of("1", "2", "median")) expected.add(RpcBench.CALLERS_SYSTEM + " " + metric + " " + callers + " " + round);
      }
    }
    // Only sidis here: the default jar has no gRPC peer (GrpcRpcPeerTest measures its curve in the benchmark build).
    assertEquals(expected, seen, root.toString());
    BenchSummary summary = BenchSummary.of(java.util.Map.of("rpc", root));
    assertEquals("callers", summary.curveAxis("rpc", "concurrent_calls_per_s").orElseThrow());
    assertEquals("callers", summary.curveAxis("rpc", "concurrent_round_trip_p99_us").orElseThrow());
    assertTrue(Files.isRegularFile(plots.resolve("rpc-concurrent_calls_per_s.png")), out);
    assertTrue(Files.isRegularFile(plots.resolve("rpc-concurrent_round_trip_p99_us.png")), out);
    assertTrue(out.contains("caller curve: medians of the rounds"), out);
    assertTrue(out.contains("no peer beside the curve"), out);
  }
}
