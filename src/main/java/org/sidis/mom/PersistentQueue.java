package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import org.sidis.CborSerializable;
import org.sidis.mom.QueueProtocol.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A persistent queue: {@link QueueCore} as an event-sourced actor (Akka Persistence Typed over
 * the JDBC journal — embedded H2 by default, PostgreSQL by configuration). A PUT is answered
 * {@link PutAck} only after its {@link Enqueued} event is in the journal, and an ACK is answered
 * {@link Acked} only after its {@link Acknowledged} event is, so after a crash and a restart the
 * queue holds every message whose PUT was acknowledged and none whose ACK was.
 *
 * <p>What is journaled is the durable part of the core's state (messages, acks, dead letters).
 * Deliveries are not: a restart makes every in-flight message ready again and starts its
 * delivery count afresh — a consumer of the old incarnation may see it once more (at-least-once).
 * How durable "in the journal" is depends on the store: H2 with {@code WRITE_DELAY=0} survives a
 * kill of the process but not a power loss (it never fsyncs); PostgreSQL fsyncs on commit.
 */
public final class PersistentQueue extends EventSourcedBehavior<Command, PersistentQueue.Event, QueueCore<ActorRef<Reply>>> {

  /** What the journal keeps. */
  public sealed interface Event extends CborSerializable permits Enqueued, Acknowledged, DeadLettered {}

  public record Enqueued(String msgId, String payload) implements Event {}

  public record Acknowledged(String msgId) implements Event {}

  public record DeadLettered(String msgId) implements Event {}

  /** PUTs and ACKs that arrived while the previous batch was being written, as one write. */
  record Write(List<Put> puts, List<Ack> acks, ActorRef<Written> replyTo) implements Command {}

  /** The journal took (or refused) the batch; the writer may send the next one. */
  enum Written implements Command { INSTANCE }

  private enum WriteTimedOut implements Command { INSTANCE }

