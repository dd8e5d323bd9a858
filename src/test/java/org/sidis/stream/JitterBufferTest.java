package org.sidis.stream;

import org.junit.jupiter.api.Test;
import org.sidis.stream.JitterBuffer.Frame;
import org.sidis.stream.JitterBuffer.Insert;
import org.sidis.stream.JitterBuffer.Release;
import org.sidis.stream.JitterBuffer.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The playout buffer: a fixed clock after a delay sized from jitter; late, missed, duplicate frames counted. */
class JitterBufferTest {

  private static final Settings SETTINGS = new Settings(10_000, 4.0, 0, 500_000);

  @Test
  void playsEachFrameAtPtsPlusOffsetPlusDelayInPtsOrderAcrossFlows() {
    JitterBuffer b = JitterBuffer.create(SETTINGS);
    long transit = 1_000_000; // the clocks' difference plus latency
    // video 0 and audio 0..1 arrive out of order
    b = b.insert(Frame.of(Flow.AUDIO, 1, 10), 20_000 + transit).buffer();
    b = b.insert(Frame.of(Flow.VIDEO, 0, 10), 0 + transit).buffer();
    b = b.insert(Frame.of(Flow.AUDIO, 0, 10), 0 + transit).buffer();
    assertEquals(10_000, b.delayUs(), "no jitter measured yet: the base delay");
    Release early = b.release(transit + 9_999);
    assertTrue(early.played().isEmpty(), "nothing is due before pts + offset + delay");
    Release r = early.buffer().release(transit + 30_000);
    assertEquals(List.of("audio:0", "video:0", "audio:1"), r.played().stream().map(p -> p.frame().id().toString()).toList());
    assertEquals(transit + 10_000, r.played().get(0).dueUs());
    assertEquals(r.played().get(0).dueUs(), r.played().get(1).dueUs(), "audio and video of one pts fall due together: lip sync");
    assertEquals(3, r.buffer().counts().played());
  }

  @Test
  void aFrameNotHereByItsPlayoutTimeIsMissedAndCountedLateWhenItComes() {
    JitterBuffer b = JitterBuffer.create(SETTINGS);
    b = b.insert(Frame.of(Flow.AUDIO, 0, 10), 0).buffer();
    b = b.insert(Frame.of(Flow.AUDIO, 2, 10), 40_000).buffer();
    assertTrue(b.awaits(new FrameId(Flow.AUDIO, 1)));
    Release r = b.release(50_000);
    assertEquals(List.of(new FrameId(Flow.AUDIO, 1)), r.missed().stream().map(JitterBuffer.Missed::id).toList());
    assertEquals(2, r.played().size());
    JitterBuffer.Inserted late = r.buffer().insert(Frame.of(Flow.AUDIO, 1, 10), 60_000);
    assertEquals(Insert.LATE, late.outcome());
    assertEquals(1, late.buffer().counts().late());
    assertEquals(1, late.buffer().counts().missed());
    assertEquals(2.0 / 3, late.buffer().counts().onTimeRatio(), 1e-9);
    // a frame arriving after its due time but before the release ran is late too, not played
    JitterBuffer c = JitterBuffer.create(SETTINGS).insert(Frame.of(Flow.AUDIO, 0, 10), 0).buffer();
    assertEquals(Insert.LATE, c.insert(Frame.of(Flow.AUDIO, 1, 10), 20_000 + 10_001).outcome());
    assertEquals(Insert.BUFFERED, c.insert(Frame.of(Flow.AUDIO, 1, 10), 20_000 + 10_000).outcome());
  }

  @Test
  void duplicatesAreCountedAndPlayedOnce() {
    JitterBuffer b = JitterBuffer.create(SETTINGS);
    b = b.insert(Frame.of(Flow.VIDEO, 0, 10), 0).buffer();
    JitterBuffer.Inserted dup = b.insert(Frame.of(Flow.VIDEO, 0, 10), 1_000);
    assertEquals(Insert.DUPLICATE, dup.outcome());
    Release r = dup.buffer().release(100_000);
    assertEquals(1, r.played().size());
    assertEquals(Insert.DUPLICATE, r.buffer().insert(Frame.of(Flow.VIDEO, 0, 10), 200_000).outcome(), "already played: a duplicate, not late");
    assertEquals(2, r.buffer().insert(Frame.of(Flow.VIDEO, 0, 10), 200_000).buffer().counts().duplicates());
  }

  @Test
  void theTailFallsDueWhenTheEndIsKnownEvenIfItNeverArrives() {
    JitterBuffer b = JitterBuffer.create(SETTINGS).insert(Frame.of(Flow.AUDIO, 0, 10), 0).buffer();
    assertEquals(1, b.release(1_000_000).played().size());
    JitterBuffer ended = b.endsAt(Flow.AUDIO, 3);
    Release r = ended.release(1_000_000);
    assertEquals(3, r.missed().size());
    assertTrue(r.buffer().finished());
    assertFalse(b.release(1_000_000).buffer().finished(), "without an end nothing says the stream is over");
  }

