package org.sidis.stream;

import org.junit.jupiter.api.Test;
import org.sidis.stream.RetransmitPolicy.Missing;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ask only for missing frames that can still be played, again only after a silent round trip. */
class RetransmitPolicyTest {

  private static final FrameId A3 = new FrameId(Flow.AUDIO, 3);
  private static final FrameId V1 = new FrameId(Flow.VIDEO, 1);

  @Test
  void asksOnlyWhileAnAnswerCanArriveBeforeThePlayoutTime() {
    RetransmitPolicy p = new RetransmitPolicy(true, 20_000, 5_000);
    assertTrue(p.shouldAsk(new Missing(A3, 125_000, -1), 100_000), "100 + 20 + 5 = 125: just in time");
    assertFalse(p.shouldAsk(new Missing(A3, 124_999, -1), 100_000), "one µs too late: not worth the link");
    assertEquals(List.of(V1), p.toAsk(List.of(new Missing(A3, 110_000, -1), new Missing(V1, 200_000, -1)), 100_000));
  }

  @Test
  void asksAgainOnlyAfterARoundTripWithoutAnswer() {
    RetransmitPolicy p = new RetransmitPolicy(true, 20_000, 0);
    assertFalse(p.shouldAsk(new Missing(A3, 1_000_000, 90_000), 100_000), "asked 10 ms ago, the answer may be on its way");
    assertTrue(p.shouldAsk(new Missing(A3, 1_000_000, 80_000), 100_000), "a round trip passed: ask or answer lost");
  }

  @Test
  void switchedOffItNeverAsks() {
    // negative control for the comparison with retransmission off
    assertFalse(RetransmitPolicy.off().shouldAsk(new Missing(A3, Long.MAX_VALUE / 2, -1), 0));
  }

  @Test
  void theRoundTripEstimateFollowsSamplesWithGainOneEighth() {
    RetransmitPolicy p = new RetransmitPolicy(true, 80_000, 0).withRttSample(0);
    assertEquals(70_000, p.rttUs());
    for (int i = 0; i < 100; i++) p = p.withRttSample(8_000);
    assertTrue(Math.abs(p.rttUs() - 8_000) < 100, "converges: " + p.rttUs());
    assertEquals(p, p.withRttSample(-5), "a negative sample (clock trouble) is ignored");
  }
}
