package org.sidis.net;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The adversary between nodes, applied by the receiving side before it handles what arrived:
 * per link (one way, from → to) a random one-way delay, which reorders messages — also from
 * one sender, as real networks and retransmitting middleware do — a probability of loss and a
 * probability of duplication; and {@link Partitions}, sets of nodes that cannot talk. Akka's
 * Artery keeps per-connection order and loses nothing while a connection lives, so without
 * this model a protocol on loopback would hardly ever be put to the test; in-process runs
 * (simulations, benchmarks of many nodes in one JVM) get their whole network from it.
 *
 * <p>Settings ({@code sidis.net}): {@code delay-min}, {@code delay-max}, {@code loss},
 * {@code duplicate} for every link, {@code links} for the links that differ,
 * {@code partitions}, and {@code control-loss}: the probability of losing a control message
 * (hello, status, retransmission request, ordering and hand-over messages) where a protocol
 * asks for {@link #fateOfControl} — Artery drops those too, on outbound-queue overflow and
 * association restarts, so a protocol that sends one only once must be caught out here. The random source is seeded, so one node's choices repeat for one seed;
 * nodes of one run share the links and the partitions ({@link #forNode}) but draw from their
 * own random sources.
 */
public final class NetworkModel {

  /** What the network does to one message. */
  public sealed interface Fate permits Deliver, Duplicate, Lose, Cut {}

  /** Arrives after {@code delayMillis} (0: now). */
  public record Deliver(long delayMillis) implements Fate {}

  /** Arrives twice, after each delay. */
  public record Duplicate(long firstDelayMillis, long secondDelayMillis) implements Fate {}

  /** Never arrives: lost on the link. */
  public enum Lose implements Fate { INSTANCE }

  /** Never arrives: sender and receiver are on different sides of a partition. */
  public enum Cut implements Fate { INSTANCE }

  /** One direction of a link: delay drawn uniformly from [min, max], loss and duplication probabilities. */
  public record Link(long delayMinMillis, long delayMaxMillis, double loss, double duplicate) {
    public static final Link PERFECT = new Link(0, 0, 0.0, 0.0);

    public Link {
      if (delayMinMillis < 0 || delayMaxMillis < delayMinMillis)
        throw new IllegalArgumentException("network delay must satisfy 0 <= min <= max, got [" + delayMinMillis + ", " + delayMaxMillis + "]");
      if (loss < 0.0 || loss >= 1.0)
        throw new IllegalArgumentException("network loss must be in [0, 1), got [" + loss + "]");
      if (duplicate < 0.0 || duplicate >= 1.0)
        throw new IllegalArgumentException("network duplication must be in [0, 1), got [" + duplicate + "]");
    }

    /** A link with a fixed one-way latency and nothing else. */
    public static Link latency(long millis) {
      return new Link(millis, millis, 0.0, 0.0);
    }

    public boolean isPerfect() {
      return delayMaxMillis == 0 && loss == 0.0 && duplicate == 0.0;
    }
  }

  public static final NetworkModel PERFECT = new NetworkModel(0, 0, 0.0, new Random(0));

  private final Link defaults;
  private final Map<String, Link> links;
  private final Partitions partitions;
  private final Random random;
  private final double controlLoss;

  public NetworkModel(long delayMinMillis, long delayMaxMillis, double loss, Random random) {
    this(new Link(delayMinMillis, delayMaxMillis, loss, 0.0), Map.of(), Partitions.none(), random);
  }

  /**
   * @param links one-way links that differ from {@code defaults}, keyed {@link #linkKey(String, String)}
   */
  public NetworkModel(Link defaults, Map<String, Link> links, Partitions partitions, Random random) {
    this(defaults, links, partitions, random, 0.0);
  }

  /** As above, losing control messages ({@link #fateOfControl}) with probability {@code controlLoss}. */
  public NetworkModel(Link defaults, Map<String, Link> links, Partitions partitions, Random random, double controlLoss) {
    if (controlLoss < 0.0 || controlLoss >= 1.0)
      throw new IllegalArgumentException("network control-loss must be in [0, 1), got [" + controlLoss + "]");
    this.controlLoss = controlLoss;
    this.defaults = defaults;
    this.links = Map.copyOf(links);
    this.partitions = partitions;
    this.random = random;
  }

  public static String linkKey(String from, String to) {
    return from + "->" + to;
  }

  public static NetworkModel fromConfig(Config net, long seed) {
    Link defaults = link(net, null);
    Map<String, Link> links = new HashMap<>();
    if (net.hasPath("links")) {
      for (Config l : net.getConfigList("links")) {
        String from = l.getString("from");
        String to = l.getString("to");
        Link link = link(l, defaults);
        links.put(linkKey(from, to), link);
        if (l.hasPath("both-ways") && l.getBoolean("both-ways")) links.put(linkKey(to, from), link);
      }
    }
    Partitions partitions = Partitions.none();
    if (net.hasPath("partitions") && !net.getList("partitions").isEmpty()) {
      List<List<String>> sides = new ArrayList<>();
      for (Object side : net.getList("partitions").unwrapped()) {
        if (!(side instanceof List<?> names))
          throw new IllegalArgumentException("sidis.net.partitions must be a list of lists of node names, got " + net.getList("partitions").unwrapped());
        sides.add(names.stream().map(String::valueOf).toList());
      }
      partitions.cut(sides);
    }
    double controlLoss = net.hasPath("control-loss") ? net.getDouble("control-loss") : 0.0;
    return new NetworkModel(defaults, links, partitions, new Random(seed), controlLoss);
  }

  private static Link link(Config c, Link fallback) {
    Link fb = fallback == null ? Link.PERFECT : fallback;
    try {
      return new Link(
          c.hasPath("delay-min") ? c.getDuration("delay-min").toMillis() : fb.delayMinMillis(),
          c.hasPath("delay-max") ? c.getDuration("delay-max").toMillis() : fb.delayMaxMillis(),
          c.hasPath("loss") ? c.getDouble("loss") : fb.loss(),
          c.hasPath("duplicate") ? c.getDouble("duplicate") : fb.duplicate());
    } catch (IllegalArgumentException e) {
      // name the settings, not only the value: the user's file says sidis.net.duplicate, not "duplication"
      throw new IllegalArgumentException("sidis.net" + (fallback == null ? "" : ".links") + " (delay-min, delay-max, loss, duplicate): " + e.getMessage(), e);
    }
  }

  /** The same links and partitions, with a random source of its own: one per node of a run. */
  public NetworkModel forNode(long seed) {
    return new NetworkModel(defaults, links, partitions, new Random(seed), controlLoss);
  }

  public Partitions partitions() {
    return partitions;
  }

  /** Nothing to apply: no delay, loss or duplication on any link, and no partition now. */
  public boolean isPerfect() {
    return defaults.isPerfect() && controlLoss == 0.0 && links.values().stream().allMatch(Link::isPerfect) && !partitions.active();
  }

  /** The fate of one message on the link {@code from → to}. */
  public Fate fate(String from, String to) {
    if (!partitions.canTalk(from, to)) return Cut.INSTANCE;
    Link l = links.isEmpty() ? defaults : links.getOrDefault(linkKey(from, to), defaults);
    if (l.loss() > 0.0 && random.nextDouble() < l.loss()) return Lose.INSTANCE;
    long first = delay(l);
    if (l.duplicate() > 0.0 && random.nextDouble() < l.duplicate()) return new Duplicate(first, delay(l));
    return new Deliver(first);
  }

  /** The fate of a message that may be lost (data, which the reliable layer repairs), on the default link. */
  public Fate fateOfLossy() {
    if (defaults.loss() > 0.0 && random.nextDouble() < defaults.loss()) return Lose.INSTANCE;
    return new Deliver(delay(defaults));
  }

  /** The fate of a message that is only delayed, on the default link. */
  public Fate fateOfDelayed() {
    return new Deliver(delay(defaults));
  }

  /**
   * The fate of a control message on the default link: delayed, and lost with probability
   * {@code control-loss}. A protocol must repeat every control message it depends on.
   */
  public Fate fateOfControl() {
    if (controlLoss > 0.0 && random.nextDouble() < controlLoss) return Lose.INSTANCE;
    return new Deliver(delay(defaults));
  }

  public double controlLoss() {
    return controlLoss;
  }

  private long delay(Link l) {
    if (l.delayMaxMillis() == 0) return 0;
    return l.delayMinMillis() + (long) (random.nextDouble() * (l.delayMaxMillis() - l.delayMinMillis() + 1));
  }

  public Duration delayMax() {
    return Duration.ofMillis(defaults.delayMaxMillis());
  }

  @Override
  public String toString() {
    return "NetworkModel[delay=" + defaults.delayMinMillis() + ".." + defaults.delayMaxMillis() + "ms, loss=" + defaults.loss()
        + ", duplicate=" + defaults.duplicate() + (controlLoss > 0 ? ", control-loss=" + controlLoss : "") + (links.isEmpty() ? "" : ", " + links.size() + " links set apart")
        + (partitions.active() ? ", " + partitions : "") + "]";
  }
}
