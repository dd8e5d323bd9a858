package org.sidis.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundsTest {

  @Test
  void theScheduleAlternatesTheSystemsRoundByRound() {
    assertEquals(List.of("a", "b", "c", "a", "b", "c", "a", "b", "c"), Rounds.schedule(List.of("a", "b", "c"), 3));
    assertEquals(List.of("a", "b"), Rounds.schedule(List.of("a", "b"), 1));
    assertThrows(IllegalArgumentException.class, () -> Rounds.schedule(List.of("a"), 0));
  }

  @Test
  void oneSlowRoundShowsInTheSpreadNotInTheMedian() {
    Rounds r = Rounds.of(List.of("sidis", "peer"))
        .with("sidis", 100).with("peer", 50)
        .with("sidis", 10).with("peer", 52) // the machine was busy during sidis' second round
        .with("sidis", 104).with("peer", 48);
    Rounds.Summary s = r.summary("sidis");
    assertEquals(100, s.median());
    assertEquals(10, s.min());
    assertEquals(104, s.max());
    assertEquals(0.94, s.relativeSpread(), 1e-9);
    // The mean (71.3) would have hidden the slow round in the figure; the median keeps it out.
    assertEquals(2.0, r.ratio("sidis", "peer"), 1e-9);
    assertEquals(List.of(100.0, 10.0, 104.0), r.rounds("sidis"));
  }

  @Test
  void anEvenNumberOfRoundsTakesTheMiddlePairsMean() {
    Rounds r = Rounds.of(List.of("a")).with("a", 1).with("a", 3).with("a", 10).with("a", 5);
    assertEquals(4, r.summary("a").median());
  }

  @Test
  void itIsAValue() {
    Rounds empty = Rounds.of(List.of("a"));
    Rounds one = empty.with("a", 7);
    assertTrue(empty.rounds("a").isEmpty(), "with() must not change the value it was called on");
    assertEquals(List.of(7.0), one.rounds("a"));
  }

  @Test
  void unknownSystemsAndEmptySummariesAreErrorsThatSayWhich() {
    Rounds r = Rounds.of(List.of("a", "b"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.with("c", 1));
    assertTrue(e.getMessage().contains("unknown system c"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> r.summary("a"));
    assertThrows(IllegalArgumentException.class, () -> Rounds.of(List.of("a", "a")));
    assertTrue(Double.isNaN(r.with("a", 1).with("b", 0).ratio("a", "b")));
  }
}
