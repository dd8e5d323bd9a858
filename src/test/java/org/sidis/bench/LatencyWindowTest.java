package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sidis.wire.Progress;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The latency phase's window, driven with explicit nanoTime values (no test waits on the clock). */
class LatencyWindowTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<JsonNode> progressOf(Runnable body) throws Exception {
    PrintStream was = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(was);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(Progress.PREFIX)) lines.add(JSON.readTree(line.substring(Progress.PREFIX.length())));
    }
    return lines;
  }

  @Test
  void aWindowWithoutAnyStampedMessageOpensAfterTheWaitAndReportsNothing() throws Exception {
    LatencyWindow w = new LatencyWindow("n1", "sidis", new LatencyWindow.Settings(true, 0, Duration.ZERO), Duration.ZERO);
    List<JsonNode> printed = progressOf(() -> {
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
    List<JsonNode> printed = progressOf(() -> {
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
}
