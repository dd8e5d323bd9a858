package org.sidis.migration;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.migration.MigrationProtocol.*;
import org.sidis.trace.Events;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A client's handle on the moving actor by its stable name (location and migration
 * transparency, Tanenbaum &amp; van Steen ch. 1 and 3): the application asks it to call, and it
 * sends the request to where the actor last answered from. A request that reaches a node the
 * actor left follows the forwarding pointers there; the answer names where the actor runs, so
 * the next request goes straight there. A request unanswered for {@code retry-after} (its node
 * died, or a refusal) is resent with the same id to where the Receptionist lists the actor —
 * the actor applies an id once, so the resend cannot count twice. The application never sees an
 * error for a move. One request in flight per client, in the order asked.
 */
public final class Locator extends AbstractBehavior<Locator.Command> {

  public interface Command {}

  /** Increment the actor's counter; {@code replyTo} gets the value it returned. */
  public record Call(ActorRef<Long> replyTo) implements Command {}

  /** Move the actor to {@code targetNode}. */
  public record Move(String targetNode, MoveMode mode, ActorRef<MoveOutcome> replyTo) implements Command {}

  /** Look for the target host again: registrations reach this node's Receptionist by gossip, later. */
  private record FindAgain(Move move, int attempt) implements Command {}

  /** How often, and how many times, a move looks for a host not listed yet (about retry-after in all). */
  private static final int FIND_ATTEMPTS = 20;

  private record Answer(Reply reply) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Resend(String msg) implements Command {}


  private final MigrationSettings settings;
  private final String node;
  private final TimerScheduler<Command> timers;
  private final Tracer tracer;
  private final ActorRef<Reply> answers;
  private final ActorRef<Receptionist.Listing> listings;
  private final Map<String, Deque<Attempt>> moves = new HashMap<>();

  private record Attempt(Move move, int attempt) {}
  private final Deque<Call> waiting = new ArrayDeque<>();
  private ActorRef<MigrationProtocol.Command> at;
  private ActorRef<MigrationProtocol.Command> listed;
  private long seq;
  private Call inFlight;
  private String inFlightMsg;
  private long sentNanos;
  private int resends;
  private boolean unsent;

  public static Behavior<Command> create(String node, MigrationSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new Locator(ctx, t, node, settings)));
  }

  private Locator(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, MigrationSettings settings) {
    super(ctx);
    this.settings = settings;
    this.node = node;
    this.timers = timers;
    this.tracer = Traces.get(ctx.getSystem()).tracer(ctx.getSelf().path().toStringWithoutAddress(), Events.Proto.MIGRATION, settings.name());
    this.answers = ctx.messageAdapter(Reply.class, Answer::new);
    this.listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(MigrationProtocol.servingKey(settings.name()), listings));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Call.class, this::onCall)
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Resend.class, this::onResend)
        .onMessage(Move.class, m -> find(m, 1))
        .onMessage(FindAgain.class, f -> find(f.move(), f.attempt()))
        .build();
  }

  private Behavior<Command> onCall(Call c) {
    waiting.add(c);
    if (inFlight == null) next();
    return this;
  }

  private void next() {
    inFlight = waiting.poll();
    if (inFlight == null) return;
    inFlightMsg = node + ":" + (++seq);
    resends = 0;
    sentNanos = System.nanoTime();
    tracer.event(Events.Migration.CALL, inFlightMsg);
    send();
  }

  private void send() {
    ActorRef<MigrationProtocol.Command> to = at != null ? at : listed;
    unsent = to == null; // with nowhere known yet, the listing (or the resend timer) sends it
    if (to != null) to.tell(new Increment(inFlightMsg, answers));
    timers.startSingleTimer(inFlightMsg, new Resend(inFlightMsg), settings.retryAfter());
  }

  private Behavior<Command> onAnswer(Answer a) {
    if (a.reply() instanceof Applied ok) {
      if (inFlight == null || !ok.msg().equals(inFlightMsg)) return this; // the answer to a resend already answered
      timers.cancel(inFlightMsg);
      at = ok.at();
      double waitMs = (System.nanoTime() - sentNanos) / 1e6;
      tracer.event(Events.Migration.REPLY, ok.msg(), null, null, Map.of("value", ok.value(), "at", ok.node(),
          "wait_ms", Math.round(waitMs * 1000) / 1000.0));
      inFlight.replyTo().tell(ok.value());
      inFlight = null;
      next();
    } else if (a.reply() instanceof Refused no) {
      getContext().getLog().debug("[{}] request [{}] refused: {}; finding the actor again", settings.name(), no.msg(), no.reason());
      if (inFlight != null && no.msg() != null && no.msg().equals(inFlightMsg)) {
        at = null; // the place we knew is stale: go by the Receptionist
        timers.startSingleTimer(inFlightMsg, new Resend(inFlightMsg), settings.retryAfter().dividedBy(10));
      }
    }
    return this;
  }

  private Behavior<Command> onListed(Listed l) {
    if (!l.listing().isForKey(MigrationProtocol.servingKey(settings.name()))) return onHostFound(l.listing());
    Set<ActorRef<MigrationProtocol.Command>> refs = l.listing().getServiceInstances(MigrationProtocol.servingKey(settings.name()));
    listed = refs.isEmpty() ? null : refs.iterator().next();
    if (inFlight != null && unsent && listed != null) send();
    return this;
  }

  private Behavior<Command> onResend(Resend r) {
    if (inFlight == null || !r.msg().equals(inFlightMsg)) return this;
    resends++;
    at = null; // unanswered where we sent it: that place may be gone; the Receptionist knows where it serves
    getContext().getLog().info("[{}] resending [{}] (attempt {})", settings.name(), inFlightMsg, resends + 1);
    send();
    return this;
  }

  private Behavior<Command> find(Move m, int attempt) {
    ServiceKey<MigrationProtocol.Command> key = MigrationProtocol.hostKey(settings.name(), m.targetNode());
    moves.computeIfAbsent(key.id(), k -> new ArrayDeque<>()).add(new Attempt(m, attempt));
    getContext().getSystem().receptionist().tell(Receptionist.find(key, listings));
    return this;
  }

  /** One adapter for every listing: Akka keeps one message adapter per message class. */
  private Behavior<Command> onHostFound(Receptionist.Listing listing) {
    Deque<Attempt> pending = moves.get(listing.getKey().id());
    Attempt a = pending == null ? null : pending.poll();
    if (a == null) return this;
    Move m = a.move();
    Set<ActorRef<MigrationProtocol.Command>> hosts = listing.getServiceInstances(MigrationProtocol.hostKey(settings.name(), m.targetNode()));
    ActorRef<MigrationProtocol.Command> to = at != null ? at : listed;
    if ((hosts.isEmpty() || to == null) && a.attempt() < FIND_ATTEMPTS) {
      timers.startSingleTimer(new FindAgain(m, a.attempt() + 1), settings.retryAfter().dividedBy(FIND_ATTEMPTS / 2));
      return this;
    }
    if (hosts.isEmpty() || to == null) {
      m.replyTo().tell(new MoveOutcome(-1, false, "?", m.targetNode(), m.mode().word(), -1, -1, 0, 0, 0,
          hosts.isEmpty() ? "no host of [" + settings.name() + "] on " + m.targetNode() : "the actor is not found yet"));
      return this;
    }
    to.tell(new MoveTo(hosts.iterator().next(), m.targetNode(), m.mode(), m.replyTo()));
    return this;
  }
}
