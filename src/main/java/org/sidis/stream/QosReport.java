package org.sidis.stream;

/**
 * What a sink achieved, to set against its {@link QosContract}: frames played on time and missed
 * (never played: lost, or late — arrived after their playout time), duplicates, frames recovered
 * by retransmission, frames asked for, datagrams dropped as bad; the measured interarrival jitter
 * and the playout delay it led to; the playout jitter (the 99th percentile of how far a frame's
 * actual playout strayed from its scheduled time); the worst audio/video skew (lip sync); and the
 * longest run of consecutive missed frames in one flow (what interleaving shortens); the delay
 * of frames from their pts to when they were played (isochronous) or delivered (the other modes),
 * beyond the shortest transit seen, at the 50th and 99th percentile; and the bit rate played.
 */
public record QosReport(
    Mode mode,
    long played,
    long missed,
    long late,
    long duplicates,
    long recovered,
    long framesAsked,
    long badDatagrams,
    long jitterUs,
    long playoutDelayUs,
    long playoutJitterUs,
    long maxSkewUs,
    long longestMissRun,
    long delayP50Us,
    long delayP99Us,
    long bitRateBps) {

  /** Played over due. */
  public double onTimeRatio() {
    long due = played + missed;
    return due == 0 ? 1.0 : (double) played / due;
  }

  /** The bound on a complex stream's audio/video skew (lip sync), the issue's ±20 ms. */
  public static final long LIP_SYNC_US = 20_000;

  /**
   * The clauses of {@code c} this run broke, in words; empty when it was kept. Every mode bounds
   * the setup delay; synchronous and isochronous the delay (p99); isochronous also the playout
   * jitter (p99), the share of frames played on time ({@code onTimeTarget}) and, for a complex
   * stream, the lip-sync skew.
   */
  public java.util.List<String> breaches(QosContract c, long setupUs, double onTimeTarget) {
    java.util.List<String> b = new java.util.ArrayList<>();
    if (setupUs > c.maxSetupDelayUs()) b.add(String.format(java.util.Locale.ROOT, "setup took %.1f ms > max setup delay %d ms", setupUs / 1000.0, c.maxSetupDelayUs() / 1000));
    if (c.mode() == Mode.ASYNC) return b;
    if (delayP99Us > c.maxDelayUs()) b.add(String.format(java.util.Locale.ROOT, "delay p99 %.1f ms > max delay %d ms", delayP99Us / 1000.0, c.maxDelayUs() / 1000));
    if (c.mode() == Mode.SYNC) return b;
    if (playoutJitterUs > c.maxJitterUs()) b.add(String.format(java.util.Locale.ROOT, "playout jitter p99 %.1f ms > max jitter %d ms", playoutJitterUs / 1000.0, c.maxJitterUs() / 1000));
    if (onTimeRatio() < onTimeTarget) b.add(String.format(java.util.Locale.ROOT, "%.2f%% of frames on time < %.2f%%", 100 * onTimeRatio(), 100 * onTimeTarget));
    if (maxSkewUs > LIP_SYNC_US) b.add(String.format(java.util.Locale.ROOT, "lip-sync skew %.1f ms > %d ms", maxSkewUs / 1000.0, LIP_SYNC_US / 1000));
    return b;
  }

  /** The report as flat fields (µs, counts, bit/s) for a progress line or JSON. */
  public java.util.Map<String, Object> fields() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("mode", mode.word());
    m.put("on_time", onTimeRatio());
    m.put("played", played);
    m.put("missed", missed);
    m.put("late", late);
    m.put("duplicates", duplicates);
    m.put("recovered", recovered);
    m.put("asked", framesAsked);
    m.put("bad", badDatagrams);
    m.put("jitter_us", jitterUs);
    m.put("playout_delay_us", playoutDelayUs);
    m.put("playout_jitter_us", playoutJitterUs);
    m.put("skew_us", maxSkewUs);
    m.put("longest_miss_run", longestMissRun);
    m.put("delay_p50_us", delayP50Us);
    m.put("delay_p99_us", delayP99Us);
    m.put("bit_rate_bps", bitRateBps);
    return m;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%s: on time %.2f%% (%d played, %d missed, %d late, %d duplicates, %d recovered of %d asked), %d bad datagrams, "
            + "J=%.1f ms, playout delay %.1f ms, playout jitter p99 %.1f ms, max A/V skew %.1f ms, longest miss run %d, "
            + "delay p50 %.1f ms p99 %.1f ms, %d kbit/s",
        mode.word(), 100 * onTimeRatio(), played, missed, late, duplicates, recovered, framesAsked, badDatagrams,
        jitterUs / 1000.0, playoutDelayUs / 1000.0, playoutJitterUs / 1000.0, maxSkewUs / 1000.0, longestMissRun,
        delayP50Us / 1000.0, delayP99Us / 1000.0, bitRateBps / 1000);
  }
}
