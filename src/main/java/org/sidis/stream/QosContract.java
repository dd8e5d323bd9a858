package org.sidis.stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sink asks of a stream (seed notes, "Qualidade de servico"): the bit rate the transport
 * must carry, the maximum end-to-end delay, the maximum jitter, the maximum delay until the
 * session is set up (when the application may begin to send), and the transmission {@link Mode}.
 * Asynchronous streams bound no delay; synchronous ones bound the delay; isochronous ones the
 * delay and its variation. Whether a path can keep a contract is {@link Admission}'s question.
 */
public record QosContract(long bitRateBps, long maxDelayUs, long maxJitterUs, long maxSetupDelayUs, Mode mode) {

  /** The keys of a contract in HOCON ({@code sidis.stream.contract}); any other key is refused by name. */
  public static final Set<String> KEYS = Set.of("bit-rate", "max-delay", "max-jitter", "max-setup-delay", "mode");

  public QosContract {
    if (mode == null) throw new IllegalArgumentException("a QoS contract needs a mode");
    if (bitRateBps <= 0) throw new IllegalArgumentException("QoS bit-rate must be positive, got [" + bitRateBps + "] bit/s");
    if (maxDelayUs <= 0) throw new IllegalArgumentException("QoS max-delay must be positive, got [" + maxDelayUs + "] us");
    if (maxJitterUs < 0) throw new IllegalArgumentException("QoS max-jitter must not be negative, got [" + maxJitterUs + "] us");
    if (maxSetupDelayUs <= 0) throw new IllegalArgumentException("QoS max-setup-delay must be positive, got [" + maxSetupDelayUs + "] us");
    if (maxJitterUs > maxDelayUs)
      throw new IllegalArgumentException("QoS max-jitter (" + maxJitterUs + " us) cannot exceed max-delay (" + maxDelayUs + " us): the delay varies within [0, max-delay]");
  }

  /**
   * A contract from HOCON: {@code bit-rate} (bits per second, or with a unit such as {@code 2M}
   * read as bits), {@code max-delay}, {@code max-jitter}, {@code max-setup-delay} (durations) and
   * {@code mode}. A key that is not one of these is an error naming it, never silently ignored.
   */
  public static QosContract fromConfig(Config c) {
    Set<String> unknown = new TreeSet<>();
    c.root().keySet().forEach(k -> { if (!KEYS.contains(k)) unknown.add(k); });
    if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown QoS field(s) " + unknown + "; a contract has " + new TreeSet<>(KEYS));
    try {
      return new QosContract(
          c.getBytes("bit-rate"),
          micros(c.getDuration("max-delay")),
          micros(c.getDuration("max-jitter")),
          micros(c.getDuration("max-setup-delay")),
          Mode.parse(c.getString("mode")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("QoS contract: " + e.getMessage(), e);
    }
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }

  @Override
  public String toString() {
    return mode.word() + " " + bitRateBps / 1000 + " kbit/s, delay <= " + maxDelayUs / 1000 + " ms, jitter <= " + maxJitterUs / 1000
        + " ms, setup <= " + maxSetupDelayUs / 1000 + " ms";
  }
}
