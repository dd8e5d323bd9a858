package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import org.sidis.wire.CborSerializable;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.mom.TransientQueue.Waiting;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A persistent queue: {@link QueueCore} in a thin actor shell that journals every change of the
 * core's durable part (Akka Persistence Typed over the JDBC journal — embedded H2 by default,
 * PostgreSQL by configuration) before it takes effect. A PUT is answered {@link PutAck} only
 * after its message is in the journal, and an ACK {@link Acked} only after the ack is, so after
 * a crash and a restart the queue holds every message whose PUT was acknowledged and none whose
 * ACK was.
 *
 * <p>The disk never holds up a consumer. Reads (GET, FETCH, POLL) are answered from the core at
 * once; only PUTs and ACKs wait, and those that arrive while one journal write is under way go
 * together into the next (at most {@code sidis.mom.max-batch} messages, at most three events,
 * one transaction). An event-sourced actor that owned the core itself would stash every GET
 * behind every write, so each consumer got one message per write: that bounded a persistent
 * queue to consumers × writes per second (issue 6). Here the event-sourced child
 * ({@link #journal}) only writes, and replays the core once at start.
 *
 * <p>Deliveries are not journaled: a restart makes every in-flight message ready again and
 * starts its delivery count afresh — a consumer of the old incarnation may see it once more
 * (at-least-once). Delivery tokens belong to one incarnation too: an ack that names a delivery
 * of the old one is refused, and the message, ready again, comes back with a new token. An ack
 * is checked against its delivery when the queue takes it, then journaled by id. How durable "in the journal" is depends on the store: H2 with
 * {@code WRITE_DELAY=0} survives a kill of the process but not a power loss (it never fsyncs);
 * PostgreSQL fsyncs on commit.
 */
public final class PersistentQueue extends AbstractBehavior<Command> {

  /** What the journal keeps. */
  public sealed interface Event extends CborSerializable permits Enqueued, Acknowledged, DeadLettered, EnqueuedBatch, AcknowledgedBatch {}

  /**
   * One message put; {@code origin} is the node it was forwarded from (null: put here), so a
   * replay rebuilds the queue's memory of the forwards it stored (QueueCore). Written by
   * earlier versions one per PUT, without origin; still replayed.
   */
  public record Enqueued(String msgId, String payload, String origin) implements Event {
    public Enqueued(String msgId, String payload) {
      this(msgId, payload, null);
    }
  }

  /** One message acknowledged (written by earlier versions; still replayed). */
  public record Acknowledged(String msgId) implements Event {}

  public record DeadLettered(String msgId) implements Event {}

  /** Every message put by one write, in order: one journal row however many PUTs it carries. */
  public record EnqueuedBatch(List<Enqueued> messages) implements Event {}

  /** Every message acknowledged by one write. */
  public record AcknowledgedBatch(List<String> msgIds) implements Event {}

  /** The journal's commands: store these events, then say so. */
  private record Store(long write, List<Event> events, ActorRef<Command> replyTo) {}

  /** The journal stored write number {@code write}. */
  private record Stored(long write) implements Command {}

  /** The journal replayed the queue: once per incarnation of the queue. */
  private record Recovered(QueueCore<Waiting> core) implements Command {}

  private enum WriteOverdue implements Command { INSTANCE }

  /** One journal write on its way: its events, and what to answer once they are stored. */
  private record Write(long id, List<Event> events, List<Runnable> answers, List<Put> newPuts) {}

  /**
   * A journal that fails a write or a replay stops, and the queue restarts with it (after a
   * backoff) and replays: what was stored is there, what was not was never acknowledged. The
   * write under way is not answered (its producers retry; a retried PUT that was stored after
   * all is not stored twice), waiting GETs hear {@link Empty}, and what was in flight is ready
   * again.
   */
  public static Behavior<Command> create(String name, QueueSettings settings) {
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(1_000_000, stash -> {
      String node = ctx.getSystem().settings().config().getString("sidis.node.name");
      PersistenceId id = PersistenceId.of("sidis-queue", node + "/" + name, "|");
      ActorRef<Store> journal = ctx.spawn(new Journal(id, name, settings, ctx.getSelf()), "journal");
      ctx.watch(journal);
      // Until the journal has replayed the queue, every command waits.
      return Behaviors.receive(Command.class)
          .onMessage(Recovered.class, r -> {
            timers.startTimerWithFixedDelay(TransientQueue.Tick.INSTANCE, settings.tick());
            return stash.unstashAll(new PersistentQueue(ctx, timers, name, settings, journal, r.core()));
          })
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .onSignal(akka.actor.typed.Terminated.class, t -> {
            throw new IllegalStateException("the journal of queue [" + name + "] failed its replay; restarting the queue");
          })
          .build();
    })))).onFailure(IllegalStateException.class,
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  // ------------------------------------------------------------------ the journal

  // The journal replays the queue's events into a core, hands that core to the queue once, and
  // from then on only stores what it is sent (its own copy of the state is dropped, so nothing
  // is kept twice). It is made anew with every incarnation of the queue, so a replay always
  // starts from a new empty core.

  /** The replayed core until the queue takes it; null afterwards. */
  private static final class Replay {
    QueueCore<Waiting> core;

    Replay(QueueCore<Waiting> core) {
      this.core = core;
    }
  }

  private static final class Journal extends EventSourcedBehavior<Store, Event, Replay> {
    private final String name;
    private final QueueSettings settings;
    private final ActorRef<Command> queue;

    Journal(PersistenceId id, String name, QueueSettings settings, ActorRef<Command> queue) {
      super(id); // a failed write or replay stops it, and the queue restarts (see create)
      this.name = name;
      this.settings = settings;
      this.queue = queue;
    }

    @Override
    public Replay emptyState() {
      return new Replay(TransientQueue.newCore(name, settings));
    }

    @Override
    public EventHandler<Replay, Event> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onAnyEvent((r, e) -> {
            if (r.core != null) applyEvent(r.core, e);
            return r;
          });
    }

    @Override
    public CommandHandler<Store, Event, Replay> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onAnyCommand((r, s) -> Effect().persist(s.events()).thenRun(after -> s.replyTo().tell(new Stored(s.write()))));
    }

    @Override
    public SignalHandler<Replay> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), r -> {
            queue.tell(new Recovered(r.core));
            r.core = null;
          })
          .build();
    }
  }

  /** The one place where a journaled event changes the core: replay and live writes alike. */
  static void applyEvent(QueueCore<?> core, Event e) {
    if (e instanceof EnqueuedBatch b) b.messages().forEach(m -> core.enqueue(m.msgId(), m.payload(), m.origin()));
    else if (e instanceof AcknowledgedBatch b) b.msgIds().forEach(core::acknowledged);
    else if (e instanceof DeadLettered d) core.deadLetter(d.msgId());
    else if (e instanceof Enqueued m) core.enqueue(m.msgId(), m.payload(), m.origin());
    else if (e instanceof Acknowledged a) core.acknowledged(a.msgId());
  }

  // ------------------------------------------------------------------ the queue

  private final TimerScheduler<Command> timers;
  private final String name;
  private final QueueSettings settings;
  private final ActorRef<Store> journal;
  private QueueCore<Waiting> core;
  private final List<ActorRef<Reply>> handlers = new ArrayList<>();
  /** Not journaled: a sender waiting for a later sync point hears nothing after a restart. */
  private final Receipts receipts;
  /** The queue's own trace: the acks it journaled ({@code ack-journaled}). */
  private final QueueTrace trace;
  /** PUTs and ACKs (single or batched) waiting for the next write, in arrival order. */
  private final ArrayDeque<QueueCommand> pending = new ArrayDeque<>();
  /** Messages past their last delivery, to be journaled as dead letters in the next write. */
  private final Set<String> dying = new LinkedHashSet<>();
  private Write writing;
  private long writes;

  private PersistentQueue(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name, QueueSettings settings,
                          ActorRef<Store> journal, QueueCore<Waiting> core) {
    super(ctx);
    this.timers = timers;
    this.name = name;
    this.settings = settings;
    this.journal = journal;
    this.core = core;
    this.receipts = new Receipts(name);
    this.trace = new QueueTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), name);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Put.class, this::enqueueWrite)
        .onMessage(PutBatch.class, this::enqueueWrite)
        .onMessage(Ack.class, this::enqueueWrite)
        .onMessage(AckBatch.class, this::enqueueWrite)
        .onMessage(Get.class, m -> {
          long now = System.currentTimeMillis();
          core.get(new Waiting(m.replyTo(), false), now + m.timeout().toMillis(), now).ifPresent(d -> m.replyTo().tell(delivery(d)));
          return this;
        })
        .onMessage(Fetch.class, m -> {
          long now = System.currentTimeMillis();
          List<QueueCore.Delivery> got = core.fetch(new Waiting(m.replyTo(), true), m.max(), settings.maxReplyBytes(),
              now + m.timeout().toMillis(), now);
          if (!got.isEmpty()) m.replyTo().tell(new Deliveries(name, got.stream().map(this::delivery).toList()));
          return this;
        })
        .onMessage(Poll.class, m -> {
          Optional<QueueCore.Delivery> d = core.poll(System.currentTimeMillis());
          m.replyTo().tell(d.<Reply>map(this::delivery).orElse(new Empty(name)));
          return this;
        })
        .onMessage(Notify.class, m -> {
          handlers.add(m.handler());
          return this;
        })
        .onMessage(ListDeadLetters.class, m -> {
          m.replyTo().tell(TransientQueue.deadLetters(name, core, settings));
          return this;
        })
        .onMessage(TransientQueue.Tick.class, m -> onTick())
        .onMessage(Stored.class, this::onStored)
        .onSignal(akka.actor.typed.Terminated.class, t -> {
          core.expire(Long.MAX_VALUE).timedOut().forEach(w -> w.replyTo().tell(new Empty(name)));
          throw new IllegalStateException("the journal of queue [" + name + "] failed"
              + (writing == null ? "" : " with write " + writing.id() + " under way") + "; restarting the queue from its journal");
        })
        .onMessage(WriteOverdue.class, m -> {
          getContext().getLog().warn("[{}] the journal has not confirmed write {} for 10 s; PUTs and ACKs wait", name, writing == null ? "-" : writing.id());
          return this;
        })
        .build();
  }

  private Behavior<Command> enqueueWrite(QueueCommand m) {
    if (m instanceof Put p && p.durability() == QueueSettings.Durability.TRANSIENT) return putTransient(p);
    pending.add(m);
    flush();
    return this;
  }

  /**
   * A message its sender chose to send transient: held by the core like any other, but never
   * journaled, so it is acknowledged at once and gone after a crash or restart. Its ack or dead
   * letter is journaled like any other, which a replay ignores (the core never held it then).
   */
  private Behavior<Command> putTransient(Put p) {
    if (core.enqueue(p.msgId(), p.payload(), p.origin())) {
      receipts.expect(p);
      handlers.forEach(h -> h.tell(new Inserted(name, p.msgId())));
    }
    p.replyTo().tell(new PutAck(name, p.msgId()));
    serve();
    return this;
  }

  /**
   * Starts the next write if none is under way: the pending PUTs and ACKs in arrival order, up
   * to {@code max-batch} messages (a batch is never split: it is stored all or nothing, and
   * QueueManager refuses one larger than max-batch), plus the dead letters due. A PUT of a
   * message already held is acknowledged without a new event (a retry); an ACK of a message not
   * held is refused at once.
   */
  private void flush() {
    if (writing != null || (pending.isEmpty() && dying.isEmpty())) return;
    List<Enqueued> enqueued = new ArrayList<>();
    List<Put> newPuts = new ArrayList<>();
    Set<String> putIds = new HashSet<>();
    Set<String> ackIds = new LinkedHashSet<>();
    List<Runnable> answers = new ArrayList<>();
    int messages = 0;
    while (!pending.isEmpty() && (messages == 0 || messages + size(pending.peekFirst()) <= settings.maxBatch())) {
      QueueCommand c = pending.pollFirst();
      messages += size(c);
      if (c instanceof Put p) {
        // A forward this queue stored before (consumed since, perhaps) is a retransmission: not stored again.
        if (!core.holds(p.msgId()) && !core.storedFrom(p.origin(), p.msgId()) && putIds.add(p.msgId())) {
          enqueued.add(new Enqueued(p.msgId(), p.payload(), p.origin()));
          newPuts.add(p);
        }
        answers.add(() -> p.replyTo().tell(new PutAck(name, p.msgId())));
      } else if (c instanceof PutBatch b) {
        for (Message m : b.messages()) {
          if (!core.holds(m.msgId()) && putIds.add(m.msgId())) enqueued.add(new Enqueued(m.msgId(), m.payload()));
        }
        answers.add(() -> b.replyTo().tell(new PutBatchAck(name, b.messages().stream().map(Message::msgId).toList())));
      } else if (c instanceof Ack a) {
        // Checked against the delivery now; journaled, then applied by id (QueueCore.acknowledged).
        // An ack repeated within this write (a consumer re-sending under a partition) names the
        // same delivery: it is journaled once and answered Acked after the write like the first —
        // refused at once, its Refused overtook the first copy's Acked (issue 17).
        QueueCore.AckResult r = core.check(a.msgId(), a.token());
        if (r == QueueCore.AckResult.ACKED) {
          ackIds.add(a.msgId());
          answers.add(() -> {
            a.replyTo().tell(new Acked(name, a.msgId()));
            receipts.processed(a.msgId());
          });
        } else {
          a.replyTo().tell(new Refused(name, a.msgId(), TransientQueue.notInFlight(r)));
        }
      } else if (c instanceof AckBatch b) {
        List<String> acked = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Handle h : b.handles()) {
          if (core.check(h.msgId(), h.token()) != QueueCore.AckResult.ACKED) refused.add(h.msgId());
          else if (ackIds.add(h.msgId()) || !acked.contains(h.msgId())) acked.add(h.msgId()); // once, however often named
        }
        answers.add(() -> {
          b.replyTo().tell(new BatchAcked(name, acked, refused));
          acked.forEach(receipts::processed);
        });
      }
    }
    List<Event> events = new ArrayList<>(3);
    if (!enqueued.isEmpty()) events.add(new EnqueuedBatch(enqueued));
    if (!ackIds.isEmpty()) events.add(new AcknowledgedBatch(List.copyOf(ackIds)));
    for (String id : dying) {
      if (!ackIds.contains(id)) events.add(new DeadLettered(id)); // an ack that raced its timeout wins
    }
    dying.clear();
    writing = new Write(++writes, events, answers, newPuts);
    if (events.isEmpty()) {
      onStored(new Stored(writing.id()));
      return;
    }
    journal.tell(new Store(writing.id(), events, getContext().getSelf()));
    timers.startTimerWithFixedDelay(WriteOverdue.INSTANCE, Duration.ofSeconds(10));
  }

  private static int size(QueueCommand c) {
    if (c instanceof PutBatch b) return b.messages().size();
    if (c instanceof AckBatch a) return a.handles().size();
    return 1;
  }

  /** The write is in the journal: it takes effect, its PUTs and ACKs are answered, waiting GETs served. */
  private Behavior<Command> onStored(Stored s) {
    if (writing == null || writing.id() != s.write()) return this; // from before a journal restart
    timers.cancel(WriteOverdue.INSTANCE);
    Write w = writing;
    writing = null;
    for (Event e : w.events()) {
      applyEvent(core, e);
      if (e instanceof EnqueuedBatch b) b.messages().forEach(m -> handlers.forEach(h -> h.tell(new Inserted(name, m.msgId()))));
      if (e instanceof DeadLettered d) getContext().getLog().info("[{}] dead-lettered [{}]", name, d.msgId());
      // Before the answers: a consumer downed before it hears Acked (or right after) never traces
      // its ack, but the message is consumed; this line says so (issue 17).
      if (e instanceof AcknowledgedBatch b) trace.ackJournaled(b.msgIds());
    }
    w.answers().forEach(Runnable::run);
    w.newPuts().forEach(receipts::expect);
    serve();
    flush();
    return this;
  }

  private Behavior<Command> onTick() {
    if (!core.hasDeadlines()) return this;
    long now = System.currentTimeMillis();
    QueueCore.Expiry<Waiting> e = core.expire(now);
    e.timedOut().forEach(w -> w.replyTo().tell(new Empty(name)));
    if (!e.dying().isEmpty()) {
      e.dying().forEach(receipts::forget);
      dying.addAll(e.dying());
      flush();
    }
    serve();
    return this;
  }

  private void serve() {
    for (QueueCore.Handoff<Waiting> h : core.serveWaiters(System.currentTimeMillis())) {
      h.waiter().serve(name, h.deliveries().stream().map(this::delivery).toList());
    }
  }

  private Delivery delivery(QueueCore.Delivery d) {
    receipts.delivered(d.id());
    return new Delivery(name, d.id(), d.payload(), d.deliveries(), d.token());
  }
}
