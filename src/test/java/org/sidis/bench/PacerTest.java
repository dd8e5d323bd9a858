package org.sidis.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PacerTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void sendsWhatFellDueSinceTheStartAndCatchesUpAfterALateTick() {
    Pacer p = Pacer.start(1000, 5 * SECOND);
    assertEquals(0, p.due(5 * SECOND));
    assertEquals(10, p.due(5 * SECOND + 10_000_000)); // 10 ms at 1000/s
    p = p.sent(10);
    assertEquals(0, p.due(5 * SECOND + 10_000_000));
    // A tick 90 ms late owes the 90 messages it missed: the offered load stays 1000/s.
    assertEquals(90, p.due(5 * SECOND + 100_000_000));
    p = p.sent(90);
    assertEquals(100, p.sent(), "sent over the first 100 ms: " + p);
    assertEquals(900, p.due(6 * SECOND));
  }

  @Test
  void aClockBeforeTheStartOwesNothing() {
    assertEquals(0, Pacer.start(1000, SECOND).due(0));
  }

  @Test
  void aRateThatIsNoPositiveNumberIsRefused() {
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pacer.start(bad, 0));
      assertTrue(e.getMessage().contains("positive number of messages per second"), e.getMessage());
    }
  }

  @Test
  void halfTheMeasuredRateIsSharedAmongTheOtherSenders() {
    // 3 members delivering 20,000/s of the others' messages: each of the 2 others sent 10,000/s; half is 5,000/s.
    assertEquals(5000, LatencyWindow.offeredRate(0, 20_000, 3));
    assertEquals(2500, LatencyWindow.offeredRate(0, 20_000, 5));
    assertEquals(700, LatencyWindow.offeredRate(700, 20_000, 3), "a fixed rate is the rate");
    assertEquals(1, LatencyWindow.offeredRate(0, 0, 3), "never a rate of 0");
  }
}
