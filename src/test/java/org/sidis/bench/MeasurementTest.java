package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.sidis.wire.Progress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The measuring window that sidis and its baseline share: what it counts, when it opens and
 * closes, and what it reports — with a zero warm-up and a zero window, so no test waits on the
 * clock (the window's length in seconds is the clock's business, the counting is this class's).
 */
class MeasurementTest {

  @Test
  void countsOnlyTheDeliveriesInsideTheWindowAndReportsOnce() throws Exception {
    Measurement m = new Measurement("n2", "sidis", Duration.ZERO, Duration.ZERO);
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      m.delivered(3); // before start: warm-up traffic
      m.check(); // not started: nothing opens
      assertFalse(m.started());
      m.start();
      m.delivered(5); // after start, before the window opens
      m.check(); // opens the window at 8 delivered
      assertFalse(m.finished());
      m.delivered(7);
      m.check(); // closes it: 7 inside
      assertTrue(m.finished());
      m.delivered(100);
      m.check(); // reported already: nothing more
    });
    assertEquals(2, printed.size(), "one bench line and one done line: " + printed);
    JsonNode bench = printed.get(0);
    assertEquals("bench", bench.path("event").asText());
    assertEquals("n2", bench.path("node").asText());
    assertEquals("sidis", bench.path("system").asText());
    assertEquals(7, bench.path("delivered").asLong(), "only what arrived between the window's opening and closing: " + bench);
    assertTrue(bench.path("rate").asLong() >= 0, bench.toString());
    JsonNode done = printed.get(1);
    assertEquals("done", done.path("event").asText());
    assertEquals(15, done.path("delivered").asLong(), "the done line counts everything to the report: " + done);
  }

  @Test
  void theRateIsTheWindowsDeliveriesOverItsSeconds() throws Exception {
    Measurement m = new Measurement("n1", "akka-tell-broadcast", Duration.ZERO, Duration.ZERO);
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      m.start();
      m.check();
      m.delivered(1000);
      m.check();
    });
    JsonNode bench = printed.get(0);
    double seconds = bench.path("seconds").asDouble();
    long rate = bench.path("rate").asLong();
    // rate = delivered / seconds, rounded; seconds is printed to the millisecond, so compare loosely.
    if (seconds > 0.01) assertEquals(1000 / seconds, rate, 1000 / seconds * 0.2 + 1, bench.toString());
    assertTrue(rate > 0, "1000 deliveries in a window of some nanoseconds: " + bench);
  }

  @Test
  void aStartedMeasurementStartsOnce() throws Exception {
    Measurement m = new Measurement("n1", "sidis", Duration.ofDays(1), Duration.ZERO);
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      m.start();
      m.start();
      m.delivered(10);
      m.check(); // a day of warm-up: the window stays shut
    });
    assertTrue(m.started());
    assertFalse(m.finished());
    assertEquals(List.of(), printed, "nothing reported during the warm-up");
  }

  @Test
  void aPayloadHasTheAskedSizeAndANegativeSizeIsEmpty() {
    assertEquals(256, Measurement.payload(256).length());
    assertEquals(1, Measurement.payload(1).getBytes(StandardCharsets.UTF_8).length);
    assertEquals("", Measurement.payload(0));
    assertEquals("", Measurement.payload(-5));
  }
}
