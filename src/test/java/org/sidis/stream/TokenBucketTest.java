package org.sidis.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket: bursts up to its size, then the rate. */
class TokenBucketTest {

  @Test
  void aFullBucketLetsABurstGoThenPacesAtTheRate() {
    TokenBucket b = TokenBucket.full(100_000, 3_000, 0); // 100 kB/s: 1000 bytes per 10 ms
    assertEquals(0, b.whenMay(1_000, 0));
    b = b.take(1_000, 0).take(1_000, 0).take(1_000, 0);
    assertFalse(b.mayGo(1_000, 0), "the burst is spent");
    assertEquals(10_000, b.whenMay(1_000, 0), "1000 bytes accrue in 10 ms");
    assertEquals(5_000, b.whenMay(500, 0));
    assertTrue(b.mayGo(1_000, 10_000));
    assertEquals(10_000, b.whenMay(1_000, 7_000), "asking later does not move the answer");
    assertEquals(12_000, b.whenMay(1_000, 12_000), "never an answer in the past");
  }

  @Test
  void overALongRunItSendsNoMoreThanBurstPlusRateTimesTime() {
    TokenBucket b = TokenBucket.full(50_000, 2_000, 0);
    long now = 0, sent = 0;
    while (now < 1_000_000) {
      now = b.whenMay(700, now);
      if (now >= 1_000_000) break;
      b = b.take(700, now);
      sent += 700;
    }
    assertTrue(sent <= 2_000 + 50_000, "sent " + sent + " bytes in 1 s");
    assertTrue(sent >= 50_000 - 700, "and it does not starve: sent " + sent);
  }

  @Test
  void tokensNeverExceedTheBurstHoweverLongItIdles() {
    TokenBucket b = TokenBucket.full(1_000, 500, 0).take(500, 0);
    assertEquals(500, b.at(1_000_000_000L).tokens(), 1e-9);
  }

  @Test
  void aPacketLargerThanTheBurstIsAnErrorNotAWaitForever() {
    TokenBucket b = TokenBucket.full(1_000, 500, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.whenMay(501, 0));
    assertTrue(e.getMessage().contains("exceeds the token bucket's burst"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> b.take(400, 0).take(400, 0));
    assertThrows(IllegalArgumentException.class, () -> TokenBucket.full(0, 500, 0));
  }
}