  @Test
  void theDelayGrowsWithMeasuredJitterAndShrinksWhenItCalmsDown() {
    Random r = new Random(11);
    JitterBuffer b = JitterBuffer.create(SETTINGS);
    long calm = b.delayUs();
    for (int i = 0; i < 500; i++) b = b.observeTransit(i * 20_000L, i * 20_000L + (long) (r.nextDouble() * 30_000));
    long noisy = b.delayUs();
    for (int i = 500; i < 800; i++) b = b.observeTransit(i * 20_000L, i * 20_000L + 2_000);
    long calmAgain = b.delayUs();
    assertTrue(noisy > calm + 30_000, "k·J with J near 10 ms adds about 40 ms: calm " + calm + ", noisy " + noisy);
    assertTrue(calmAgain < calm + 1_000, "back to the base when the jitter is gone: " + calmAgain);
    JitterBuffer capped = JitterBuffer.create(new Settings(10_000, 100.0, 0, 50_000));
    for (int i = 0; i < 100; i++) capped = capped.observeTransit(i * 20_000L, i * 20_000L + (i % 2) * 30_000);
    assertEquals(50_000, capped.delayUs(), "never beyond the maximum");
  }

  @Test
  void aDelaySizedFromJitterPlaysNearlyAllFramesOnTimeAndTheBaseDelayAloneDoesNot() {
    // uniform jitter 0..30 ms: base 0 plus 4·J (J≈10 ms) covers it; base 0 with k 0 (negative control) does not
    double sized = onTime(new Settings(0, 4.0, 0, 500_000));
    double unsized = onTime(new Settings(0, 0.0, 0, 500_000));
    assertTrue(sized > 0.99, "sized from jitter: " + sized);
    assertTrue(unsized < 0.9, "no jitter allowance: " + unsized);
  }

  private static double onTime(Settings s) {
    Random r = new Random(5);
    JitterBuffer b = JitterBuffer.create(s);
    List<long[]> arrivals = new ArrayList<>();
    for (int n = 0; n < 2000; n++) arrivals.add(new long[] {n, n * 20_000L + (long) (r.nextDouble() * 30_000)});
    arrivals.sort((x, y) -> Long.compare(x[1], y[1]));
    // the first frame to arrive sets the offset; pin it with a zero-delay frame 0 so the clock is known
    b = b.insert(Frame.of(Flow.AUDIO, 0, 1), 0).buffer().observeTransit(0, 0);
    for (long[] a : arrivals) {
      if (a[0] == 0) continue;
      b = b.release(a[1] - 1).buffer();
      b = b.observeTransit(a[0] * 20_000L, a[1]).insert(Frame.of(Flow.AUDIO, a[0], 1), a[1]).buffer();
    }
    b = b.endsAt(Flow.AUDIO, 1999).release(Long.MAX_VALUE / 4).buffer();
    return b.counts().onTimeRatio();
  }

  @Test
  void oneSharedClockKeepsLipSyncWhereOneBufferPerFlowDoesNot() {
    // audio's path is steady, video's jitters: with one buffer, both flows share the delay sized from all packets
    Random r = new Random(9);
    JitterBuffer shared = JitterBuffer.create(SETTINGS);
    JitterBuffer audioOnly = JitterBuffer.create(SETTINGS);
    JitterBuffer videoOnly = JitterBuffer.create(SETTINGS);
    for (int n = 0; n < 100; n++) {
      long aSent = Flow.AUDIO.ptsOf(n), vSent = Flow.VIDEO.ptsOf(n);
      long vArr = vSent + (long) (r.nextDouble() * 40_000);
      shared = shared.observeTransit(aSent, aSent).observeTransit(vSent, vArr);
      audioOnly = audioOnly.observeTransit(aSent, aSent);
      videoOnly = videoOnly.observeTransit(vSent, vArr);
    }
    shared = shared.insert(Frame.of(Flow.AUDIO, 0, 1), 0).buffer().insert(Frame.of(Flow.VIDEO, 0, 1), 0).buffer();
    audioOnly = audioOnly.insert(Frame.of(Flow.AUDIO, 0, 1), 0).buffer();
    videoOnly = videoOnly.insert(Frame.of(Flow.VIDEO, 0, 1), 0).buffer();
    Release both = shared.release(1_000_000);
    assertEquals(2, both.played().size());
    long sharedSkew = Math.abs(both.played().get(0).dueUs() - both.played().get(1).dueUs());
    long splitSkew = Math.abs(videoOnly.release(1_000_000).played().get(0).dueUs() - audioOnly.release(1_000_000).played().get(0).dueUs());
    assertEquals(0, sharedSkew);
    assertTrue(splitSkew > 20_000, "separate buffers drift apart by the jitter allowance: " + splitSkew + " us");
  }
}
