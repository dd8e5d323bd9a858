package org.sidis.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The caller curve's driver, on a call that sleeps: no actors, no network. */
class ConcurrentCallersTest {

  @Test
  void everyThreadCallsAndTheWindowsCallsAreCountedAndTimed() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger made = new AtomicInteger();
    ConcurrentCallers.Point p = ConcurrentCallers.measure(4, Duration.ofMillis(50), Duration.ofMillis(300), () -> {
      threads.add(Thread.currentThread().getName());
      made.incrementAndGet();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertEquals(4, p.callers());
    assertEquals(4, threads.size(), "threads that called: " + threads);
    assertTrue(p.calls() > 0 && p.calls() < made.get(), "the warm-up's calls are not counted: " + p + ", made " + made);
    assertEquals(p.calls() / 0.3, p.callsPerSecond(), 1e-6 * p.callsPerSecond(), p.toString());
    assertTrue(p.p50Micros() >= 2000 && p.p99Micros() >= p.p50Micros(), "a 2 ms sleep is at least 2000 us: " + p);
  }

  @Test
  void aFailingCallFailsTheMeasurementWithItsCause() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ConcurrentCallers.measure(2, Duration.ZERO, Duration.ofMillis(100), () -> {
          throw new IllegalArgumentException("echo returned 3 bytes for 100");
        }));
    assertTrue(e.getMessage().contains("a call of 2 concurrent callers failed") && e.getMessage().contains("echo returned 3 bytes"),
        e.getMessage());
  }

  @Test
  void noCallersOrNoWindowIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ConcurrentCallers.measure(0, Duration.ZERO, Duration.ofMillis(10), () -> { }));
    assertThrows(IllegalArgumentException.class, () -> ConcurrentCallers.measure(1, Duration.ZERO, Duration.ZERO, () -> { }));
  }
}
