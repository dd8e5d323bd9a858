package org.sidis.cli;

import org.junit.jupiter.api.Test;
import org.sidis.bench.RoundRows;
import org.sidis.demo.TiersDemo;
import org.sidis.tiers.Policy;
import org.sidis.tiers.ReplyMode;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bench tiers}' rows and table, without a cluster: which metrics each kind of system gets, and the ratios of medians. */
class BenchTiersRowsTest {

  private static TiersDemo.Row row(double perS, double bytes, double hits) {
    return new TiersDemo.Row(ReplyMode.RELAY, Policy.ROUND_ROBIN, 10, 10, bytes, hits, perS, 5, 50, List.of());
  }

  private static List<String> metrics(String system) {
    return BenchTiersCommand.rows(system, row(100, 65536, 0.5)).stream().map(RoundRows.Row::metric).toList();
  }

  @Test
  void eachKindOfSystemGetsTheMetricsTheIssueNames() {
    for (String mode : List.of("relay", "handoff", "redirect")) {
      assertEquals(List.of("requests_per_s", "p50_ms", "p99_ms", "front_bytes_per_request"), metrics(mode), mode);
    }
    for (String policy : List.of("round-robin", "least-loaded", "content-aware")) {
      assertEquals(List.of("requests_per_s", "p99_ms", "cache_hit_ratio"), metrics(policy), policy);
    }
    assertEquals(List.of("requests_per_s", "p99_ms"), metrics("servers-2"));
    assertTrue(BenchTiersCommand.rows("relay", row(1, 1, 1)).get(0).baseline());
    assertFalse(BenchTiersCommand.rows("handoff", row(1, 1, 1)).get(0).baseline());
  }

  @Test
  void theTableTakesRatiosOfMediansAndShowsTheRoundsSpread() {
    RoundRows rounds = RoundRows.empty();
    double[][] perRound = {{100, 150, 0.4, 0.6}, {200, 250, 0.5, 0.6}, {120, 240, 0.45, 0.62}};
    for (double[] r : perRound) {
      List<RoundRows.Row> rows = new java.util.ArrayList<>();
      rows.addAll(BenchTiersCommand.rows("relay", row(r[0], 65536, r[2])));
      rows.addAll(BenchTiersCommand.rows("round-robin", row(r[0], 65536, r[2])));
      rows.addAll(BenchTiersCommand.rows("handoff", row(r[1], 0, r[2])));
      rows.addAll(BenchTiersCommand.rows("content-aware", row(r[1], 65536, r[3])));
      rounds = rounds.withRound(rows);
    }
    String table = BenchTiersCommand.table(rounds.medians(), rounds.rounds());
    // Medians: relay 120 (100 .. 200), handoff 240; round-robin hits 0.45, content-aware 0.6.
    assertTrue(table.contains("120.000  [100.000 .. 200.000]"), table);
    assertTrue(table.contains("requests/s, handoff / relay: 2.00x"), table);
    assertTrue(table.contains("cache hit ratio, content-aware / round-robin: 1.33x"), table);
    assertTrue(table.contains("front bytes per request, relay / handoff: 65536.000 / 0 (no ratio)"), table);
    assertFalse(table.contains("servers"), "no server-count ratio without those rows: " + table);
  }
}