  /**
   * The queue as its owner sees it: a writer in front of the journaled actor. One journal write
   * per PUT would let the producer's PUTs crowd out the consumers' ACKs (each write stashes
   * every other command) and cost a database round trip each; so the writer gathers the PUTs
   * and ACKs that arrive while a write is under way and sends them as the next {@link Write},
   * persisted as one atomic batch of events (at most {@code sidis.mom.max-batch}). GET, POLL,
   * NOTIFY and the rest go straight through.
   */
  public static Behavior<Command> create(String name, QueueSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Command> journal = ctx.spawn(journaled(name, settings), "journal");
      List<Put> puts = new ArrayList<>();
      List<Ack> acks = new ArrayList<>();
      boolean[] writing = {false};
      ActorRef<Written> written = ctx.messageAdapter(Written.class, w -> w);
      Runnable flush = () -> {
        if (writing[0] || (puts.isEmpty() && acks.isEmpty())) return;
        int n = Math.min(puts.size(), settings.maxBatch());
        List<Put> p = new ArrayList<>(puts.subList(0, n));
        puts.subList(0, n).clear();
        int k = Math.min(acks.size(), Math.max(1, settings.maxBatch() - n));
        List<Ack> a = new ArrayList<>(acks.subList(0, k));
        acks.subList(0, k).clear();
        journal.tell(new Write(p, a, written));
        writing[0] = true;
        // A journal that fails a write restarts and never answers: its PUTs stay unacknowledged
        // (producers retry) and the writer moves on.
        timers.startSingleTimer(WriteTimedOut.INSTANCE, Duration.ofSeconds(10));
      };
      return Behaviors.receive(Command.class)
          .onMessage(Put.class, m -> { puts.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(Ack.class, m -> { acks.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(Written.class, m -> {
            timers.cancel(WriteTimedOut.INSTANCE);
            writing[0] = false;
            flush.run();
            return Behaviors.same();
          })
          .onMessage(WriteTimedOut.class, m -> {
            ctx.getLog().warn("[{}] the journal did not confirm a write within 10 s; moving on", name);
            writing[0] = false;
            flush.run();
            return Behaviors.same();
          })
          .onAnyMessage(m -> { journal.tell(m); return Behaviors.same(); })
          .build();
    }));
  }

  private static Behavior<Command> journaled(String name, QueueSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(TransientQueue.Tick.INSTANCE, settings.tick());
      String node = ctx.getSystem().settings().config().getString("sidis.node.name");
      return new PersistentQueue(ctx, PersistenceId.of("sidis-queue", node + "/" + name, "|"), name, settings);
    }));
  }

  private final ActorContext<Command> ctx;
  private final String name;
  private final QueueSettings settings;
  private final List<ActorRef<Reply>> handlers = new ArrayList<>();
  /** Not journaled: a sender waiting for a later sync point hears nothing after a restart. */
  private final Receipts receipts;

  private PersistentQueue(ActorContext<Command> ctx, PersistenceId id, String name, QueueSettings settings) {
    // A journal that fails a write stops the queue; it comes back and replays after a backoff.
    super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.ctx = ctx;
    this.name = name;
    this.settings = settings;
    this.receipts = new Receipts(name);
  }

  @Override
  public QueueCore<ActorRef<Reply>> emptyState() {
    return new QueueCore<>(settings.visibilityTimeout().toMillis(), settings.maxDeliveries(), settings.grouping(name));
  }

  @Override
  public EventHandler<QueueCore<ActorRef<Reply>>, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Enqueued.class, (q, e) -> { q.enqueue(e.msgId(), e.payload()); return q; })
        .onEvent(Acknowledged.class, (q, e) -> { q.ack(e.msgId()); return q; })
        .onEvent(DeadLettered.class, (q, e) -> { q.deadLetter(e.msgId()); return q; })
        .build();
  }

  // The volatile part of the core (in-flight deadlines, waiting GETs) changes in the command
  // handlers below without an event: it is deliberately not journaled (see the class comment).
  @Override
  public CommandHandler<Command, Event, QueueCore<ActorRef<Reply>>> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Write.class, this::onWrite)
        .onCommand(Get.class, (q, m) -> {
          long now = System.currentTimeMillis();
          q.get(m.replyTo(), now + m.timeout().toMillis(), now).ifPresent(d -> m.replyTo().tell(delivery(d)));
          return Effect().none();
        })
        .onCommand(Poll.class, (q, m) -> {
          m.replyTo().tell(q.poll(System.currentTimeMillis()).<Reply>map(this::delivery).orElse(new Empty(name)));
          return Effect().none();
        })
        .onCommand(Notify.class, (q, m) -> {
          handlers.add(m.handler());
          return Effect().none();
        })
        .onCommand(ListDeadLetters.class, (q, m) -> {
          m.replyTo().tell(new DeadLetters(name, q.deadLetters().stream().map(QueueCore.Stored::id).toList()));
          return Effect().none();
        })
        .onCommand(TransientQueue.Tick.class, (q, m) -> onTick(q))
        .build();
  }

  /**
   * A batch of PUTs and ACKs, journaled as one write: each PUT is answered {@link PutAck} and
   * each valid ACK {@link Acked} only once every event of the batch is stored. A PUT of a
   * message already held is acknowledged without a new event (a retry); an ACK of a message
   * not held is refused at once.
   */
  private Effect<Event, QueueCore<ActorRef<Reply>>> onWrite(QueueCore<ActorRef<Reply>> q, Write w) {
    List<Event> events = new ArrayList<>();
    List<Put> newPuts = new ArrayList<>();
    java.util.Set<String> putIds = new java.util.HashSet<>();
    for (Put p : w.puts()) {
      if (!q.holds(p.msgId()) && putIds.add(p.msgId())) {
        events.add(new Enqueued(p.msgId(), p.payload()));
        newPuts.add(p);
      }
    }
    List<Ack> validAcks = new ArrayList<>();
    java.util.Set<String> ackIds = new java.util.HashSet<>();
    for (Ack a : w.acks()) {
      if (q.holds(a.msgId()) && ackIds.add(a.msgId())) {
        events.add(new Acknowledged(a.msgId()));
        validAcks.add(a);
      } else {
        a.replyTo().tell(new Refused(name, a.msgId(), "not in flight: already acknowledged, dead-lettered, or never delivered"));
      }
    }
    Runnable confirm = () -> {
      w.puts().forEach(p -> p.replyTo().tell(new PutAck(name, p.msgId())));
      validAcks.forEach(a -> {
        a.replyTo().tell(new Acked(name, a.msgId()));
        receipts.processed(a.msgId());
      });
      newPuts.forEach(p -> {
        receipts.expect(p);
        handlers.forEach(h -> h.tell(new Inserted(name, p.msgId())));
      });
      w.replyTo().tell(Written.INSTANCE);
    };
    if (events.isEmpty()) {
      confirm.run();
      return Effect().none();
    }
    return Effect().persist(events).thenRun(after -> {
      confirm.run();
      serve(after);
    });
  }

  private Effect<Event, QueueCore<ActorRef<Reply>>> onTick(QueueCore<ActorRef<Reply>> q) {
    if (!q.hasDeadlines()) return Effect().none();
    long now = System.currentTimeMillis();
    QueueCore.Expiry<ActorRef<Reply>> e = q.expire(now);
    e.timedOut().forEach(w -> w.tell(new Empty(name)));
    serve(q);
    if (e.dying().isEmpty()) return Effect().none();
    e.dying().forEach(receipts::forget);
    List<Event> dead = e.dying().stream().<Event>map(DeadLettered::new).toList();
    return Effect().persist(dead).thenRun(after -> {
      ctx.getLog().info("[{}] dead-lettered {}", name, e.dying());
      serve(after); // a dead-lettered message frees its group
    });
  }

  private void serve(QueueCore<ActorRef<Reply>> q) {
    for (QueueCore.Handoff<ActorRef<Reply>> h : q.serveWaiters(System.currentTimeMillis())) {
      h.waiter().tell(delivery(h.delivery()));
    }
  }

  private Delivery delivery(QueueCore.Delivery d) {
    receipts.delivered(d.id());
    return new Delivery(name, d.id(), d.payload(), d.deliveries());
  }
}
