package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19, "Show it": {@code bench tiers} in a short form — one round, few small requests — runs
 * the cluster of child JVMs and writes every row the issue names, per round and as medians;
 * bad options are usage errors.
 */
@org.junit.jupiter.api.Timeout(value = 8, unit = TimeUnit.MINUTES)
class TiersBenchIT {

  private static final Map<String, List<String>> METRICS = Map.of(
      "relay", List.of("requests_per_s", "p50_ms", "p99_ms", "front_bytes_per_request"),
      "handoff", List.of("requests_per_s", "p50_ms", "p99_ms", "front_bytes_per_request"),
      "redirect", List.of("requests_per_s", "p50_ms", "p99_ms", "front_bytes_per_request"),
      "round-robin", List.of("cache_hit_ratio", "requests_per_s", "p99_ms"),
      "least-loaded", List.of("cache_hit_ratio", "requests_per_s", "p99_ms"),
      "content-aware", List.of("cache_hit_ratio", "requests_per_s", "p99_ms"),
      "servers-1", List.of("requests_per_s"),
      "servers-2", List.of("requests_per_s"),
      "servers-3", List.of("requests_per_s"));

  @Test
  void aShortBenchWritesEveryRowPerRoundAndAsMedians() throws Exception {
    Path json = Path.of("target", "it-runs", "tiers-bench-it.json").toAbsolutePath();
    Files.createDirectories(json.getParent());
    Files.deleteIfExists(json);
    SidisProcess run = SidisProcess.run(420, "bench", "tiers", "--rounds", "1", "--requests", "16", "--reply-size", "1KiB",
        "--json", json.toString(), "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("medians of 1 alternated round(s)"), run.output());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals("tiers", root.path("bench").asText(), root.toString());
    Set<String> seen = new HashSet<>();
    for (JsonNode r : root.path("rows")) {
      seen.add(r.path("system").asText() + " " + r.path("metric").asText() + " " + r.path("round").asText());
      assertTrue(r.path("value").isNumber() && r.path("value").asDouble() >= 0, r.toString());
    }
    for (Map.Entry<String, List<String>> e : METRICS.entrySet()) {
      for (String metric : e.getValue()) {
        for (String round : List.of("1", "median")) {
          assertTrue(seen.contains(e.getKey() + " " + metric + " " + round), "no row " + e.getKey() + " " + metric + " round " + round
              + " in " + root);
        }
      }
    }
    // 1 KiB documents: relay carries each through the front end actor, handoff and redirect none.
    for (JsonNode r : root.path("rows")) {
      if (r.path("metric").asText().equals("front_bytes_per_request") && r.path("round").asText().equals("median")) {
        assertEquals(r.path("system").asText().equals("relay") ? 1024 : 0, r.path("value").asDouble(), 0.001, r.toString());
      }
    }
  }

  @Test
  void badTiersBenchArgumentsAreRefusedWithWhatIsNeeded() throws Exception {
    SidisProcess rounds = SidisProcess.run(60, "bench", "tiers", "--rounds", "0");
    assertEquals(2, rounds.exitCode(), rounds.output());
    assertTrue(rounds.output().contains("error: --rounds must be at least 1, got 0"), rounds.output());
    SidisProcess size = SidisProcess.run(60, "bench", "tiers", "--reply-size", "1MiB");
    assertEquals(2, size.exitCode(), size.output());
    assertTrue(size.output().contains("--reply-size must be 16 B .. 128 KiB"), size.output());
  }
}
