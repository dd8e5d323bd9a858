package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sidis bench all --quick} from the packaged jar, on the workloads that start no cluster
 * (the cluster ones have their own ITs): each runs in its own JVM and writes the benchmark JSON,
 * and summary.md and the PNG plots are written from those files. Speed is not asserted.
 */
class BenchAllIT {

  @Test
  void benchAllQuickRunsEachWorkloadAndWritesTheSummaryAndThePlots() throws Exception {
    Path out = Path.of("target", "it-bench-all");
    if (Files.isDirectory(out)) try (Stream<Path> files = Files.walk(out)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    SidisProcess run = SidisProcess.run(420, "bench", "all", "--quick", "--only", "queue,log,broadcast", "--out", out.toString());
    assertEquals(0, run.exitCode(), run.output());
    for (String workload : List.of("queue", "log", "broadcast")) {
      JsonNode doc = new ObjectMapper().readTree(out.resolve(workload + ".json").toFile());
      assertEquals(workload, doc.path("bench").asText(), doc.toString());
      assertTrue(doc.path("rows").size() > 0, workload + ": no rows");
      assertTrue(Files.size(out.resolve(workload + ".txt")) > 0, workload + ": its output was not kept");
    }
    String summary = Files.readString(out.resolve("summary.md"));
    assertTrue(summary.contains("## bench queue") && summary.contains("## bench log") && summary.contains("## bench broadcast"), summary);
    assertTrue(summary.contains("| baseline |"), "a baseline row in every bench's tables: " + summary);
    List<Path> plots;
    try (Stream<Path> files = Files.list(out.resolve("plots"))) {
      plots = files.filter(p -> p.toString().endsWith(".png")).toList();
    }
    assertFalse(plots.isEmpty(), run.output());
    for (Path p : plots) assertNotNull(ImageIO.read(p.toFile()), p + " is not a PNG ImageIO reads");
  }

  @Test
  void anUnknownWorkloadIsAUsageErrorNamingTheKnownOnes() throws Exception {
    SidisProcess run = SidisProcess.run(60, "bench", "all", "--only", "queues");
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(run.output().contains("unknown workload 'queues'") && run.output().contains("queue, log"), run.output());
  }
}
