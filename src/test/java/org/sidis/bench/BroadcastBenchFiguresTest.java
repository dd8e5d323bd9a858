package org.sidis.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The broadcast benchmark's figures: values asked for, messages per value, and the spread times' median and maximum. */
class BroadcastBenchFiguresTest {

  private static final long MS = 1_000_000L;

  @Test
  void theValuesWrittenAreTheRateTimesTheSeconds() {
    assertEquals(200, new BroadcastBench.Params(25, 100, 20, 10, 5, 2, 30, 1).values());
  }

  @Test
  void messagesPerValueIsMessagesOverValuesAndZeroWithNoValues() {
    assertEquals(12.5, new BroadcastBench.Figures("s", false, "healthy", 200, 2500, 1, 2, 0).messagesPerValue(), 1e-12);
    assertEquals(0, new BroadcastBench.Figures("s", false, "healthy", 0, 2500, 1, 2, 0).messagesPerValue());
  }

  @Test
  void theMedianAndMaximumAreOverTheValuesThatReachedEveryNodeInMilliseconds() {
    long[] written = {0, 10 * MS, 20 * MS, 30 * MS, 40 * MS};
    // value 2 never reached every node (0): it is not timed
    long[] complete = {300 * MS, 110 * MS, 0, 530 * MS, 240 * MS};
    BroadcastBench.SpreadTimes t = BroadcastBench.SpreadTimes.of(written, complete);
    assertEquals(4, t.timed());
    // times 300, 100, 500, 200 ms -> sorted 100, 200, 300, 500: the upper median of four is 300
    assertEquals(300.0, t.medianMs(), 1e-9);
    assertEquals(500.0, t.maxMs(), 1e-9);
  }

  @Test
  void anOddCountHasItsMiddleAsTheMedianAndOneValueIsItsOwnMedianAndMaximum() {
    BroadcastBench.SpreadTimes three = BroadcastBench.SpreadTimes.of(new long[] {0, 0, 0}, new long[] {7 * MS, 1 * MS, 4 * MS});
    assertEquals(4.0, three.medianMs(), 1e-9);
    assertEquals(7.0, three.maxMs(), 1e-9);
    BroadcastBench.SpreadTimes one = BroadcastBench.SpreadTimes.of(new long[] {5 * MS}, new long[] {6500 * 1000L});
    assertEquals(1.5, one.medianMs(), 1e-9);
    assertEquals(1.5, one.maxMs(), 1e-9);
  }

  @Test
  void withNothingSpreadEverywhereThereIsNoMedianRatherThanAZero() {
    BroadcastBench.SpreadTimes none = BroadcastBench.SpreadTimes.of(new long[] {1, 2}, new long[] {0, 0});
    assertEquals(0, none.timed());
    assertTrue(Double.isNaN(none.medianMs()) && Double.isNaN(none.maxMs()), none.toString());
  }
}
