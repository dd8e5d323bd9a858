package org.sidis.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The multicast bench's latency figures: stamps in payloads, histograms across JVMs, merging. */
class LatenciesTest {

  private static Histogram of(long... micros) {
    Histogram h = Latencies.histogram();
    for (long m : micros) h.recordValue(m);
    return h;
  }

  @Test
  void aHistogramSurvivesItsOneLineEncoding() {
    Histogram h = of(10, 20, 30, 1_000_000);
    String line = Latencies.encode(h);
    assertFalse(line.contains(" ") || line.contains("\n"), "one word: " + line);
    Histogram back = Latencies.decode(line);
    assertEquals(h, back);
    assertEquals(4, back.getTotalCount());
  }

  @Test
  void mergedPercentilesAreOfAllDeliveriesNotAnAverageOfTheMembers() {
    // n1 saw 99 fast deliveries, n2 one slow one: the merged p50 is fast and the max is slow,
    // while averaging each member's p50 would give (100 + 50,000) / 2, no delivery's latency.
    long[] fast = new long[99];
    java.util.Arrays.fill(fast, 100);
    Latencies.Percentiles p = Latencies.merged(List.of(Latencies.encode(of(fast)), Latencies.encode(of(50_000))));
    assertEquals(100, p.count());
    assertEquals(100, p.p50(), 1, p.toString());
    assertEquals(100, p.p99(), 1, p.toString());
    assertEquals(50_000, p.p999(), 50, p.toString());
    assertEquals(50_000, p.max(), 50, p.toString());
  }

  @Test
  void percentilesOfNothingAreZeroNotAnError() {
    assertEquals(new Latencies.Percentiles(0, 0, 0, 0, 0), Latencies.merged(List.of(Latencies.encode(Latencies.histogram()))));
    assertEquals(new Latencies.Percentiles(0, 0, 0, 0, 0), Latencies.merged(List.of()));
  }

  @Test
  void aTextThatIsNoHistogramIsRefusedSayingSo() {
    for (String bad : List.of("not base64!", "aGVsbG8gd29ybGQ=", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Latencies.decode(bad), bad);
      assertTrue(e.getMessage().startsWith("not an encoded latency histogram"), e.getMessage());
    }
  }

  @Test
  void aStampedPayloadHasTheSizeAskedAndGivesItsStampBack() {
    long now = Latencies.nowMicros();
    String p = Latencies.stamped(now, 1024);
    assertEquals(1024, p.length());
    assertEquals(now, Latencies.stampOf(p));
    // Too short for the stamp: it grows to hold it, and the stamp still reads back.
    assertEquals(now, Latencies.stampOf(Latencies.stamped(now, 4)));
    // The flood's payloads carry no stamp: not read as one.
    assertEquals(-1, Latencies.stampOf(Measurement.payload(100)));
    assertEquals(-1, Latencies.stampOf(""));
    assertEquals(-1, Latencies.stampOf(":xx"));
  }

  @Test
  void theSharedClockIsTheWallClockInMicros() {
    long wall = System.currentTimeMillis() * 1000;
    long ours = Latencies.nowMicros();
    // Same clock, read microseconds apart: within a second, whatever the machine's load.
    assertTrue(Math.abs(ours - wall) < 1_000_000, ours + " vs " + wall);
  }
}
