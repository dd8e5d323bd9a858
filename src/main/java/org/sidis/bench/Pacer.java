package org.sidis.bench;

/**
 * A fixed offered load: {@code rate} messages per second from the moment it starts, however
 * coarse the ticks that ask it. Each tick sends what fell due since the start and was not sent
 * yet, so a late tick catches up instead of lowering the load (the offered rate is the rate, not
 * the ticks'). An immutable value: {@link #sent} returns a new one.
 */
public record Pacer(double rate, long startedAtNanos, long sent) {

  public Pacer {
    if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("a pacer's rate must be a positive number of messages per second, got " + rate);
    if (sent < 0) throw new IllegalArgumentException("sent must be >= 0, got " + sent);
  }

  public static Pacer start(double rate, long nowNanos) {
    return new Pacer(rate, nowNanos, 0);
  }

  /** How many messages are due at {@code nowNanos} and not sent yet. */
  public long due(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - startedAtNanos);
    long owed = (long) Math.floor(rate * elapsed / 1e9);
    return Math.max(0, owed - sent);
  }

  public Pacer sent(long n) {
    return new Pacer(rate, startedAtNanos, sent + n);
  }
}
