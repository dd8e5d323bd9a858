package org.sidis.migration;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.trace.Events;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;
import org.sidis.wire.CborSerializable;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shell around the placement policies: it keeps the {@link PlacementView} the reports give,
 * and every {@code interval} asks its policies, in order, for a move; the first one named is
 * carried out through the actor's {@link Locator} (by name: the placer never learns more than
 * clients do). One move at a time, and none for {@code cooldown} after each: the reports that
 * follow a move need time to show it, and a decision on a view the move made stale would move a
 * second actor the first move already relieved, or move one back. A move that failed leaves the
 * actor where it was, and the view says so.
 *
 * <p>Each decision is traced ({@code place-decide}, {@code group} the actor's name) with the view it
 * was made on — every host's load, the actor's load and its callers — and its end ({@code place-done}
 * with the source's move id, or {@code place-abort}), so a checker can tell from the trace alone
 * that the policy's rule held and that the actor went where it was sent.
 */
public final class Placer extends AbstractBehavior<Placer.Command> {

  public interface Command extends CborSerializable {}

  /** Host {@code node}'s load (e.g. its actors' calls per second, or its CPU); higher is busier. */
  public record NodeLoad(String node, double load) implements Command {}

  /** Moving actor {@code actor} runs on {@code node} and adds {@code load} there. */
  public record ActorAt(String actor, String node, double load) implements Command {}

  /** {@code actor}'s calls in the reporter's last window, by caller node (replacing the window before). */
  public record Calls(String actor, Map<String, Long> byNode) implements Command {}

  /** {@code node} can host moving actors. */
  public record Host(String node) implements Command {}

  /** Where the places of moving actors send their reports. */
  public static final akka.actor.typed.receptionist.ServiceKey<Command> KEY =
      akka.actor.typed.receptionist.ServiceKey.create(Command.class, "migration-placer");

  /** Tell {@code replyTo} each move ordered and how it ended. */
  public record Subscribe(ActorRef<Decided> replyTo) implements Command {}

  /** A move the placer ordered ({@code outcome} null) or its end. */
  public record Decided(Placement placement, MoveOutcome outcome) implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  private record Ended(Placement placement, MoveOutcome outcome) implements Command {}

  private final List<PlacementPolicy> policies;
  private final Map<String, ActorRef<Locator.Command>> locators;
  private final MoveMode mode;
  private final Duration cooldown;
  private final Duration moveTimeout;
  private final int minHosts;
  private Placement moving;
  private long quietUntil = System.nanoTime();
  private final List<ActorRef<Decided>> subscribers = new java.util.ArrayList<>();
  private PlacementView view = PlacementView.empty();
  /** One voice per moving actor ({@code group} its name), sharing this placer's lseq. */
  private final Map<String, Tracer> tracers = new java.util.HashMap<>();

  /**
   * A placer of the actors {@code locators} names (each with the {@link Locator} that reaches it),
   * asking {@code policies} every {@code interval}; moves go by {@code mode}.
   */
  public static Behavior<Command> create(List<PlacementPolicy> policies, Map<String, ActorRef<Locator.Command>> locators, MoveMode mode,
                                         Duration interval, Duration cooldown, Duration moveTimeout) {
    return create(policies, locators, mode, interval, cooldown, moveTimeout, 1);
  }

  /**
   * The same, deciding nothing before {@code minHosts} hosts have reported: a placer that just
   * started knows only the hosts whose first reports have come, and the least loaded host may not
   * be among them yet.
   */
  public static Behavior<Command> create(List<PlacementPolicy> policies, Map<String, ActorRef<Locator.Command>> locators, MoveMode mode,
                                         Duration interval, Duration cooldown, Duration moveTimeout, int minHosts) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
      t.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return new Placer(ctx, policies, locators, mode, cooldown, moveTimeout, minHosts);
    }));
  }

  private Placer(ActorContext<Command> ctx, List<PlacementPolicy> policies, Map<String, ActorRef<Locator.Command>> locators, MoveMode mode,
                 Duration cooldown, Duration moveTimeout, int minHosts) {
    super(ctx);
    this.minHosts = minHosts;
    if (policies.isEmpty()) throw new IllegalArgumentException("a placer needs at least one policy");
    this.policies = List.copyOf(policies);
    this.locators = Map.copyOf(locators);
    this.mode = mode;
    this.cooldown = cooldown;
    this.moveTimeout = moveTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeLoad.class, r -> report(() -> view.withNodeLoad(r.node(), r.load()), r))
        .onMessage(ActorAt.class, r -> report(() -> view.withActor(r.actor(), r.node(), r.load()), r))
        .onMessage(Calls.class, r -> report(() -> view.withCalls(r.actor(), r.byNode() == null ? Map.of() : r.byNode()), r))
        .onMessage(Host.class, r -> report(() -> view.withHost(r.node()), r))
        .onMessage(Subscribe.class, s -> {
          subscribers.add(s.replyTo());
          return this;
        })
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Ended.class, this::onEnded)
        .build();
  }

  private Behavior<Command> report(java.util.function.Supplier<PlacementView> next, Command r) {
    try {
      view = next.get();
    } catch (IllegalArgumentException bad) {
      getContext().getLog().warn("[placer] ignores report {}: {}", r, bad.getMessage());
    }
    return this;
  }

  private Behavior<Command> onTick() {
    if (moving != null || System.nanoTime() < quietUntil || view.hosts().size() < minHosts) return this;
    Set<String> busy = new HashSet<>(view.actors().stream().filter(a -> !locators.containsKey(a)).toList()); // no way to reach it
    for (PlacementPolicy policy : policies) {
      Optional<Placement> p = policy.decide(view, busy);
      if (p.isEmpty()) continue;
      order(p.get());
      return this;
    }
    return this;
  }

  private void order(Placement p) {
    getContext().getLog().info("[placer] moves [{}] {} → {} ({}: {})", p.actor(), p.from(), p.to(), p.reason(), p.detail());
    moving = p;
    Map<String, Object> loads = new java.util.TreeMap<>();
    for (String host : view.hosts()) loads.put(host, round2(view.load(host)));
    tracer(p.actor()).event(Events.Migration.PLACE_DECIDE, Map.of(Events.Migration.FROM, p.from(), Events.Migration.TO, p.to(),
        Events.Migration.POLICY, p.reason().word(), Events.Migration.LOADS, loads, Events.Migration.ACTOR_LOAD, round2(view.actorLoad(p.actor())),
        Events.Migration.CALLS, new java.util.TreeMap<>(view.callsFrom(p.actor())), Events.Migration.REASON, p.detail() == null ? "" : p.detail()));
    for (ActorRef<Decided> s : subscribers) s.tell(new Decided(p, null));
    getContext().ask(MoveOutcome.class, locators.get(p.actor()), moveTimeout, r -> new Locator.Move(p.to(), mode, r),
        (o, failure) -> new Ended(p, o != null ? o
            : new MoveOutcome(-1, false, p.from(), p.to(), mode.word(), -1, -1, 0, 0, 0, "no outcome: " + failure)));
  }

  private Behavior<Command> onEnded(Ended e) {
    moving = null;
    quietUntil = System.nanoTime() + cooldown.toNanos();
    MoveOutcome o = e.outcome();
    Tracer tracer = tracer(e.placement().actor());
    if (o.moved()) {
      tracer.event(Events.Migration.PLACE_DONE, Map.of(Events.Migration.FROM, o.from(), Events.Migration.TO, o.to(),
          Events.Migration.MOVE, o.move(), "total_ms", round2(o.totalMs())));
    } else {
      tracer.event(Events.Migration.PLACE_ABORT, Map.of(Events.Migration.FROM, e.placement().from(), Events.Migration.TO, e.placement().to(),
          Events.Migration.REASON, String.valueOf(o.reason())));
    }
    tracer.flush();
    if (o.moved()) {
      view = view.after(e.placement());
    } else {
      getContext().getLog().warn("[placer] move of [{}] to {} did not happen: {}", e.placement().actor(), e.placement().to(), e.outcome().reason());
    }
    for (ActorRef<Decided> s : subscribers) s.tell(new Decided(e.placement(), e.outcome()));
    return this;
  }

  private Tracer tracer(String actor) {
    return tracers.computeIfAbsent(actor, a -> Traces.get(getContext().getSystem())
        .tracer(getContext().getSelf().path().toStringWithoutAddress(), Events.Proto.MIGRATION, a));
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
