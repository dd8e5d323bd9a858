package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.mom.QueueProtocol.*;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message channel from this node's queue manager to the queue manager of one other node
 * (Tanenbaum &amp; van Steen, "Message-queuing model": an application puts into a local queue; only
 * queue managers route). It owns the <em>transmission queue</em> for that node — an ordinary
 * queue of this node, persistent by default ({@code sidis.mom.transmission}), so a message for
 * another node is stored here before its PUT is acknowledged and survives a crash of this node
 * just as a message for a local persistent queue does. The channel is the transmission queue's
 * only consumer: it GETs messages while the destination's manager is registered, forwards each,
 * and acknowledges it only when the destination confirms that it stored it. What is forwarded
 * but unconfirmed is sent again every {@link #RESEND} until confirmed; the destination remembers
 * the ids it stored, so a retransmission is not a second message (effectively-once while the
 * destination's manager lives — see README "Routing between queue managers").
 *
 * <p>A message is stored in the transmission queue as {@code <destination queue>\n<durability>\n<payload>}
 * under its own id, where durability is the sender's choice ({@code transient}, {@code persistent},
 * or empty for the destination queue's own); the transmission queue keeps it with that
 * durability too.
 */
final class Channel extends AbstractBehavior<Command> {

  /** How long a forwarded message waits for its confirmation before it is sent again. */
  static final Duration RESEND = Duration.ofSeconds(1);

  /** Most messages taken from the transmission queue and not yet confirmed. */
  static final int WINDOW = 1000;

  /** The name of the transmission queue for {@code destination}: reserved, never a user's queue. */
  static String transmissionQueue(String destination) {
    return TRANSMISSION_PREFIX + destination;
  }

  static final String TRANSMISSION_PREFIX = "transmission:";

  private record Taken(Reply reply) implements Command {}


  private record StoredBatch(PutBatch batch, Reply reply) implements Command {}

  private record Destination(Receptionist.Listing listing) implements Command {}

  private enum Resend implements Command { INSTANCE }

  /** A message taken from the transmission queue, waiting for the destination's confirmation. */
  private static final class Unconfirmed {
    final QueueManager.Forward forward;
    /** The token of the transmission queue's latest delivery of it: what the channel's ack names. */
    String token;
    long sentAt;

    Unconfirmed(QueueManager.Forward forward) {
      this.forward = forward;
    }
  }

  static Behavior<Command> create(String node, String destination, QueueSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Resend.INSTANCE, RESEND);
      return new Channel(ctx, node, destination, settings);
    }));
  }

  private final String node;
  private final String destination;
  private final String queueName;
  private final ActorRef<Command> transmission;
  private final ActorRef<Reply> taken;
  private final Map<String, Unconfirmed> unconfirmed = new LinkedHashMap<>();
  /** The producers of PUTs not yet stored in the transmission queue, by message id. */
  private final Map<String, ArrayDeque<Put>> storing = new HashMap<>();
  private ActorRef<Command> manager;
  private boolean getting;

  private Channel(ActorContext<Command> ctx, String node, String destination, QueueSettings settings) {
    super(ctx);
    this.node = node;
    this.destination = destination;
    this.queueName = transmissionQueue(destination);
    // The transmission queue never dead-letters: a message for a node that is away for long is
    // still a message for it. The channel is its only consumer, so redeliveries after the
    // visibility timeout come back here and are recognised by id.
    QueueSettings own = settings.withVisibility(settings.visibilityTimeout(), Integer.MAX_VALUE);
    Behavior<Command> queue = settings.transmission() == QueueSettings.Durability.PERSISTENT
        ? PersistentQueue.create(queueName, own) : TransientQueue.create(queueName, own);
    this.transmission = ctx.spawn(queue, "queue-" + URLEncoder.encode(queueName, StandardCharsets.UTF_8));
    // One adapter for every answer of the transmission queue (an actor has one adapter per
    // message class): to the PUTs made for producers, and to the channel's own GETs and ACKs.
    this.taken = ctx.messageAdapter(Reply.class, Taken::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(QueueManager.key(destination),
        ctx.messageAdapter(Receptionist.Listing.class, Destination::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Put.class, this::onPut)
        .onMessage(PutBatch.class, this::onPutBatch)
        .onMessage(StoredBatch.class, this::onStoredBatch)
        .onMessage(Taken.class, this::onTaken)
        .onMessage(QueueManager.Forwarded.class, this::onForwarded)
        .onMessage(Destination.class, this::onDestination)
        .onMessage(Resend.class, m -> onResend())
        .build();
  }

  // A PUT for "<destination>/<queue>": stored in the transmission queue first, and only then
  // acknowledged to the producer under the name it used.
  private Behavior<Command> onPut(Put put) {
    String queue = put.queue().substring(put.queue().indexOf('/') + 1);
    // The queue answers one id's PUTs in the order they came (a producer's retry may overlap its first try).
    storing.computeIfAbsent(put.msgId(), id -> new ArrayDeque<>()).add(put);
    String mode = put.durability() == null ? "" : put.durability().name();
    // The sender's choice holds on this hop too: a transient message is not journaled here, and a
    // persistent one is refused when transmission queues are transient (sidis.mom.transmission).
    transmission.tell(new Put(queueName, put.msgId(), queue + "\n" + mode + "\n" + put.payload(), taken, null, put.durability()));
    return this;
  }

  /** The answer to a producer's PUT, stored (or refused) in the transmission queue. */
  private Behavior<Command> onStored(Reply reply, String id) {
    ArrayDeque<Put> waiting = storing.get(id);
    Put put = waiting.poll();
    if (waiting.isEmpty()) storing.remove(id);
    if (reply instanceof PutAck) {
      put.replyTo().tell(new PutAck(put.queue(), put.msgId()));
    } else if (reply instanceof Refused r) {
      put.replyTo().tell(new Refused(put.queue(), put.msgId(), "the transmission queue for [" + destination
          + "] did not store it: " + r.reason()));
    }
    return this;
  }

  // A PutBatch for "<destination>/<queue>": stored whole in the transmission queue (one write,
  // all or nothing), acknowledged whole, then forwarded message by message like single PUTs.
  private Behavior<Command> onPutBatch(PutBatch batch) {
    String queue = batch.queue().substring(batch.queue().indexOf('/') + 1);
    ActorRef<Command> self = getContext().getSelf();
    ActorRef<Reply> reply = getContext().spawnAnonymous(Behaviors.<Reply>receiveMessage(r -> {
      self.tell(new StoredBatch(batch, r));
      return Behaviors.stopped();
    }));
    List<Message> enveloped = batch.messages().stream()
        .map(m -> new Message(m.msgId(), queue + "\n\n" + m.payload())).toList();
    transmission.tell(new PutBatch(queueName, enveloped, reply));
    return this;
  }

  private Behavior<Command> onStoredBatch(StoredBatch m) {
    if (m.reply() instanceof PutBatchAck ack) {
      m.batch().replyTo().tell(new PutBatchAck(m.batch().queue(), ack.msgIds()));
    } else if (m.reply() instanceof Refused r) {
      m.batch().replyTo().tell(new Refused(m.batch().queue(), null, "the transmission queue for [" + destination
          + "] did not store the batch: " + r.reason()));
    }
    return this;
  }

  private Behavior<Command> onTaken(Taken m) {
    // A PutAck, or a Refused for an id a producer's PUT waits on, answers that PUT; everything
    // else answers the channel's own GETs and ACKs.
    if (m.reply() instanceof PutAck a && storing.containsKey(a.msgId())) return onStored(a, a.msgId());
    if (m.reply() instanceof Refused r && r.msgId() != null && storing.containsKey(r.msgId())) return onStored(r, r.msgId());
    if (m.reply() instanceof Acked) return this;
    if (m.reply() instanceof Refused r) {
      // A second ack of one message: it was confirmed twice (a retransmission raced its confirmation).
      getContext().getLog().debug("[{}] {}", queueName, r.reason());
      return this;
    }
    getting = false;
    if (m.reply() instanceof Delivery d && unconfirmed.containsKey(d.msgId())) {
      // Redelivered after the visibility timeout while still unconfirmed: only the newest
      // delivery can be acknowledged.
      unconfirmed.get(d.msgId()).token = d.token();
    } else if (m.reply() instanceof Delivery d) {
      int first = d.payload().indexOf('\n');
      int second = d.payload().indexOf('\n', first + 1);
      String mode = d.payload().substring(first + 1, second);
      Unconfirmed u = new Unconfirmed(new QueueManager.Forward(d.payload().substring(0, first), d.msgId(),
          d.payload().substring(second + 1), node, getContext().getSelf(),
          mode.isEmpty() ? null : QueueSettings.Durability.valueOf(mode)));
      u.token = d.token();
      unconfirmed.put(d.msgId(), u);
      send(u, System.nanoTime());
    }
    take();
    return this;
  }

  private Behavior<Command> onForwarded(QueueManager.Forwarded m) {
    Unconfirmed u = unconfirmed.remove(m.msgId());
    if (u != null) {
      transmission.tell(new Ack(queueName, m.msgId(), u.token, taken));
      take();
    }
    return this;
  }

  private Behavior<Command> onDestination(Destination m) {
    var refs = m.listing().getServiceInstances(QueueManager.key(destination));
    ActorRef<Command> before = manager;
    manager = refs.isEmpty() ? null : refs.iterator().next();
    if (manager != null && !manager.equals(before)) {
      getContext().getLog().info("queue manager of [{}] is there: forwarding {} unconfirmed messages and what waits for it",
          destination, unconfirmed.size());
      long now = System.nanoTime();
      unconfirmed.values().forEach(u -> send(u, now));
      take();
    } else if (manager == null && before != null) {
      getContext().getLog().info("queue manager of [{}] is gone: messages for it wait in the transmission queue", destination);
    }
    return this;
  }

  private Behavior<Command> onResend() {
    long now = System.nanoTime();
    for (Unconfirmed u : unconfirmed.values()) {
      if (now - u.sentAt >= RESEND.toNanos()) send(u, now);
    }
    return this;
  }

  private void send(Unconfirmed u, long now) {
    if (manager == null) return;
    manager.tell(u.forward);
    u.sentAt = now;
  }

  /** Takes the next message for the destination, waiting for one, while it is there and the window allows. */
  private void take() {
    if (getting || manager == null || unconfirmed.size() >= WINDOW) return;
    getting = true;
    transmission.tell(new Get(queueName, Duration.ofSeconds(5), taken));
  }
}
