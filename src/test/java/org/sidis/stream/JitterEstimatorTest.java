package org.sidis.stream;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3550 §6.4.1: J += (|D| − J)/16 over transit differences, the clocks' offset cancelling. */
class JitterEstimatorTest {

  @Test
  void followsTheRfcRecurrenceStepByStep() {
    // transits 100, 116, 100: |D| = 16 then 16; J = 0 + 16/16 = 1, then 1 + (16 − 1)/16 = 1.9375
    JitterEstimator j = JitterEstimator.EMPTY.observe(0, 100);
    assertEquals(0.0, j.jitter());
    j = j.observe(1000, 1116);
    assertEquals(1.0, j.jitter(), 1e-9);
    j = j.observe(2000, 2100);
    assertEquals(1.9375, j.jitter(), 1e-9);
    assertEquals(3, j.samples());
  }

  @Test
  void aLongButSteadyPathHasNoJitterWhateverTheClockOffset() {
    // negative control: a large transit (clock offset + latency) must not pass for jitter
    JitterEstimator j = JitterEstimator.EMPTY;
    for (int i = 0; i < 200; i++) j = j.observe(i * 20_000L, i * 20_000L + 987_654_321L);
    assertEquals(0, j.jitterUs());
  }

  @Test
  void convergesToTheMeanAbsoluteTransitDifferenceOfUniformDelay() {
    // delay uniform in [0, 30 ms]: E|X − Y| = 30/3 = 10 ms for independent X, Y
    Random r = new Random(7);
    JitterEstimator j = JitterEstimator.EMPTY;
    for (int i = 0; i < 20_000; i++) j = j.observe(i * 20_000L, i * 20_000L + (long) (r.nextDouble() * 30_000));
    assertTrue(Math.abs(j.jitterUs() - 10_000) < 2_000, "J should be near 10 ms, was " + j.jitterUs() + " us");
  }

  @Test
  void forgetsOldJitterWhenThePathCalmsDown() {
    Random r = new Random(3);
    JitterEstimator j = JitterEstimator.EMPTY;
    for (int i = 0; i < 1000; i++) j = j.observe(i * 20_000L, i * 20_000L + (long) (r.nextDouble() * 30_000));
    long noisy = j.jitterUs();
    for (int i = 1000; i < 1200; i++) j = j.observe(i * 20_000L, i * 20_000L + 5_000);
    assertTrue(noisy > 5_000 && j.jitterUs() < 100, "noisy " + noisy + " us, then calm " + j.jitterUs() + " us");
  }
}
