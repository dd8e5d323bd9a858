package org.sidis.fault;

import org.sidis.trace.Events;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import org.sidis.trace.Traces;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's one supervision policy, read once from {@code sidis.node.supervision}: every service
 * actor the guardian spawns is restarted with exponential backoff when it throws, up to a number
 * of restarts; past that it stops and the guardian stops the node. This is failure transparency
 * by supervision (Akka's "let it crash"): a service's own state comes back from what it keeps
 * (a journal, a peer, a re-sent request), and its clients retry through the same address.
 *
 * <p>Every restart is traced on the node's trace ({@code proto} {@code node}, {@code event}
 * {@code restart}, with the actor and the cause), so a run shows when supervision acted.
 */
public record Supervision(Duration minBackoff, Duration maxBackoff, double randomFactor, int maxRestarts, Duration resetAfter) {

  /** The trace event of a supervised restart. */
  public static final String RESTART = Events.Node.RESTART;

  public static Supervision fromConfig(Config node) {
    Config c = node.getConfig("supervision");
    Supervision s = new Supervision(c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getDouble("random-factor"),
        c.getInt("max-restarts"), c.getDuration("reset-after"));
    if (s.minBackoff.isNegative() || s.minBackoff.isZero() || s.maxBackoff.compareTo(s.minBackoff) < 0)
      throw new IllegalArgumentException("sidis.node.supervision: need 0 < min-backoff <= max-backoff, got "
          + s.minBackoff + " and " + s.maxBackoff);
    if (s.maxRestarts < 0) throw new IllegalArgumentException("sidis.node.supervision.max-restarts must be >= 0, got " + s.maxRestarts);
    return s;
  }

  /** {@code behavior} under this policy, each restart traced; its children stop when it restarts (Akka's default). */
  public <T> Behavior<T> supervise(Behavior<T> behavior) {
    return supervise(behavior, false);
  }

  /**
   * {@code behavior} under this policy, each restart traced. With {@code keepChildren} its
   * children keep running through its restart and the restarted actor takes them up again, so
   * state that lives in them (a queue's deliveries and waiting consumers) outlives a crash of
   * their parent. Such an actor restarts at once, without backoff: nothing it depends on failed,
   * and while a backoff lasted its clients' retries would pile up in the restart stash and meet
   * the next crash together (seen in demo supervision: a retry storm that kept a queue manager
   * down). Past max-restarts within reset-after it stops, and its children with it.
   */
  public <T> Behavior<T> supervise(Behavior<T> behavior, boolean keepChildren) {
    if (keepChildren) {
      return Behaviors.supervise(traced(behavior)).onFailure(Exception.class,
          SupervisorStrategy.restart().withLimit(maxRestarts, resetAfter).withStopChildren(false));
    }
    return Behaviors.supervise(traced(behavior)).onFailure(Exception.class,
        SupervisorStrategy.restartWithBackoff(minBackoff, maxBackoff, randomFactor)
            .withMaxRestarts(maxRestarts)
            .withResetBackoffAfter(resetAfter));
  }

  /**
   * {@code behavior}, which its caller puts under a restarting supervisor, with every restart
   * written to the node's trace ({@code event} {@code restart}, the {@code cause}) and its log.
   */
  public static <T> Behavior<T> traced(Behavior<T> behavior) {
    AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    return Behaviors.setup(ctx -> {
      Throwable cause = lastFailure.getAndSet(null);
      if (cause != null) {
        Traces.get(ctx.getSystem()).tracer(ctx.getSelf().path().toStringWithoutAddress(), Events.Proto.NODE, null)
            .event(RESTART, Map.of("cause", String.valueOf(cause)));
        ctx.getLog().warn("[{}] restarted by its supervisor after: {}", ctx.getSelf().path().name(), cause.toString());
      }
      return Behaviors.intercept(() -> new FailureWitness<>(lastFailure), behavior);
    });
  }

  /**
   * Remembers what a behavior threw, for the trace line of its restart, and lets it fly on to the
   * supervisor: it handles nothing.
   */
  private static final class FailureWitness<T> extends BehaviorInterceptor<T, T> {
    private final AtomicReference<Throwable> lastFailure;

    @SuppressWarnings("unchecked")
    FailureWitness(AtomicReference<Throwable> lastFailure) {
      super((Class<T>) (Class<?>) Object.class); // every message passes through
      this.lastFailure = lastFailure;
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
      return witnessed(() -> target.start(ctx));
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      return witnessed(() -> target.apply(ctx, msg));
    }

    private Behavior<T> witnessed(java.util.function.Supplier<Behavior<T>> step) {
      try {
        return step.get();
      } catch (RuntimeException | Error e) {
        lastFailure.set(e);
        throw e;
      }
    }
  }
}
