package org.sidis.fault;

import com.typesafe.config.Config;

import java.util.SplittableRandom;

/**
 * Crash injection for one kind of actor (the chaos-monkey idea, in-process): before handling a
 * message, the actor asks {@link #strike}, which throws {@link InjectedFailure} with the
 * configured probability. The failure comes before the message changes any state, as a crash
 * between two messages would, so what supervision must restore is exactly the actor's state
 * between messages. Off (probability 0) unless {@code sidis.fault.inject.<target>} says otherwise.
 *
 * <p>One injector per actor, used from its own messages only; an actor restarted in the same JVM
 * goes on with its stream of draws.
 */
public final class FaultInjector {

  /** The kinds of actor that can be told to crash, as named in {@code sidis.fault.inject}. */
  public enum Target {
    WORKER("worker"), QUEUE_MANAGER("queue-manager"), SEQUENCER("sequencer");

    private final String key;

    Target(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }

  private static final FaultInjector NEVER = new FaultInjector(Target.WORKER, 0, 0);

  /**
   * Each actor's stream of draws, kept across its restarts: a restarted actor that drew again from
   * the same seed would crash at the same message after every restart.
   */
  private static final java.util.Map<String, SplittableRandom> STREAMS = new java.util.concurrent.ConcurrentHashMap<>();

  private final Target target;
  private final double probability;
  private final SplittableRandom random;
  private long struck;

  FaultInjector(Target target, double probability, long seed) {
    this(target, probability, new SplittableRandom(seed));
  }

  private FaultInjector(Target target, double probability, SplittableRandom random) {
    if (!(probability >= 0 && probability <= 1))
      throw new IllegalArgumentException("sidis.fault.inject." + target.key() + " must be a probability in [0, 1], got " + probability);
    this.target = target;
    this.probability = probability;
    this.random = random;
  }

  /** An injector that never strikes. */
  public static FaultInjector never() {
    return NEVER;
  }

  /**
   * The injector for {@code target} from the node's config ({@code sidis.fault.inject}), its
   * randomness seeded from the config's seed and {@code who} (the actor), so runs repeat.
   */
  public static FaultInjector fromConfig(Config config, Target target, String who) {
    Config inject = config.getConfig("sidis.fault.inject");
    double p = inject.getDouble(target.key());
    if (p == 0) return NEVER;
    String stream = config.getString("sidis.node.name") + who;
    long seed = inject.getLong("seed") * 31 + stream.hashCode();
    SplittableRandom random = STREAMS.computeIfAbsent(stream, k -> new SplittableRandom(seed));
    return new FaultInjector(target, p, random);
  }

  /** Throws {@link InjectedFailure} with the configured probability, naming {@code what} was being handled. */
  public void strike(String what) {
    if (probability > 0 && random.nextDouble() < probability) {
      struck++;
      throw new InjectedFailure(target.key(), what);
    }
  }

  /** How many failures this injector threw. */
  public long struck() {
    return struck;
  }
}
