package org.sidis.bench;

import org.HdrHistogram.Histogram;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency phase of a multicast bench member, after its throughput window ({@link Measurement}):
 * the member offers a fixed load — {@code rate} messages per second of its own, or, when no rate is
 * set, half of what it just measured spread over the other senders — lets the queues of the flood
 * drain for {@code settle} and until the first stamped message arrives, then records the send-to-deliver latency of every other member's
 * message for {@code duration} in an HdrHistogram, and reports it once (a {@code latency} progress
 * line with the histogram encoded, then {@code done}). sidis' drivers and the raw Akka baseline
 * share it, so both are measured the same way.
 */
final class LatencyWindow {

  /** Latency settings of {@code sidis.bench.latency}: on or off, the fixed rate (0 = half the measured one), the settle time. */
  record Settings(boolean enabled, int rate, Duration settle) {
    static Settings of(com.typesafe.config.Config bench) {
      com.typesafe.config.Config l = bench.getConfig("latency");
      return new Settings(l.getBoolean("enabled"), l.getInt("rate"), l.getDuration("settle"));
    }
  }

  private final String node;
  private final String system;
  private final Settings settings;
  private final long durationNanos;
  private Pacer pacer;
  private long openedAt = -1;
  private Histogram histogram;
  private boolean reported;
  private boolean stampSeen;

  /**
   * How long past the settle time the window waits for the first stamped message: with large
   * payloads the flood's backlog (a whole flow window of them) can outlast the settle time, and a
   * window of only unstamped deliveries would measure nothing.
   */
  static final Duration STAMP_WAIT = Duration.ofSeconds(30);

  LatencyWindow(String node, String system, Settings settings, Duration duration) {
    this.node = node;
    this.system = system;
    this.settings = settings;
    this.durationNanos = duration.toNanos();
  }

  /**
   * The rate each member offers: the fixed one, or half of {@code measuredDeliveries} per second (the
   * deliveries of the others' messages at full load) shared among the {@code members - 1} senders
   * whose messages made it — at least one message a second.
   */
  static double offeredRate(int fixed, long measuredDeliveries, int members) {
    if (fixed > 0) return fixed;
    return Math.max(1.0, measuredDeliveries / 2.0 / Math.max(1, members - 1));
  }

  boolean started() {
    return pacer != null;
  }

  boolean recording() {
    return histogram != null && !reported;
  }

  boolean finished() {
    return reported;
  }

  /** Starts offering {@code rate}; the window opens {@code settle} later. */
  void start(double rate, long nowNanos) {
    if (pacer == null) pacer = Pacer.start(rate, nowNanos);
  }

  /** How many of this member's messages are due now (0 before {@link #start}). */
  long due(long nowNanos) {
    return pacer == null ? 0 : pacer.due(nowNanos);
  }

  void sent(long n) {
    pacer = pacer.sent(n);
  }

  /** A delivery of another member's message stamped {@code sentMicros}; counted only inside the window. */
  void delivered(long sentMicros) {
    if (sentMicros >= 0 && pacer != null) stampSeen = true;
    if (!recording() || sentMicros < 0) return;
    histogram.recordValue(Math.max(0, Latencies.nowMicros() - sentMicros));
  }

  /**
   * The tick both bench members run after {@code throughput}'s window: once that window has
   * finished, starts the fixed load (the configured rate, or half the measured one) and then opens
   * and closes this window. True exactly once, at the start: the caller then starts its pace timer.
   */
  boolean follow(Measurement throughput, int members, long nowNanos) {
    boolean starting = throughput.finished() && !started();
    if (starting) start(offeredRate(settings.rate(), throughput.rate(), members), nowNanos);
    check(nowNanos);
    return starting;
  }

  /** Called on a timer: opens the window after the settle time, reports when it closes. */
  void check(long nowNanos) {
    if (pacer == null || reported) return;
    long settled = nowNanos - pacer.startedAtNanos() - settings.settle().toNanos();
    if (histogram == null && settled >= 0 && (stampSeen || settled >= STAMP_WAIT.toNanos())) {
      histogram = Latencies.histogram();
      openedAt = nowNanos;
    } else if (histogram != null && nowNanos - openedAt >= durationNanos) {
      reported = true;
      Latencies.Percentiles p = Latencies.percentiles(histogram);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("node", node);
      fields.put("system", system);
      fields.put("offered_per_s", Math.round(pacer.rate()));
      fields.put("count", p.count());
      fields.put("p50_us", p.p50());
      fields.put("p99_us", p.p99());
      fields.put("histogram", Latencies.encode(histogram));
      Progress.print("latency", fields);
      Progress.print("done", Map.of("node", node, "delivered", p.count()));
    }
  }
}
