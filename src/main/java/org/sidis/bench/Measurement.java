package org.sidis.bench;

import org.sidis.wire.Progress;

import java.util.Map;

/**
 * The measuring window a benchmark driver shares with the baseline: count deliveries of other
 * members' messages from the end of the warm-up for {@code duration}, then report the rate
 * once. Both systems are measured by this same class, so they are measured the same way.
 */
final class Measurement {
  private final String node;
  private final String system;
  private final long warmupNanos;
  private final long durationNanos;
  private long startedAt = -1;
  private long countAtWindowStart = -1;
  private long windowStartedAt;
  private long count;
  private boolean reported;
  private long rate = -1;
  private final boolean lastPhase;

  Measurement(String node, String system, java.time.Duration warmup, java.time.Duration duration) {
    this(node, system, warmup, duration, true);
  }

  /** {@code lastPhase} false: a latency phase follows, which reports {@code done} itself. */
  Measurement(String node, String system, java.time.Duration warmup, java.time.Duration duration, boolean lastPhase) {
    this.lastPhase = lastPhase;
    this.node = node;
    this.system = system;
    this.warmupNanos = warmup.toNanos();
    this.durationNanos = duration.toNanos();
  }

  void start() {
    if (startedAt == -1) startedAt = System.nanoTime();
  }

  boolean started() {
    return startedAt != -1;
  }

  void delivered(long n) {
    count += n;
  }

  boolean finished() {
    return reported;
  }

  /** The rate the window measured (deliveries per second), or -1 before it closed. */
  long rate() {
    return rate;
  }

  /** Called on a timer: opens the window after the warm-up, reports when it closes. */
  void check() {
    if (startedAt == -1 || reported) return;
    long now = System.nanoTime();
    if (countAtWindowStart == -1 && now - startedAt >= warmupNanos) {
      countAtWindowStart = count;
      windowStartedAt = now;
    } else if (countAtWindowStart != -1 && now - windowStartedAt >= durationNanos) {
      double seconds = (now - windowStartedAt) / 1e9;
      double rate = (count - countAtWindowStart) / seconds;
      reported = true;
      this.rate = Math.round(rate);
      Progress.print("bench", Map.of("node", node, "system", system, "rate", Math.round(rate),
          "delivered", count - countAtWindowStart, "seconds", Math.round(seconds * 1000) / 1000.0));
      if (lastPhase) Progress.print("done", Map.of("node", node, "delivered", count));
    }
  }

  static String payload(int size) {
    return "x".repeat(Math.max(0, size));
  }
}
