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
public final class PersistentQueue extends EventSourcedBehavior<Command, PersistentQueue.Event, QueueCore<TransientQueue.Waiting>> {

  /** What the journal keeps. */
  public sealed interface Event extends CborSerializable permits Enqueued, Acknowledged, DeadLettered, EnqueuedBatch, AcknowledgedBatch {}

  /** One message put (written by earlier versions, one per PUT; still replayed). */
  public record Enqueued(String msgId, String payload) implements Event {}

  /** One message acknowledged (written by earlier versions; still replayed). */
  public record Acknowledged(String msgId) implements Event {}

  /** Every message put by one write, in order: one journal row however many PUTs it carries. */
  public record EnqueuedBatch(List<Enqueued> messages) implements Event {}

  /** Every message acknowledged by one write. */
  public record AcknowledgedBatch(List<String> msgIds) implements Event {}

  public record DeadLettered(String msgId) implements Event {}

  /** PUTs and ACKs (single or batched) that arrived while the previous write was under way, in arrival order. */
  record Write(List<QueueCommand> commands, ActorRef<Written> replyTo) implements Command {}

  /** The journal took (or refused) the batch; the writer may send the next one. */
  enum Written implements Command { INSTANCE }

  private enum WriteTimedOut implements Command { INSTANCE }

