package org.sidis.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sidis.wire.MessageId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream checker on hand-made traces of a complex stream (audio every 20 ms, video every 40 ms):
 * a clean isochronous run holds; each negative control breaks one property — a frame missed too
 * many, a video frame played 30 ms off its audio, a frame played twice or never sent — and is caught.
 */
class StreamPlayoutTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<TraceEvent> events = new ArrayList<>();
  private long lseq;

  private void line(String node, String event, String flow, long n, long ts, String mode) {
    ObjectNode a = JSON.createObjectNode().put("flow", flow).put("pts_us", n * (flow.equals("audio") ? 20_000 : 40_000));
    if (mode != null) a.put("mode", mode);
    events.add(new TraceEvent(ts, node, "/user/x", "stream", "1", event, MessageId.of(flow + ":" + (n + 1)), ++lseq, null, null, null, null,
        java.nio.file.Path.of(node + ".jsonl"), (int) lseq, a));
  }

  /** 200 audio and 100 video frames sent; the sink plays each at pts + 400 ms, its video {@code videoShiftUs} later, except the frames {@code skip} names. */
  private void stream(String mode, long videoShiftUs, Function<String, Boolean> skip) {
    for (String flow : List.of("audio", "video")) {
      long period = flow.equals("audio") ? 20_000 : 40_000;
      for (long n = 0; n < (flow.equals("audio") ? 200 : 100); n++) {
        line("n1", "send", flow, n, 1_000_000 + n * period, null);
        if (skip.apply(flow + ":" + n)) line("n2", "miss", flow, n, 1_400_000 + n * period, null);
        else line("n2", "play", flow, n, 1_400_000 + n * period + (flow.equals("video") ? videoShiftUs : 0), mode);
      }
    }
  }

  private Map<String, Verdict> verdicts() {
    return StreamPlayout.check(events).stream().collect(Collectors.toMap(Verdict::property, v -> v));
  }

  @Test
  void aCleanIsochronousStreamHoldsEveryProperty() {
    stream("isochronous", 5_000, id -> id.equals("audio:7"));
    Map<String, Verdict> v = verdicts();
    for (Verdict x : v.values()) assertEquals(Verdict.Outcome.HELD, x.outcome(), x.property() + ": " + x.details());
    assertTrue(v.get(StreamPlayout.ON_TIME_PROPERTY).promised());
    assertTrue(v.get(StreamPlayout.ON_TIME_PROPERTY).details().get(0).startsWith("99.67% of 300 due frames played (1 missed)"), v.get(StreamPlayout.ON_TIME_PROPERTY).details().toString());
    assertTrue(v.get(StreamPlayout.LIP_SYNC).details().get(0).startsWith("100 audio/video pairs, worst skew 5.0 ms"), v.get(StreamPlayout.LIP_SYNC).details().toString());
  }

  @Test
  void catchesTooManyMissedFrames() {
    stream("isochronous", 0, id -> id.endsWith("0") || id.endsWith("5"));
    Verdict v = verdicts().get(StreamPlayout.ON_TIME_PROPERTY);
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), v.details().toString());
    assertTrue(v.failsInspection());
  }

  @Test
  void catchesVideoPlayedOutOfLipSync() {
    stream("isochronous", 30_000, id -> false);
    Verdict v = verdicts().get(StreamPlayout.LIP_SYNC);
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), v.details().toString());
    assertEquals(100, v.violations());
    assertTrue(v.details().get(1).contains("video played 30.0 ms after audio"), v.details().toString());
  }

  @Test
  void aNonIsochronousSinkIsShownButNotHeldToTimeOrLipSync() {
    stream("async", 30_000, id -> id.endsWith("0"));
    Map<String, Verdict> v = verdicts();
    assertEquals(Verdict.Outcome.VIOLATED, v.get(StreamPlayout.LIP_SYNC).outcome());
    assertFalse(v.get(StreamPlayout.LIP_SYNC).failsInspection(), "an asynchronous sink promises no lip sync");
    assertFalse(v.get(StreamPlayout.ON_TIME_PROPERTY).failsInspection());
  }

  @Test
  void catchesAFramePlayedTwiceOrNeverSent() {
    stream("isochronous", 0, id -> false);
    line("n2", "play", "audio", 3, 1_500_000, "isochronous");
    line("n2", "play", "audio", 500, 12_000_000, "isochronous");
    Verdict v = verdicts().get(StreamPlayout.ACCOUNTED);
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome());
    assertEquals(2, v.violations(), v.details().toString());
    assertTrue(v.details().toString().contains("audio:4 played 2x") && v.details().toString().contains("audio:501 played but never sent"), v.details().toString());
  }
}
