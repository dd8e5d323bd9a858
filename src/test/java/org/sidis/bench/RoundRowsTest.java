package org.sidis.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundRowsTest {

  private static RoundRows.Row row(String system, String metric, double value) {
    return new RoundRows.Row(system, system.startsWith("grpc"), metric, value, "us");
  }

  @Test
  void oneMedianPerSystemAndMetricInTheOrderFirstMeasured() {
    RoundRows r = RoundRows.empty()
        .withRound(List.of(row("sidis", "p50", 100), row("sidis", "p99", 300), row("grpc", "p50", 50)))
        .withRound(List.of(row("sidis", "p50", 900), row("sidis", "p99", 310), row("grpc", "p50", 52)))
        .withRound(List.of(row("sidis", "p50", 110), row("sidis", "p99", 290), row("grpc", "p50", 55)));
    assertEquals(3, r.rounds());
    assertEquals(List.of(row("sidis", "p50", 110), row("sidis", "p99", 300), row("grpc", "p50", 52)), r.medianRows());
    RoundRows.Median slow = r.medians().get(0);
    // The slow second round (900) is in the spread, not in the median.
    assertEquals(100, slow.min());
    assertEquals(900, slow.max());
    assertEquals(3, slow.rounds());
    assertTrue(r.medians().get(2).row().baseline());
    assertEquals(row("sidis", "p50", 900), r.round(2).get(0));
  }

  @Test
  void aSystemMissingFromARoundHasTheMedianOfTheRoundsThatHaveIt() {
    RoundRows r = RoundRows.empty()
        .withRound(List.of(row("sidis", "p50", 1), row("grpc", "p50", 4)))
        .withRound(List.of(row("sidis", "p50", 3)));
    assertEquals(List.of(row("sidis", "p50", 2), row("grpc", "p50", 4)), r.medianRows());
    assertEquals(1, r.medians().get(1).rounds());
  }

  @Test
  void itIsAValue() {
    RoundRows empty = RoundRows.empty();
    empty.withRound(List.of(row("a", "m", 1)));
    assertEquals(0, empty.rounds());
    assertTrue(empty.medians().isEmpty());
  }
}
