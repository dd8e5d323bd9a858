package org.sidis.mom;

import org.junit.jupiter.api.Test;
import org.sidis.mom.GatewayLimits.Access;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The gateway's admission rules and its payload codec, as values. */
class GatewayLimitsTest {

  @Test
  void aTokenIsRequiredOnlyWhenOneIsConfigured() {
    assertEquals(Access.ALLOWED, GatewayLimits.access("", null), "no token configured: loopback gateway, open");
    assertEquals(Access.MISSING, GatewayLimits.access("s3cret", null));
    assertEquals(Access.MISSING, GatewayLimits.access("s3cret", "Basic czNjcmV0"), "another scheme is no bearer token");
    assertEquals(Access.WRONG, GatewayLimits.access("s3cret", "Bearer s3cre"));
    assertEquals(Access.WRONG, GatewayLimits.access("s3cret", "Bearer s3cret2"));
    assertEquals(Access.ALLOWED, GatewayLimits.access("s3cret", "Bearer s3cret"));
    assertEquals(Access.ALLOWED, GatewayLimits.access("s3cret", "bearer s3cret"), "the scheme is case-insensitive (RFC 9110, 11.1)");
  }

  @Test
  void theRateLimitAdmitsABurstThenOneRequestPerRefill() {
    long t = 1_000_000_000L;
    GatewayLimits.RateLimit rate = new GatewayLimits.RateLimit(2, 3, t);
    for (int i = 0; i < 3; i++) assertEquals(Duration.ZERO, rate.take(t), "request " + i + " of the burst");
    Duration wait = rate.take(t);
    assertEquals(Duration.ofMillis(500), wait, "at 2/s the next token comes in 0.5 s");
    assertEquals(1, GatewayLimits.retryAfterSeconds(wait), "Retry-After is whole seconds, at least 1");
    assertEquals(Duration.ZERO, rate.take(t + 500_000_000L), "a token came back after 0.5 s");
    assertFalse(rate.take(t + 500_000_000L).isZero(), "and only one");
    assertEquals(Duration.ZERO, rate.take(t + 60_000_000_000L));
    assertEquals(Duration.ZERO, rate.take(t + 60_000_000_000L));
    assertEquals(Duration.ZERO, rate.take(t + 60_000_000_000L));
    assertFalse(rate.take(t + 60_000_000_000L).isZero(), "a long pause refills the bucket to its burst, no more");
    assertEquals(3, GatewayLimits.retryAfterSeconds(Duration.ofMillis(2001)));
  }

  @Test
  void textBodiesStayTextAndAnyOtherBytesComeBackExactly() {
    assertEquals("héllo {\"a\":1}", GatewayPayload.fromBody("héllo {\"a\":1}".getBytes(StandardCharsets.UTF_8)),
        "a consumer in the cluster reads a UTF-8 body as its text");
    assertEquals("", GatewayPayload.fromBody(new byte[0]));
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) all[i] = (byte) i;
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    byte[] marked = (GatewayPayload.MARK + "base64:AAAA").getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] body : new byte[][] {all, random, marked, latin1}) {
      String payload = GatewayPayload.fromBody(body);
      assertArrayEquals(body, GatewayPayload.toBody(payload), () -> "round trip of " + Arrays.toString(Arrays.copyOf(body, 16)) + "…");
    }
    // Negative control: carried as a (lenient) UTF-8 string, as the old gateway did, these bytes are lost.
    assertFalse(Arrays.equals(all, new String(all, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
    assertFalse(Arrays.equals(latin1, new String(latin1, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aNonLoopbackBindNeedsATokenAndTls() {
    Gateway.Settings open = Gateway.Settings.on(0).withHost("198.18.0.1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open::check);
    assertTrue(e.getMessage().contains("not a loopback address") && e.getMessage().contains("has token: false, has TLS: false"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, open.withToken("t")::check, "a token without TLS would travel in clear");
    assertTrue(e.getMessage().contains("has token: true, has TLS: false"), e.getMessage());
    Gateway.Settings.on(0).check(); // loopback without a token is allowed
    Gateway.Settings.on(0).withHost("localhost").check();
  }
}
