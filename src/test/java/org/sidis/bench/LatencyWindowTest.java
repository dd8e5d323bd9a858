package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The latency phase's window, driven with explicit nanoTime values (no test waits on the clock). */
class LatencyWindowTest {

  @Test
  void aWindowWithoutAnyStampedMessageOpensAfterTheWaitAndReportsNothing() throws Exception {
    LatencyWindow w = new LatencyWindow("n1", "sidis", new LatencyWindow.Settings(true, 0, Duration.ZERO), Duration.ZERO);
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      w.start(10, 0);
      w.check(LatencyWindow.STAMP_WAIT.toNanos() - 1);
      assertFalse(w.recording(), "still waiting for a stamped message");
      w.check(LatencyWindow.STAMP_WAIT.toNanos());
      assertTrue(w.recording());
      w.check(LatencyWindow.STAMP_WAIT.toNanos());
    });
    assertEquals(0, printed.get(0).path("count").asLong(), printed.toString());
  }

  @Test
  void recordsOnlyInsideTheWindowAfterTheSettleTimeAndReportsTheHistogramOnce() throws Exception {
    LatencyWindow w = new LatencyWindow("n2", "sidis", new LatencyWindow.Settings(true, 0, Duration.ofSeconds(2)), Duration.ofSeconds(1));
    long t0 = 1_000_000_000L;
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      w.delivered(Latencies.nowMicros()); // before the start: not recorded
      assertEquals(0, w.due(t0));
      w.start(1000, t0);
      assertEquals(500, w.due(t0 + 500_000_000L));
      w.check(t0 + 1_000_000_000L); // still settling
      w.delivered(-1); // the flood's backlog, unstamped: not recorded
      assertFalse(w.recording());
      w.check(t0 + 2_000_000_000L); // settled, but no stamped message has arrived yet: the flood's backlog is still draining
      assertFalse(w.recording());
      w.delivered(Latencies.nowMicros() - 300); // the first stamped one
      assertFalse(w.recording());
      w.check(t0 + 2_000_000_000L); // opens
      assertTrue(w.recording());
      w.delivered(Latencies.nowMicros() - 300);
      w.delivered(Latencies.nowMicros() - 300);
      w.delivered(-1); // no stamp: not recorded
      w.check(t0 + 2_500_000_000L); // half the window: nothing yet
      assertFalse(w.finished());
      w.check(t0 + 3_000_000_000L); // closes
      assertTrue(w.finished());
      w.delivered(Latencies.nowMicros());
      w.check(t0 + 9_000_000_000L); // reported already
    });
    assertEquals(List.of("latency", "done"), printed.stream().map(j -> j.path("event").asText()).toList(), printed.toString());
    JsonNode latency = printed.get(0);
    assertEquals("n2", latency.path("node").asText());
    assertEquals(2, latency.path("count").asLong(), latency.toString());
    assertEquals(1000, latency.path("offered_per_s").asLong());
    long p50 = Latencies.percentiles(Latencies.decode(latency.path("histogram").asText())).p50();
    assertTrue(p50 >= 300 && p50 < 1_000_000, "about 300 µs: " + p50);
  }

  @Test
  void followingTheThroughputWindowStartsTheFixedLoadOnceAtHalfTheMeasuredRateSharedAmongTheOtherSenders() throws Exception {
    Measurement throughput = new Measurement("n1", "sidis", Duration.ZERO, Duration.ZERO, false);
    LatencyWindow w = new LatencyWindow("n1", "sidis", new LatencyWindow.Settings(true, 0, Duration.ZERO), Duration.ofSeconds(1));
    long t0 = 5_000_000_000L;
    List<JsonNode> printed = ProgressLines.printedBy(() -> {
      assertFalse(w.follow(throughput, 3, t0), "the throughput window has not even started");
      throughput.start();
      throughput.check(); // opens
      assertFalse(w.follow(throughput, 3, t0), "the throughput window is still open");
      assertFalse(w.started());
      throughput.delivered(4_000);
      throughput.check(); // closes, at some rate > 0
      assertTrue(throughput.finished());
      assertTrue(w.follow(throughput, 3, t0), "the fixed load starts when the throughput window has closed");
      assertFalse(w.follow(throughput, 3, t0 + 1), "and only once, so the caller starts one pace timer");
      double offered = LatencyWindow.offeredRate(0, throughput.rate(), 3);
      assertEquals((long) Math.floor(offered * 2), w.due(t0 + 2_000_000_000L), "half of " + throughput.rate() + "/s over 2 senders, for 2 s");
    });
    assertEquals("bench", printed.get(0).path("event").asText(), printed.toString());
  }
}
