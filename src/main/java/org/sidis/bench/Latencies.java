package org.sidis.bench;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.zip.DataFormatException;

/**
 * Send-to-deliver latencies of the multicast bench: the clock every member stamps and reads, how a
 * member's HdrHistogram travels to the bench (compressed, Base64, one line) and how the members'
 * histograms merge into one system's percentiles.
 *
 * <p>The clock is the wall clock in microseconds since the epoch, not {@link System#nanoTime}: a
 * message is stamped in one JVM and read in another, and {@code nanoTime}'s origin is each JVM's
 * own (the Javadoc promises nothing across JVMs). All members of a bench run on one machine, so
 * they read one system clock; each JVM reads it once ({@link Instant#now()}, microsecond-precise on
 * Linux with Java 17; the tightest of a few readings between two {@code nanoTime}s) and moves it on
 * by {@code nanoTime} from there, so the stamps keep nanoTime's
 * resolution and a clock step (NTP) during the run does not show as a latency. The two readings
 * of two JVMs differ by the error of one {@code Instant.now()}, a few microseconds at most.
 */
public final class Latencies {

  /** Histograms keep 3 significant digits (0.1 % error), as HdrHistogram's own examples do. */
  static final int DIGITS = 3;

  private static final long ANCHOR_MICROS;
  private static final long ANCHOR_NANOS;

  static {
    // The wall clock read between two nanoTime readings, keeping the tightest of a few tries: on a
    // loaded machine a thread can lose the CPU between two readings, which would offset every stamp.
    long bestGap = Long.MAX_VALUE;
    long anchorNanos = 0;
    long anchorMicros = 0;
    for (int i = 0; i < 20; i++) {
      long before = System.nanoTime();
      Instant now = Instant.now();
      long after = System.nanoTime();
      if (after - before < bestGap) {
        bestGap = after - before;
        anchorNanos = before + (after - before) / 2;
        anchorMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
      }
    }
    ANCHOR_NANOS = anchorNanos;
    ANCHOR_MICROS = anchorMicros;
  }

  private Latencies() {}

  /** Now, in microseconds since the epoch, on the clock all members share (see the class comment). */
  public static long nowMicros() {
    return ANCHOR_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1_000;
  }

  /** An empty histogram of microseconds that grows as needed. */
  public static Histogram histogram() {
    return new Histogram(DIGITS);
  }

  /** {@code h} compressed and Base64-encoded: one word a progress line or a child's stdout can carry. */
  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  /** The histogram {@link #encode} wrote; a text that is not one is refused, naming what was wrong. */
  public static Histogram decode(String encoded) {
    try {
      byte[] bytes = Base64.getDecoder().decode(encoded);
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (IllegalArgumentException | DataFormatException | java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("not an encoded latency histogram (" + e.getMessage() + "): "
          + (encoded.length() > 40 ? encoded.substring(0, 40) + "…" : encoded), e);
    }
  }

  /** One system's latencies in one round: every member's deliveries in one histogram. */
  public record Percentiles(long count, long p50, long p99, long p999, long max) {}

  /**
   * The members' histograms merged, then read: percentiles of all deliveries at all members — not
   * an average of each member's percentiles, which is no percentile of anything.
   */
  public static Percentiles merged(Collection<String> encoded) {
    Histogram all = histogram();
    for (String e : encoded) all.add(decode(e));
    return percentiles(all);
  }

  public static Percentiles percentiles(Histogram h) {
    if (h.getTotalCount() == 0) return new Percentiles(0, 0, 0, 0, 0);
    return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  /** A payload of {@code size} bytes that starts with the send stamp (a payload too short for it grows to hold it). */
  public static String stamped(long micros, int size) {
    String stamp = Long.toString(micros) + ':';
    return stamp.length() >= size ? stamp : stamp + "x".repeat(size - stamp.length());
  }

  /** The send stamp {@link #stamped} put at the start of {@code payload}, or -1 when it carries none. */
  public static long stampOf(String payload) {
    int colon = payload.indexOf(':');
    if (colon <= 0 || colon > 19) return -1;
    try {
      return Long.parseLong(payload, 0, colon, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
