package org.sidis.stream;

/**
 * Traffic shaping by a token bucket: tokens (bytes) accrue at {@code rate} bytes per second up
 * to {@code burst}; a packet of N bytes may go when the bucket holds N tokens, and takes them. So
 * over any interval T the source sends at most {@code burst + rate·T} bytes, smoothing its
 * bursts (an interleaving block, a retransmission) to what the contract's bit rate admitted.
 * Immutable; times in µs on the sender's clock.
 */
public record TokenBucket(long rateBytesPerSec, long burstBytes, double tokens, long atUs) {

  public TokenBucket {
    if (rateBytesPerSec <= 0) throw new IllegalArgumentException("token bucket rate must be positive, got [" + rateBytesPerSec + "] bytes/s");
    if (burstBytes <= 0) throw new IllegalArgumentException("token bucket burst must be positive, got [" + burstBytes + "] bytes");
    if (tokens < 0 || tokens > burstBytes) throw new IllegalArgumentException("tokens must be within [0, burst], got [" + tokens + "]");
  }

  /** A full bucket at {@code nowUs}. */
  public static TokenBucket full(long rateBytesPerSec, long burstBytes, long nowUs) {
    return new TokenBucket(rateBytesPerSec, burstBytes, burstBytes, nowUs);
  }

  /** The bucket at {@code nowUs}, with the tokens accrued since; time never runs backwards here. */
  public TokenBucket at(long nowUs) {
    if (nowUs <= atUs) return this;
    double t = Math.min(burstBytes, tokens + (nowUs - atUs) * rateBytesPerSec / 1e6);
    return new TokenBucket(rateBytesPerSec, burstBytes, t, nowUs);
  }

  /**
   * The earliest time, not before {@code nowUs}, at which a packet of {@code bytes} may go. A
   * packet larger than the burst can never go: an {@link IllegalArgumentException} saying so.
   */
  public long whenMay(long bytes, long nowUs) {
    if (bytes > burstBytes) throw new IllegalArgumentException("a packet of " + bytes + " bytes exceeds the token bucket's burst of " + burstBytes + " bytes: it could never be sent");
    TokenBucket now = at(nowUs);
    if (now.tokens >= bytes) return Math.max(nowUs, atUs);
    return now.atUs + (long) Math.ceil((bytes - now.tokens) * 1e6 / rateBytesPerSec);
  }

  /** Whether a packet of {@code bytes} may go at {@code nowUs}. */
  public boolean mayGo(long bytes, long nowUs) {
    return bytes <= burstBytes && at(nowUs).tokens >= bytes;
  }

  /** The bucket after a packet of {@code bytes} went at {@code nowUs}; refused when it may not. */
  public TokenBucket take(long bytes, long nowUs) {
    TokenBucket now = at(nowUs);
    if (bytes > burstBytes || now.tokens < bytes)
      throw new IllegalStateException("a packet of " + bytes + " bytes may not go at " + nowUs + "us: the bucket holds " + (long) now.tokens + " bytes");
    return new TokenBucket(rateBytesPerSec, burstBytes, now.tokens - bytes, now.atUs);
  }
}
