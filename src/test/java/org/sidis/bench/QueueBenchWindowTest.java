package org.sidis.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The queue benchmark's measuring window, driven by a clock the test holds. */
class QueueBenchWindowTest {

  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;

  @Test
  void countsWhatIsConsumedFromTheFirstMomentItIsSeenOpenUntilItCloses() {
    QueueBench.Window w = new QueueBench.Window(0, 2, 10); // opens at 2 s, closes at 12 s
    w.consumed(500); // warm-up traffic
    w.markOpen(1 * S); // not open yet
    w.consumed(100);
    w.markOpen(2 * S); // opens here, at 600 consumed
    w.consumed(1000);
    w.markOpen(3 * S); // already marked: stays at 600
    w.consumed(1000);
    assertFalse(w.closed(12 * S - 1));
    assertTrue(w.closed(12 * S));
    QueueBench.Result r = w.result(12 * S);
    assertEquals(2000, r.consumed(), "only what came after the window opened");
    assertEquals(200.0, r.rate(), 1e-9, "2000 messages over the 10 s window");
  }

  @Test
  void theRateIsOverTheSecondsActuallyElapsedSinceTheWindowOpened() {
    QueueBench.Window w = new QueueBench.Window(5 * S, 0, 1);
    w.markOpen(5 * S);
    w.consumed(300);
    // The driver saw it closed late, at 1.5 s: the rate divides by what really elapsed.
    assertEquals(200.0, w.result(5 * S + 1500 * MS).rate(), 1e-9);
  }

  @Test
  void putLatenciesAreRecordedOnlyOnceTheWindowIsOpenInMicrosecondsAndCappedAtAMinute() {
    QueueBench.Window w = new QueueBench.Window(0, 1, 10);
    w.putAcked(0, 500 * MS, 1); // 500 ms, but during the warm-up: not recorded
    w.putAcked(2 * S, 2 * S + 3 * MS, 1); // 3 ms
    w.putAcked(2 * S, 2 * S + 5 * MS, 1); // 5 ms
    w.putAcked(2 * S, 2 * S + 5 * MS, 1); // 5 ms
    w.markOpen(1 * S);
    QueueBench.Result r = w.result(11 * S);
    assertEquals(5000, r.putP50Micros(), 5000 * 0.001, "median of 3, 5, 5 ms in µs (HdrHistogram, 3 digits)");
    assertEquals(5000, r.putP99Micros(), 5000 * 0.001);

    QueueBench.Window batch = new QueueBench.Window(0, 0, 10);
    batch.putAcked(0, 1 * MS, 9); // one batched PUT of 9 messages counts 9 times
    batch.putAcked(0, 100 * S, 1); // past the histogram's range: capped at 60 s, not an exception
    QueueBench.Result b = batch.result(10 * S);
    assertEquals(1000, b.putP50Micros(), 1000 * 0.001, "nine 1 ms samples outweigh one slow one");
    assertEquals(60_000_000, b.putP99Micros(), 60_000_000 * 0.001, "the slow one is in the top 10 %");
  }
}
