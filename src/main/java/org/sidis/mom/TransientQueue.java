package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.sidis.mom.QueueProtocol.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A transient queue: the thin actor shell around {@link QueueCore}, in memory only. A PUT is
 * acknowledged as soon as the message is in the queue's memory, so a crash of its node loses
 * every message it held — the notes' transient communication, and it says so in its name.
 */
public final class TransientQueue extends AbstractBehavior<Command> {

  enum Tick implements Command { INSTANCE }

  /** Who waits in the core: the consumer, and whether it asked by FETCH (answered {@link Deliveries}). */
  record Waiting(ActorRef<Reply> replyTo, boolean batch) {
    void serve(String queue, List<Delivery> deliveries) {
      if (batch) replyTo.tell(new Deliveries(queue, deliveries));
      else replyTo.tell(deliveries.get(0));
    }
  }

  public static Behavior<Command> create(String name, QueueSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
      return new TransientQueue(ctx, name, settings);
    }));
  }

  /** The core of queue {@code name}: every delivery repeats the queue's name, so its envelope counts it. */
  static QueueCore<Waiting> newCore(String name, QueueSettings settings) {
    return new QueueCore<>(settings.visibilityTimeout().toMillis(), settings.maxDeliveries(), settings.grouping(name),
        QueueCore.ENVELOPE_BYTES + QueueCore.utf8Length(name));
  }

  /** The dead-letter list, as much of it as fits one reply. */
  static DeadLetters deadLetters(String name, QueueCore<?> core, QueueSettings settings) {
    return new DeadLetters(name, core.deadLetterIds(settings.maxReplyBytes() - QueueCore.utf8Length(name)), core.deadLetterCount());
  }

  private final String name;
  private final QueueSettings settings;
  private final QueueCore<Waiting> core;
  private final List<ActorRef<Reply>> handlers = new ArrayList<>();
  private final Receipts receipts;

  private TransientQueue(ActorContext<Command> ctx, String name, QueueSettings settings) {
    super(ctx);
    this.name = name;
    this.settings = settings;
    this.core = newCore(name, settings);
    this.receipts = new Receipts(name);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Put.class, this::onPut)
        .onMessage(Get.class, this::onGet)
        .onMessage(Poll.class, this::onPoll)
        .onMessage(Notify.class, this::onNotify)
        .onMessage(Ack.class, this::onAck)
        .onMessage(PutBatch.class, this::onPutBatch)
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(AckBatch.class, this::onAckBatch)
        .onMessage(ListDeadLetters.class, m -> {
          m.replyTo().tell(deadLetters(name, core, settings));
          return this;
        })
        .onMessage(Tick.class, m -> onTick())
        .build();
  }

  private Behavior<Command> onPut(Put m) {
    if (m.durability() == QueueSettings.Durability.PERSISTENT) {
      m.replyTo().tell(new Refused(name, m.msgId(), "queue [" + name + "] is transient (in memory only): a persistent send"
          + " needs a persistent queue (sidis.mom.queues: { name = " + name + ", durability = persistent })"));
      return this;
    }
    if (core.enqueue(m.msgId(), m.payload(), m.origin())) {
      receipts.expect(m);
      handlers.forEach(h -> h.tell(new Inserted(name, m.msgId())));
    }
    m.replyTo().tell(new PutAck(name, m.msgId()));
    serve(System.currentTimeMillis());
    return this;
  }

  private Behavior<Command> onGet(Get m) {
    long now = System.currentTimeMillis();
    core.get(new Waiting(m.replyTo(), false), now + m.timeout().toMillis(), now).ifPresent(d -> m.replyTo().tell(delivery(d)));
    return this;
  }

  private Behavior<Command> onPutBatch(PutBatch m) {
    for (Message msg : m.messages()) {
      if (core.enqueue(msg.msgId(), msg.payload())) handlers.forEach(h -> h.tell(new Inserted(name, msg.msgId())));
    }
    m.replyTo().tell(new PutBatchAck(name, m.messages().stream().map(Message::msgId).toList()));
    serve(System.currentTimeMillis());
    return this;
  }

  private Behavior<Command> onFetch(Fetch m) {
    long now = System.currentTimeMillis();
    List<QueueCore.Delivery> got = core.fetch(new Waiting(m.replyTo(), true), m.max(), settings.maxReplyBytes(), now + m.timeout().toMillis(), now);
    if (!got.isEmpty()) m.replyTo().tell(new Deliveries(name, got.stream().map(this::delivery).toList()));
    return this;
  }

  private Behavior<Command> onAckBatch(AckBatch m) {
    List<String> acked = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Handle h : m.handles()) {
      if (core.ack(h.msgId(), h.token()) == QueueCore.AckResult.ACKED) {
        acked.add(h.msgId());
        receipts.processed(h.msgId());
      } else {
        refused.add(h.msgId());
      }
    }
    m.replyTo().tell(new BatchAcked(name, acked, refused));
    if (!acked.isEmpty()) serve(System.currentTimeMillis());
    return this;
  }

  private Behavior<Command> onPoll(Poll m) {
    Optional<QueueCore.Delivery> d = core.poll(System.currentTimeMillis());
    m.replyTo().tell(d.<Reply>map(this::delivery).orElse(new Empty(name)));
    return this;
  }

  private Behavior<Command> onNotify(Notify m) {
    handlers.add(m.handler());
    return this;
  }

  private Behavior<Command> onAck(Ack m) {
    QueueCore.AckResult r = core.ack(m.msgId(), m.token());
    if (r == QueueCore.AckResult.ACKED) {
      m.replyTo().tell(new Acked(name, m.msgId()));
      receipts.processed(m.msgId());
      serve(System.currentTimeMillis()); // an ack frees the message's group for the next of that key
    } else {
      m.replyTo().tell(new Refused(name, m.msgId(), notInFlight(r), Refusal.CONFLICT));
    }
    return this;
  }

  /** Why an ack was refused; begins "not in flight" (the gateway answers 409). */
  static String notInFlight(QueueCore.AckResult r) {
    return r == QueueCore.AckResult.NOT_HELD
        ? "not in flight: already acknowledged, dead-lettered, or never in this queue"
        : "not in flight under this token: never delivered with it, or its visibility timeout passed (the message may be"
            + " in flight at another consumer); ack with the token of your delivery while it lasts";
  }

  private Behavior<Command> onTick() {
    long now = System.currentTimeMillis();
    if (!core.hasDeadlines()) return this;
    QueueCore.Expiry<Waiting> e = core.expire(now);
    e.timedOut().forEach(w -> w.replyTo().tell(new Empty(name)));
    for (String id : e.dying()) {
      core.deadLetter(id);
      receipts.forget(id);
      getContext().getLog().info("[{}] dead-lettered [{}]", name, id);
    }
    serve(now);
    return this;
  }

  private void serve(long now) {
    for (QueueCore.Handoff<Waiting> h : core.serveWaiters(now)) {
      h.waiter().serve(name, h.deliveries().stream().map(this::delivery).toList());
    }
  }

  private Delivery delivery(QueueCore.Delivery d) {
    receipts.delivered(d.id());
    return new Delivery(name, d.id(), d.payload(), d.deliveries(), d.token());
  }
}
