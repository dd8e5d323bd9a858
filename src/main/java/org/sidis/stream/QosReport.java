package org.sidis.stream;

/**
 * What a sink achieved, to set against its {@link QosContract}: frames played on time and missed
 * (never played: lost, or late — arrived after their playout time), duplicates, frames recovered
 * by retransmission, frames asked for, datagrams dropped as bad; the measured interarrival jitter
 * and the playout delay it led to; the playout jitter (the 99th percentile of how far a frame's
 * actual playout strayed from its scheduled time); the worst audio/video skew (lip sync); and the
 * longest run of consecutive missed frames in one flow (what interleaving shortens).
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
    long longestMissRun) {

  /** Played over due. */
  public double onTimeRatio() {
    long due = played + missed;
    return due == 0 ? 1.0 : (double) played / due;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%s: on time %.2f%% (%d played, %d missed, %d late, %d duplicates, %d recovered of %d asked), %d bad datagrams, "
            + "J=%.1f ms, playout delay %.1f ms, playout jitter p99 %.1f ms, max A/V skew %.1f ms, longest miss run %d",
        mode.word(), 100 * onTimeRatio(), played, missed, late, duplicates, recovered, framesAsked, badDatagrams,
        jitterUs / 1000.0, playoutDelayUs / 1000.0, playoutJitterUs / 1000.0, maxSkewUs / 1000.0, longestMissRun);
  }
}