  /**
   * The queue as its owner sees it: a writer in front of the journaled actor. One journal write
   * per PUT would let the producer's PUTs crowd out the consumers' ACKs (each write stashes
   * every other command) and cost a database round trip each; so the writer gathers the PUTs
   * and ACKs (single or batched) that arrive while a write is under way and sends them, in
   * arrival order, as the next {@link Write}: at most {@code sidis.mom.max-batch} messages,
   * journaled as at most two events (one {@link EnqueuedBatch}, one {@link AcknowledgedBatch})
   * in one transaction. GET, FETCH, POLL, NOTIFY and the rest go straight through.
   */
  public static Behavior<Command> create(String name, QueueSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Command> journal = ctx.spawn(journaled(name, settings), "journal");
      java.util.ArrayDeque<QueueCommand> pending = new java.util.ArrayDeque<>();
      boolean[] writing = {false};
      ActorRef<Written> written = ctx.messageAdapter(Written.class, w -> w);
      Runnable flush = () -> {
        if (writing[0] || pending.isEmpty()) return;
        List<QueueCommand> next = new ArrayList<>();
        int messages = 0;
        // A batch is never split (it is stored all or nothing); QueueManager refuses batches
        // larger than max-batch, so the first command always fits.
        while (!pending.isEmpty() && (next.isEmpty() || messages + size(pending.peekFirst()) <= settings.maxBatch())) {
          QueueCommand c = pending.pollFirst();
          messages += size(c);
          next.add(c);
        }
        journal.tell(new Write(next, written));
        writing[0] = true;
        // A journal that fails a write restarts and never answers: its PUTs stay unacknowledged
        // (producers retry) and the writer moves on.
        timers.startSingleTimer(WriteTimedOut.INSTANCE, Duration.ofSeconds(10));
      };
      return Behaviors.receive(Command.class)
          .onMessage(Put.class, m -> { pending.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(Ack.class, m -> { pending.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(PutBatch.class, m -> { pending.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(AckBatch.class, m -> { pending.add(m); flush.run(); return Behaviors.same(); })
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

  private static int size(QueueCommand c) {
    if (c instanceof PutBatch b) return b.messages().size();
    if (c instanceof AckBatch a) return a.msgIds().size();
    return 1;
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
  public QueueCore<TransientQueue.Waiting> emptyState() {
    return new QueueCore<>(settings.visibilityTimeout().toMillis(), settings.maxDeliveries());
  }

  @Override
  public EventHandler<QueueCore<TransientQueue.Waiting>, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Enqueued.class, (q, e) -> { q.enqueue(e.msgId(), e.payload()); return q; })
        .onEvent(Acknowledged.class, (q, e) -> { q.ack(e.msgId()); return q; })
        .onEvent(EnqueuedBatch.class, (q, e) -> { e.messages().forEach(m -> q.enqueue(m.msgId(), m.payload())); return q; })
        .onEvent(AcknowledgedBatch.class, (q, e) -> { e.msgIds().forEach(q::ack); return q; })
        .onEvent(DeadLettered.class, (q, e) -> { q.deadLetter(e.msgId()); return q; })
        .build();
  }

  // The volatile part of the core (in-flight deadlines, waiting GETs) changes in the command
  // handlers below without an event: it is deliberately not journaled (see the class comment).
  @Override
  public CommandHandler<Command, Event, QueueCore<TransientQueue.Waiting>> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Write.class, this::onWrite)
        .onCommand(Get.class, (q, m) -> {
          long now = System.currentTimeMillis();
          q.get(new TransientQueue.Waiting(m.replyTo(), false), now + m.timeout().toMillis(), now)
              .ifPresent(d -> m.replyTo().tell(delivery(d)));
          return Effect().none();
        })
        .onCommand(Fetch.class, (q, m) -> {
          long now = System.currentTimeMillis();
          List<QueueCore.Delivery> got = q.fetch(new TransientQueue.Waiting(m.replyTo(), true), m.max(), now + m.timeout().toMillis(), now);
          if (!got.isEmpty()) m.replyTo().tell(new Deliveries(name, got.stream().map(this::delivery).toList()));
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
   * A batch of PUTs and ACKs, journaled as one write of at most two events: each PUT is
   * answered {@link PutAck} (each {@link PutBatch} one {@link PutBatchAck}) and each valid ACK
   * {@link Acked} only once every event of the write is stored. A PUT of a message already held
   * is acknowledged without a new event (a retry); an ACK of a message not held is refused.
   */
  private Effect<Event, QueueCore<TransientQueue.Waiting>> onWrite(QueueCore<TransientQueue.Waiting> q, Write w) {
    List<Enqueued> enqueued = new ArrayList<>();
    List<Put> newPuts = new ArrayList<>();
    java.util.Set<String> putIds = new java.util.HashSet<>();
    java.util.Set<String> ackIds = new java.util.LinkedHashSet<>();
    List<Runnable> answers = new ArrayList<>();
    for (QueueCommand c : w.commands()) {
      if (c instanceof Put p) {
        if (!q.holds(p.msgId()) && putIds.add(p.msgId())) {
          enqueued.add(new Enqueued(p.msgId(), p.payload()));
          newPuts.add(p);
        }
        answers.add(() -> p.replyTo().tell(new PutAck(name, p.msgId())));
      } else if (c instanceof PutBatch b) {
        for (Message m : b.messages()) {
          if (!q.holds(m.msgId()) && putIds.add(m.msgId())) enqueued.add(new Enqueued(m.msgId(), m.payload()));
        }
        answers.add(() -> b.replyTo().tell(new PutBatchAck(name, b.messages().stream().map(Message::msgId).toList())));
      } else if (c instanceof Ack a) {
        if (q.holds(a.msgId()) && ackIds.add(a.msgId())) {
          answers.add(() -> a.replyTo().tell(new Acked(name, a.msgId())));
        } else {
          a.replyTo().tell(new Refused(name, a.msgId(), "not in flight: already acknowledged, dead-lettered, or never delivered"));
        }
      } else if (c instanceof AckBatch b) {
        List<String> acked = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String id : b.msgIds()) {
          if (q.holds(id) && ackIds.add(id)) acked.add(id);
          else refused.add(id);
        }
        answers.add(() -> b.replyTo().tell(new BatchAcked(name, acked, refused)));
      }
    }
    Runnable confirm = () -> {
      answers.forEach(Runnable::run);
      ackIds.forEach(receipts::processed);
      newPuts.forEach(receipts::expect);
      enqueued.forEach(e -> handlers.forEach(h -> h.tell(new Inserted(name, e.msgId()))));
      w.replyTo().tell(Written.INSTANCE);
    };
    List<Event> events = new ArrayList<>(2);
    if (!enqueued.isEmpty()) events.add(new EnqueuedBatch(enqueued));
    if (!ackIds.isEmpty()) events.add(new AcknowledgedBatch(List.copyOf(ackIds)));
    if (events.isEmpty()) {
      confirm.run();
      return Effect().none();
    }
    return Effect().persist(events).thenRun(after -> {
      confirm.run();
      serve(after);
    });
  }

  private Effect<Event, QueueCore<TransientQueue.Waiting>> onTick(QueueCore<TransientQueue.Waiting> q) {
    if (!q.hasDeadlines()) return Effect().none();
    long now = System.currentTimeMillis();
    QueueCore.Expiry<TransientQueue.Waiting> e = q.expire(now);
    e.timedOut().forEach(w -> w.replyTo().tell(new Empty(name)));
    serve(q);
    if (e.dying().isEmpty()) return Effect().none();
    e.dying().forEach(receipts::forget);
    List<Event> dead = e.dying().stream().<Event>map(DeadLettered::new).toList();
    return Effect().persist(dead).thenRun(after -> ctx.getLog().info("[{}] dead-lettered {}", name, e.dying()));
  }

  private void serve(QueueCore<TransientQueue.Waiting> q) {
    for (QueueCore.Handoff<TransientQueue.Waiting> h : q.serveWaiters(System.currentTimeMillis())) {
      h.waiter().serve(name, h.deliveries().stream().map(this::delivery).toList());
    }
  }

  private Delivery delivery(QueueCore.Delivery d) {
    receipts.delivered(d.id());
    return new Delivery(name, d.id(), d.payload(), d.deliveries());
  }
}
