package org.sidis.stream;

/**
 * The interarrival jitter of RFC 3550 (RTP), section 6.4.1 and appendix A.8: for two packets
 * {@code i} and {@code j}, {@code D(i,j) = (Rj − Ri) − (Sj − Si)} — the change in one-way transit
 * time, where {@code S} is the sender's timestamp and {@code R} the arrival on the receiver's
 * clock — and after each packet {@code J += (|D| − J) / 16}. The gain 1/16 is the RFC's: it
 * smooths noise yet follows a change in a few dozen packets. The two clocks need not agree: a
 * constant offset between them cancels in {@code D}, so a long but steady path has no jitter.
 * Packets are taken in arrival order, as the RFC does, whatever their sequence numbers.
 * Values in microseconds; the estimate is kept as a double so small jitter is not rounded away.
 */
public record JitterEstimator(double jitter, long lastTransitUs, long samples) {

  public static final JitterEstimator EMPTY = new JitterEstimator(0.0, 0, 0);

  public JitterEstimator {
    if (jitter < 0 || Double.isNaN(jitter)) throw new IllegalArgumentException("jitter must be a non-negative number, got [" + jitter + "]");
    if (samples < 0) throw new IllegalArgumentException("samples must not be negative");
  }

  /** The estimate after a packet sent at {@code sentUs} (sender's clock) arrived at {@code arrivalUs} (ours). */
  public JitterEstimator observe(long sentUs, long arrivalUs) {
    long transit = arrivalUs - sentUs;
    if (samples == 0) return new JitterEstimator(0.0, transit, 1);
    long d = Math.abs(transit - lastTransitUs);
    return new JitterEstimator(jitter + (d - jitter) / 16.0, transit, samples + 1);
  }

  /** The current estimate J, µs, rounded. */
  public long jitterUs() {
    return Math.round(jitter);
  }
}
