package org.sidis.mom;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * The gateway's admission rules as plain values, tested without a server: who may call (the
 * bearer token), and how fast (a token bucket). The gateway applies them to every request before
 * it reaches the queue manager.
 */
public final class GatewayLimits {

  private GatewayLimits() {}

  /** What the authorization check found. */
  public enum Access { ALLOWED, MISSING, WRONG }

  /**
   * Checks an {@code Authorization} header (null when absent) against the configured token (""
   * for none: every caller is allowed, which the gateway permits on loopback only). The
   * comparison takes the same time wherever the strings differ (MessageDigest.isEqual), so the
   * answer's timing does not tell a caller how much of a guess was right.
   */
  public static Access access(String token, String authorization) {
    if (token.isEmpty()) return Access.ALLOWED;
    if (authorization == null) return Access.MISSING;
    String prefix = "Bearer ";
    if (authorization.length() < prefix.length() || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Access.MISSING;
    }
    byte[] given = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8)) ? Access.ALLOWED : Access.WRONG;
  }

  /**
   * A token bucket (Turner 1986; as in RFC 2697's committed burst): {@code burst} requests at
   * once, refilled at {@code perSecond}. Time is given, not read, so tests drive it.
   */
  public static final class RateLimit {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public RateLimit(double perSecond, int burst, long nowNanos) {
      if (perSecond <= 0 || burst < 1) throw new IllegalArgumentException("a rate limit needs a rate > 0 and a burst >= 1");
      this.perSecond = perSecond;
      this.burst = burst;
      this.tokens = burst;
      this.lastNanos = nowNanos;
    }

    /** Takes one request's token: {@link Duration#ZERO} when admitted, else how long until one is there. */
    public synchronized Duration take(long nowNanos) {
      if (nowNanos > lastNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
        lastNanos = nowNanos;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
    }
  }

  /** The {@code Retry-After} value for a wait: whole seconds, at least 1 (RFC 9110, 10.2.3). */
  public static long retryAfterSeconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }
}
