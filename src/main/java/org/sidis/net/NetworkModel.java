package org.sidis.net;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.Random;

/**
 * The adversary between two members, applied by the receiving member before it handles what
 * arrived: a random one-way delay (which reorders messages, also from one sender — real
 * networks and retransmitting middleware do) and a probability of loss. Akka's Artery keeps
 * per-connection order and loses nothing while a connection lives, so without this model an
 * ordering protocol on loopback would hardly ever be put to the test.
 *
 * <p>Settings ({@code sidis.net}): {@code delay-min}, {@code delay-max}, {@code loss}. The
 * random source is seeded, so one JVM's choices repeat for one seed.
 */
public final class NetworkModel {

  /** What the network does to one message. */
  public sealed interface Fate permits Deliver, Lose {}

  /** Arrives after {@code delayMillis} (0: now). */
  public record Deliver(long delayMillis) implements Fate {}

  /** Never arrives. */
  public enum Lose implements Fate { INSTANCE }

  public static final NetworkModel PERFECT = new NetworkModel(0, 0, 0.0, new Random(0));

  private final long delayMinMillis;
  private final long delayMaxMillis;
  private final double loss;
  private final Random random;

  public NetworkModel(long delayMinMillis, long delayMaxMillis, double loss, Random random) {
    if (delayMinMillis < 0 || delayMaxMillis < delayMinMillis)
      throw new IllegalArgumentException("network delay must satisfy 0 <= min <= max, got [" + delayMinMillis + ", " + delayMaxMillis + "]");
    if (loss < 0.0 || loss >= 1.0)
      throw new IllegalArgumentException("network loss must be in [0, 1), got [" + loss + "]");
    this.delayMinMillis = delayMinMillis;
    this.delayMaxMillis = delayMaxMillis;
    this.loss = loss;
    this.random = random;
  }

  public static NetworkModel fromConfig(Config net, long seed) {
    return new NetworkModel(
        net.getDuration("delay-min").toMillis(),
        net.getDuration("delay-max").toMillis(),
        net.getDouble("loss"),
        new Random(seed));
  }

  public boolean isPerfect() {
    return delayMaxMillis == 0 && loss == 0.0;
  }

  /** The fate of a message that may be lost (data, which the reliable layer repairs). */
  public Fate fateOfLossy() {
    if (loss > 0.0 && random.nextDouble() < loss) return Lose.INSTANCE;
    return new Deliver(delay());
  }

  /** The fate of a message that is only delayed (control messages that nothing would repeat). */
  public Fate fateOfDelayed() {
    return new Deliver(delay());
  }

  private long delay() {
    if (delayMaxMillis == 0) return 0;
    return delayMinMillis + (long) (random.nextDouble() * (delayMaxMillis - delayMinMillis + 1));
  }

  public Duration delayMax() {
    return Duration.ofMillis(delayMaxMillis);
  }

  @Override
  public String toString() {
    return "NetworkModel[delay=" + delayMinMillis + ".." + delayMaxMillis + "ms, loss=" + loss + "]";
  }
}
