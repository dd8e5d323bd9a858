package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.sidis.CborSerializable;
import org.sidis.mom.QueueProtocol.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * A node's queue manager (Tanenbaum &amp; van Steen, "Message-queuing model"): it owns the node's
 * named queues and hands every PUT, GET, POLL, NOTIFY and ACK to the queue it names. Each queue
 * is a child actor — {@link TransientQueue} in memory, or {@link PersistentQueue}, which stores a
 * message before acknowledging its PUT. A command for a queue that does not exist creates it
 * (transient) when {@code sidis.mom.create-on-demand} is on, and is refused otherwise; a
 * payload larger than {@code sidis.mom.max-message-bytes} is refused.
 *
 * <p>It registers with the Receptionist under {@link #KEY}, so programs on other nodes find it.
 */
public final class QueueManager extends AbstractBehavior<Command> {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sidis-queue-manager");

  /** The journal's tables exist (or could not be made: {@code failure} says why). */
  private record StoreOpened(Throwable failure) implements Command {}

  /** The key under which the queue manager of node {@code node} registers: how peers find it. */
  public static ServiceKey<Command> key(String node) {
    return ServiceKey.create(Command.class, NODE_KEY_PREFIX + node);
  }

  private static final String NODE_KEY_PREFIX = "sidis-queue-manager-";

  // ------------------------------------------------------------------ routing between managers

  /** A message for a queue of this node, forwarded by the manager of {@code fromNode}. */
  public record Forward(String queue, String msgId, String payload, String fromNode, ActorRef<Command> replyTo)
      implements Command, CborSerializable {}

  /** The destination stored a forwarded message (or had it already): the sender may drop its copy. */
  public record Forwarded(String node, String msgId) implements Command, CborSerializable {}

  private record ForwardStored(Forward forward, Reply reply) implements Command {}

  private record RemoteListing(Receptionist.Listing listing) implements Command {}

  private enum Retransmit implements Command { INSTANCE }

  /** The queue manager of this node (its name from {@code sidis.node.name}). */
  public static Behavior<Command> create(QueueSettings settings) {
    return Behaviors.setup(ctx -> create(settings, ctx.getSystem().settings().config().getString("sidis.node.name")));
  }

  /** The queue manager of node {@code node} (several in one ActorSystem, in tests). */
  public static Behavior<Command> create(QueueSettings settings, String node) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Retransmit.INSTANCE, Duration.ofSeconds(1));
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.register(key(node), ctx.getSelf()));
      if (!settings.queues().containsValue(QueueSettings.Durability.PERSISTENT)) return new QueueManager(ctx, settings, node);
      // Persistent queues need the journal's tables: make them if missing, and hold every
      // command until the store answers. A store that cannot be opened stops the manager with
      // the store's own error, rather than queues that would fail one PUT at a time.
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()), (done, failure) -> new StoreOpened(failure));
      return Behaviors.withStash(100_000, stash -> Behaviors.receive(Command.class)
          .onMessage(StoreOpened.class, m -> {
            if (m.failure() != null) {
              ctx.getLog().error("the queue store cannot be opened ({}): {}", storeDescription(ctx.getSystem().settings().config()),
                  m.failure().toString());
              throw new IllegalStateException("the queue store cannot be opened: " + m.failure(), m.failure());
            }
            ctx.getLog().info("queue store open ({})", storeDescription(ctx.getSystem().settings().config()));
            return stash.unstashAll(new QueueManager(ctx, settings, node));
          })
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .build());
    }));
  }

  private static String storeDescription(com.typesafe.config.Config config) {
    String path = "akka-persistence-jdbc.shared-databases.sidis.db.url";
    return config.hasPath(path) ? config.getString(path) : "jdbc-journal";
  }

  /** Messages for another node's queues that it has not confirmed yet, by node, in PUT order. */
  private static final class TransmissionQueue {
    final LinkedHashMap<String, Forward> pending = new LinkedHashMap<>();
    ActorRef<Command> destination;
  }

  private static final int REMEMBERED_FORWARDS = 100_000;

  private final QueueSettings settings;
  private final String node;
  private final Map<String, ActorRef<Command>> queues = new HashMap<>();
  private final Map<String, TransmissionQueue> transmission = new HashMap<>();
  /** Ids of forwarded messages already stored here, so a retransmission is not a second message. */
  private final LinkedHashSet<String> forwardedHere = new LinkedHashSet<>();
  private final ActorRef<Receptionist.Listing> listings;

  private QueueManager(ActorContext<Command> ctx, QueueSettings settings, String node) {
    super(ctx);
    this.settings = settings;
    this.node = node;
    this.listings = ctx.messageAdapter(Receptionist.Listing.class, RemoteListing::new);
    settings.queues().forEach(this::open);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueCommand.class, this::onQueueCommand)
        .onMessage(Forward.class, this::onForward)
        .onMessage(ForwardStored.class, this::onForwardStored)
        .onMessage(Forwarded.class, this::onForwarded)
        .onMessage(RemoteListing.class, this::onRemoteListing)
        .onMessage(Retransmit.class, m -> {
          transmission.values().forEach(this::transmit);
          return this;
        })
        .build();
  }

  // A queue named "<node>/<queue>" is queue <queue> of node <node>. A PUT to it is taken into
  // this node's transmission queue for that node (and acknowledged: the local manager has it —
  // held in memory, so a crash of this node loses what it has not passed on yet), sent to the
  // destination's manager while that one is registered, again every second until confirmed,
  // and dropped on Forwarded. The destination remembers the ids it stored, so a retransmission
  // whose confirmation was lost is not stored twice: effectively-once forwarding.
  private Behavior<Command> routeRemote(Put put, String destination, String queue) {
    TransmissionQueue t = transmission.computeIfAbsent(destination, d -> {
      getContext().getSystem().receptionist().tell(Receptionist.subscribe(key(d), listings));
      return new TransmissionQueue();
    });
    Forward f = new Forward(queue, put.msgId(), put.payload(), node, getContext().getSelf());
    t.pending.put(put.msgId(), f);
    put.replyTo().tell(new PutAck(put.queue(), put.msgId()));
    if (t.destination != null) t.destination.tell(f);
    return this;
  }

  private void transmit(TransmissionQueue t) {
    if (t.destination == null) return;
    t.pending.values().forEach(t.destination::tell);
  }

  private Behavior<Command> onRemoteListing(RemoteListing m) {
    String destination = m.listing().getKey().id().substring(NODE_KEY_PREFIX.length());
    TransmissionQueue t = transmission.get(destination);
    if (t == null) return this;
    var refs = m.listing().getServiceInstances(key(destination));
    ActorRef<Command> before = t.destination;
    t.destination = refs.isEmpty() ? null : refs.iterator().next();
    if (t.destination != null && !t.destination.equals(before)) {
      getContext().getLog().info("queue manager of [{}] is back: sending {} waiting messages", destination, t.pending.size());
      transmit(t);
    } else if (t.destination == null && before != null) {
      getContext().getLog().info("queue manager of [{}] is gone: messages for it wait in the transmission queue", destination);
    }
    return this;
  }

  private Behavior<Command> onForward(Forward f) {
    if (forwardedHere.contains(f.msgId())) {
      f.replyTo().tell(new Forwarded(node, f.msgId()));
      return this;
    }
    ActorRef<Command> self = getContext().getSelf();
    ActorRef<Reply> stored = getContext().spawnAnonymous(akka.actor.typed.javadsl.Behaviors.<Reply>receiveMessage(r -> {
      self.tell(new ForwardStored(f, r));
      return akka.actor.typed.javadsl.Behaviors.stopped();
    }));
    return onQueueCommand(new Put(f.queue(), f.msgId(), f.payload(), stored));
  }

  private Behavior<Command> onForwardStored(ForwardStored m) {
    if (m.reply() instanceof PutAck) {
      forwardedHere.add(m.forward().msgId());
      if (forwardedHere.size() > REMEMBERED_FORWARDS) {
        var it = forwardedHere.iterator();
        it.next();
        it.remove();
      }
      m.forward().replyTo().tell(new Forwarded(node, m.forward().msgId()));
    } else {
      getContext().getLog().warn("forwarded message [{}] from [{}] not stored: {}", m.forward().msgId(), m.forward().fromNode(), m.reply());
    }
    return this;
  }

  private Behavior<Command> onForwarded(Forwarded m) {
    TransmissionQueue t = transmission.get(m.node());
    if (t != null) t.pending.remove(m.msgId());
    return this;
  }

  private Behavior<Command> onQueueCommand(QueueCommand m) {
    int slash = m.queue().indexOf('/');
    if (slash > 0) {
      String destination = m.queue().substring(0, slash);
      String queue = m.queue().substring(slash + 1);
      if (!destination.equals(node)) {
        if (m instanceof Put put && put.payload().getBytes(StandardCharsets.UTF_8).length <= settings.maxMessageBytes()) {
          return routeRemote(put, destination, queue);
        }
        if (!(m instanceof Put)) {
          replyTo(m).tell(new Refused(m.queue(), null, "only PUT is routed to another node's queue; GET, POLL, NOTIFY, ACK and the batch operations go to its own queue manager"));
          return this;
        }
      } else {
        m = renamed(m, queue);
      }
    }
    if (m instanceof Put put && put.payload().getBytes(StandardCharsets.UTF_8).length > settings.maxMessageBytes()) {
      put.replyTo().tell(new Refused(put.queue(), put.msgId(), "message of " + put.payload().getBytes(StandardCharsets.UTF_8).length
          + " bytes exceeds sidis.mom.max-message-bytes = " + settings.maxMessageBytes()));
      return this;
    }
    String bad = badBatch(m);
    if (bad != null) {
      replyTo(m).tell(new Refused(m.queue(), null, bad));
      return this;
    }
    ActorRef<Command> queue = queues.get(m.queue());
    if (queue == null) {
      if (!settings.createOnDemand()) {
        replyTo(m).tell(new Refused(m.queue(), m instanceof Put p ? p.msgId() : null,
            "no queue [" + m.queue() + "] on this node (sidis.mom.create-on-demand = off)"));
        return this;
      }
      queue = open(m.queue(), QueueSettings.Durability.TRANSIENT);
      getContext().getLog().info("created transient queue [{}] on demand", m.queue());
    }
    queue.tell(m);
    return this;
  }

  /** Why a batch command cannot be carried out, or null when it can (or is no batch). */
  private String badBatch(QueueCommand m) {
    if (m instanceof PutBatch b) {
      if (b.messages() == null || b.messages().isEmpty()) return "empty PutBatch: it must carry at least one message";
      if (b.messages().size() > settings.maxBatch()) {
        return "PutBatch of " + b.messages().size() + " messages exceeds sidis.mom.max-batch = " + settings.maxBatch()
            + " (a batch is stored in one write, all or nothing)";
      }
      for (Message msg : b.messages()) {
        if (msg == null || msg.msgId() == null || msg.payload() == null) return "PutBatch carries a message without an id or payload";
        int bytes = msg.payload().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > settings.maxMessageBytes()) {
          return "message [" + msg.msgId() + "] of " + bytes + " bytes exceeds sidis.mom.max-message-bytes = "
              + settings.maxMessageBytes() + "; no message of the batch was put";
        }
      }
    } else if (m instanceof Fetch f) {
      if (f.max() < 1 || f.max() > settings.maxBatch()) {
        return "Fetch of " + f.max() + " messages: ask for 1.." + settings.maxBatch() + " (sidis.mom.max-batch)";
      }
      if (f.timeout() == null || f.timeout().isNegative()) return "Fetch needs a timeout of zero or more";
    } else if (m instanceof AckBatch a) {
      if (a.msgIds() == null || a.msgIds().isEmpty()) return "empty AckBatch: it must name at least one message";
      if (a.msgIds().size() > settings.maxBatch()) {
        return "AckBatch of " + a.msgIds().size() + " ids exceeds sidis.mom.max-batch = " + settings.maxBatch();
      }
      if (a.msgIds().stream().anyMatch(java.util.Objects::isNull)) return "AckBatch names a null message id";
    }
    return null;
  }

  private ActorRef<Command> open(String name, QueueSettings.Durability durability) {
    Behavior<Command> queue = switch (durability) {
      case TRANSIENT -> TransientQueue.create(name, settings);
      case PERSISTENT -> PersistentQueue.create(name, settings);
    };
    ActorRef<Command> ref = getContext().spawn(queue, "queue-" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
    queues.put(name, ref);
    return ref;
  }

  private static QueueCommand renamed(QueueCommand m, String q) {
    if (m instanceof Put p) return new Put(q, p.msgId(), p.payload(), p.replyTo(), p.receipts());
    if (m instanceof Get g) return new Get(q, g.timeout(), g.replyTo());
    if (m instanceof Poll p) return new Poll(q, p.replyTo());
    if (m instanceof Notify n) return new Notify(q, n.handler());
    if (m instanceof Ack a) return new Ack(q, a.msgId(), a.replyTo());
    if (m instanceof PutBatch b) return new PutBatch(q, b.messages(), b.replyTo());
    if (m instanceof Fetch f) return new Fetch(q, f.max(), f.timeout(), f.replyTo());
    if (m instanceof AckBatch a) return new AckBatch(q, a.msgIds(), a.replyTo());
    return new ListDeadLetters(q, ((ListDeadLetters) m).replyTo());
  }

  private static ActorRef<Reply> replyTo(QueueCommand m) {
    if (m instanceof Put p) return p.replyTo();
    if (m instanceof Get g) return g.replyTo();
    if (m instanceof Poll p) return p.replyTo();
    if (m instanceof Notify n) return n.handler();
    if (m instanceof Ack a) return a.replyTo();
    if (m instanceof PutBatch b) return b.replyTo();
    if (m instanceof Fetch f) return f.replyTo();
    if (m instanceof AckBatch a) return a.replyTo();
    return ((ListDeadLetters) m).replyTo();
  }
}
