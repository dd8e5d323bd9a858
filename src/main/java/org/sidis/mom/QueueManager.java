package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.sidis.wire.CborSerializable;
import org.sidis.mom.QueueProtocol.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A node's queue manager (Tanenbaum &amp; van Steen, "Message-queuing model"): it owns the node's
 * named queues and hands every PUT, GET, POLL, NOTIFY and ACK to the queue it names. Each queue
 * is a child actor — {@link TransientQueue} in memory, or {@link PersistentQueue}, which stores a
 * message before acknowledging its PUT. A command for a queue that does not exist creates it
 * when {@code sidis.mom.create-on-demand} is on, and is refused otherwise; a payload larger
 * than {@code sidis.mom.max-message-bytes} is refused.
 *
 * <p>A queue created on demand is <em>persistent when the node has a store</em> (a persistent
 * queue, topic or transmission queue is configured — the default, as transmission queues are
 * persistent), as ActiveMQ Artemis makes auto-created queues durable: a PUT acknowledged to a
 * producer that never declared anything must not be memory-only behind its back, and a routed
 * message the source journaled must not be downgraded to memory at the destination before the
 * source deletes its copy. On a node without a store every queue is transient anyway, and the
 * log says so when it creates one.
 *
 * <p>Bad input is refused, never thrown: a command with a missing (null) or invalid field is
 * answered {@link Refused} (or {@link BrokerProtocol.Rejected}) with the reason and logged;
 * one without a reply address is logged and dropped. The manager watches its queues and
 * channels and supervises them: a queue that fails anyway restarts (a persistent one from its
 * journal), so its name never points at a dead actor.
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

  /** A message for a queue of this node, forwarded by the {@link Channel} of {@code fromNode}. */
  public record Forward(String queue, String msgId, String payload, String fromNode, ActorRef<Command> replyTo,
                        QueueSettings.Durability durability) implements Command, CborSerializable {
    public Forward(String queue, String msgId, String payload, String fromNode, ActorRef<Command> replyTo) {
      this(queue, msgId, payload, fromNode, replyTo, null);
    }
  }

  /** The destination stored a forwarded message (or had it already): the sender may drop its copy. */
  public record Forwarded(String node, String msgId) implements Command, CborSerializable {}

  /** The local queue's answer to the PUT of a forwarded message. */
  private record ForwardStored(Reply reply) implements Command {}

  /** The transmission queues this node's journal holds, found at start (or why they could not be read). */
  private record TransmissionFound(List<String> destinations, Throwable failure) implements Command {}

  /** The queue manager of this node (its name from {@code sidis.node.name}). */
  public static Behavior<Command> create(QueueSettings settings) {
    return Behaviors.setup(ctx -> create(settings, ctx.getSystem().settings().config().getString("sidis.node.name")));
  }

  /** The queue manager of this node with a broker, topics and (when configured) the network gateway. */
  public static Behavior<Command> create(QueueSettings settings, BrokerSettings broker) {
    return Behaviors.setup(ctx -> create(settings, broker, ctx.getSystem().settings().config().getString("sidis.node.name")));
  }

  /** The queue manager of node {@code node} (several in one ActorSystem, in tests). */
  public static Behavior<Command> create(QueueSettings settings, String node) {
    return create(settings, BrokerSettings.none(), node);
  }

  /** The queue manager of node {@code node} with a broker and topics. */
  public static Behavior<Command> create(QueueSettings settings, BrokerSettings broker, String node) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.register(key(node), ctx.getSelf()));
      // A reply or message larger than Artery's frame would be dropped: refuse to start with such limits.
      String frame = "akka.remote.artery.advanced.maximum-frame-size";
      if (ctx.getSystem().settings().config().hasPath(frame)) settings.checkFrame(ctx.getSystem().settings().config().getBytes(frame));
      boolean persistent = settings.queues().containsValue(QueueSettings.Durability.PERSISTENT)
          || settings.transmission() == QueueSettings.Durability.PERSISTENT
          || broker.topics().values().stream().anyMatch(t -> t.durability() == QueueSettings.Durability.PERSISTENT);
      if (!persistent) return new QueueManager(ctx, settings, broker, node, List.of(), false);
      // Persistent queues need the journal's tables: make them if missing, and hold every
      // command until the store answers. A store that cannot be opened stops the manager with
      // the store's own error, rather than queues that would fail one PUT at a time.
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()), (done, failure) -> new StoreOpened(failure));
      return Behaviors.withStash(100_000, stash -> Behaviors.receive(Command.class)
          .onMessage(StoreOpened.class, m -> {
            if (m.failure() != null) {
              ctx.getLog().error("the queue store cannot be opened ({}): {}", storeDescription(ctx.getSystem().settings().config()),
                  rootCause(m.failure()));
              throw new IllegalStateException("the queue store cannot be opened: " + rootCause(m.failure()), m.failure());
            }
            ctx.getLog().info("queue store open ({})", storeDescription(ctx.getSystem().settings().config()));
            if (settings.transmission() != QueueSettings.Durability.PERSISTENT) {
              return stash.unstashAll(new QueueManager(ctx, settings, broker, node, List.of(), true));
            }
            ctx.pipeToSelf(transmissionQueues(ctx.getSystem(), node), TransmissionFound::new);
            return Behaviors.same();
          })
          .onMessage(TransmissionFound.class, m -> {
            if (m.failure() != null) {
              ctx.getLog().error("the transmission queues in the queue store cannot be read: {}", rootCause(m.failure()));
              throw new IllegalStateException("the transmission queues cannot be read: " + rootCause(m.failure()), m.failure());
            }
            if (!m.destinations().isEmpty()) {
              ctx.getLog().info("transmission queues found in the store, for {}: their channels start", m.destinations());
            }
            return stash.unstashAll(new QueueManager(ctx, settings, broker, node, m.destinations(), true));
          })
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .build());
    });
  }

  /**
   * The nodes this node's journal holds a transmission queue for: after a crash their channels
   * start at once, so what waited for them moves on without anyone putting again.
   */
  private static CompletionStage<List<String>> transmissionQueues(ActorSystem<?> system, String node) {
    String prefix = "sidis-queue|" + node + "/" + Channel.TRANSMISSION_PREFIX;
    return PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
        .currentPersistenceIds()
        .filter(id -> id.startsWith(prefix))
        .map(id -> id.substring(prefix.length()))
        .runWith(Sink.seq(), system);
  }

  /**
   * The innermost cause, which names what is wrong with the store ("Store header is corrupt:
   * …/n1.mv.db"), where the outer ones only say that no connection came.
   */
  static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root == t ? t.toString() : root.getClass().getSimpleName() + ": " + root.getMessage() + " (" + t.getClass().getSimpleName() + ")";
  }

  private static String storeDescription(com.typesafe.config.Config config) {
    String path = "akka-persistence-jdbc.shared-databases.sidis.db.url";
    return config.hasPath(path) ? config.getString(path) : "jdbc-journal";
  }

  private final QueueSettings settings;
  private final String node;
  private final Map<String, ActorRef<Command>> queues = new HashMap<>();
  /** The name of each queue and channel child, by its ref: what a Terminated names. */
  private final Map<ActorRef<Void>, String> children = new HashMap<>();
  /** The channel to each node this one has routed messages to, by node. */
  private final Map<String, ActorRef<Command>> channels = new HashMap<>();
  /**
   * Forwarded messages handed to a local queue and not yet answered, by queue and id, in
   * arrival order: the queue answers one id's PUTs in the order they came.
   */
  private final Map<String, ArrayDeque<Forward>> storingForwards = new HashMap<>();
  private final ActorRef<Reply> forwardStored;
  /** The durability of a queue or topic created on demand: persistent when the node has a store. */
  private final QueueSettings.Durability onDemand;
  /** Commands refused for a missing or invalid field, since start (logged with each refusal). */
  private long refusals;
  private final BrokerSettings brokerSettings;
  private final Map<String, ActorRef<Command>> topics = new HashMap<>();
  private final ActorRef<Command> broker;

  private QueueManager(ActorContext<Command> ctx, QueueSettings settings, BrokerSettings brokerSettings, String node,
                       List<String> transmitting, boolean store) {
    super(ctx);
    this.settings = settings;
    this.node = node;
    this.onDemand = store ? QueueSettings.Durability.PERSISTENT : QueueSettings.Durability.TRANSIENT;
    this.brokerSettings = brokerSettings;
    this.forwardStored = ctx.messageAdapter(Reply.class, ForwardStored::new);
    adoptChildren();
    settings.queues().forEach((name, durability) -> {
      if (!queues.containsKey(name)) open(name, durability);
    });
    transmitting.forEach(this::channel);
    brokerSettings.topics().forEach((name, declaration) -> {
      if (!topics.containsKey(name)) openTopic(name, declaration);
    });
    this.broker = ctx.getChild("broker").map(b -> b.<Command>unsafeUpcast()).orElseGet(() ->
        ctx.spawn(Broker.create(brokerSettings.rules(), ctx.getSelf(), settings.maxMessageBytes(), brokerSettings.timeout()), "broker"));
    if (brokerSettings.gateway().enabled() && ctx.getChild("gateway").isEmpty()) { // a restart keeps the running one
      Gateway gateway = Gateway.start(ctx.getSystem(), ctx.getSelf(), brokerSettings.gateway(), settings.maxMessageBytes(), node);
      ctx.spawn(Behaviors.receive(Object.class).onSignal(akka.actor.typed.PostStop.class, sig -> {
        gateway.stop();
        return Behaviors.same();
      }).build(), "gateway");
    }
  }

  /**
   * After a crash of this manager its supervisor keeps its children (QueueService spawns it
   * {@code keepingChildren}): the queues hold the deliveries in flight, their tokens and the
   * consumers' waiting GETs, and the channels the messages on their way. The restarted manager
   * takes them up again by name instead of opening new ones, so clients see no error and no
   * token of theirs goes stale. Returns whether there was anything to take up (a restart).
   */
  private boolean adoptChildren() {
    boolean any = false;
    for (ActorRef<Void> child : getContext().getChildren()) {
      String name = child.path().name();
      ActorRef<Command> ref = child.unsafeUpcast();
      if (name.startsWith(QUEUE_CHILD)) {
        String queue = decoded(name.substring(QUEUE_CHILD.length()));
        queues.put(queue, ref);
        watch(ref, queue);
      } else if (name.startsWith(CHANNEL_CHILD)) {
        String destination = decoded(name.substring(CHANNEL_CHILD.length()));
        channels.put(destination, ref);
        watch(ref, destination);
      } else if (name.startsWith(TOPIC_CHILD)) {
        topics.put(decoded(name.substring(TOPIC_CHILD.length())), ref);
      }
      any = true;
    }
    if (any) getContext().getLog().info("restarted: took up {} queues, {} channels and {} topics that kept running",
        queues.size(), channels.size(), topics.size());
    return any;
  }

  private static final String QUEUE_CHILD = "queue-";
  private static final String CHANNEL_CHILD = "channel-";
  private static final String TOPIC_CHILD = "topic-";

  private static String encoded(String name) {
    return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  private static String decoded(String childName) {
    return java.net.URLDecoder.decode(childName, StandardCharsets.UTF_8);
  }

  private final org.sidis.fault.FaultInjector injector = org.sidis.fault.FaultInjector.fromConfig(
      getContext().getSystem().settings().config(), org.sidis.fault.FaultInjector.Target.QUEUE_MANAGER,
      getContext().getSelf().path().toStringWithoutAddress());

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueCommand.class, this::onQueueCommand)
        .onMessage(BrokerProtocol.BrokerCommand.class, this::onBrokerCommand)
        .onMessage(Topic.OpenQueue.class, this::onOpenQueue)
        .onMessage(Forward.class, this::onForward)
        .onMessage(ForwardStored.class, this::onForwardStored)
        .onSignal(akka.actor.typed.Terminated.class, this::onChildStopped)
        .build();
  }

  /**
   * A queue or channel stopped for good (its supervisor restarts it on a failure; this is a
   * stop, or restarts given up): forget it, so the next command opens it again — a persistent
   * queue from its journal — instead of going to dead letters.
   */
  private Behavior<Command> onChildStopped(akka.actor.typed.Terminated t) {
    String name = children.remove(t.getRef());
    if (name == null) return this;
    if (queues.get(name) != null && queues.get(name).equals(t.getRef())) {
      queues.remove(name);
      getContext().getLog().warn("queue [{}] stopped; it reopens on the next command for it", name);
      if (settings.queues().containsKey(name)) open(name, settings.queues().get(name));
    } else if (channels.get(name) != null && channels.get(name).equals(t.getRef())) {
      channels.remove(name);
      getContext().getLog().warn("channel to [{}] stopped; it reopens on the next message for that node", name);
    }
    return this;
  }

  /** Refuses a command whose fields are missing or invalid: answered with the reason when it has a reply address, and logged. */
  private Behavior<Command> refuse(QueueCommand m, String reason) {
    refusals++;
    ActorRef<Reply> to = replyTo(m);
    getContext().getLog().warn("refused {} for queue [{}] ({} refusals so far){}: {}", m.getClass().getSimpleName(), m.queue(), refusals,
        to == null ? ", no reply address" : "", reason);
    if (to != null) to.tell(new Refused(m.queue(), m instanceof Put p ? p.msgId() : m instanceof Ack a ? a.msgId() : null, reason, Refusal.INVALID));
    return this;
  }

  /** Why a command cannot be carried out for a missing or invalid field, or null when it can. */
  private static String invalid(QueueCommand m) {
    if (replyTo(m) == null) return "no reply address (" + (m instanceof Notify ? "handler" : "replyTo") + " is null)";
    if (m.queue() == null || m.queue().isBlank()) return "no queue name";
    if (QueueCore.utf8Length(m.queue()) > QueueSettings.MAX_QUEUE_NAME_BYTES) {
      return "a queue name is at most " + QueueSettings.MAX_QUEUE_NAME_BYTES + " bytes (UTF-8)";
    }
    if (m instanceof Put p) {
      if (p.msgId() == null || p.msgId().isBlank()) return "PUT needs a message id";
      if (p.payload() == null) return "PUT needs a payload (it may be empty, not null)";
    } else if (m instanceof Get g) {
      if (g.timeout() == null || g.timeout().isNegative()) return "GET needs a timeout of zero or more";
    } else if (m instanceof Ack a) {
      if (a.msgId() == null) return "ACK needs the id of the message it acknowledges";
      if (a.token() == null) return "ACK needs the token of the delivery it acknowledges (Delivery.token)";
    }
    return null;
  }

  // A queue named "<node>/<queue>" is queue <queue> of node <node>. A PUT to it goes to the
  // channel for that node, which stores it in the node's transmission queue, acknowledges it, and
  // moves it on when the destination's manager is there (Channel). The destination remembers the
  // ids it stored, so a retransmission whose confirmation was lost is not stored twice.
  private ActorRef<Command> channel(String destination) {
    ActorRef<Command> channel = channels.get(destination);
    if (channel != null) return channel;
    channel = getContext().spawn(supervised(Channel.create(node, destination, settings)),
        CHANNEL_CHILD + encoded(destination));
    watch(channel, destination);
    channels.put(destination, channel);
    return channel;
  }

  // The queue itself deduplicates a forward, by (origin node, id) within the queue, journaled
  // with the message (QueueCore, PersistentQueue.Enqueued): so another node's message with the
  // same id, or one for another queue, is stored; a retransmission is not, even after the first
  // copy was consumed and this node restarted.
  private Behavior<Command> onForward(Forward f) {
    if (f.queue() == null || f.msgId() == null || f.payload() == null || f.fromNode() == null || f.replyTo() == null) {
      refusals++;
      getContext().getLog().warn("refused a forwarded message with a missing field ({} refusals so far): {}", refusals, f);
      return this;
    }
    storingForwards.computeIfAbsent(f.queue() + "\n" + f.msgId(), k -> new ArrayDeque<>()).add(f);
    return onQueueCommand(new Put(f.queue(), f.msgId(), f.payload(), forwardStored, null, f.durability(), f.fromNode()));
  }

  private Behavior<Command> onForwardStored(ForwardStored m) {
    String key = m.reply() instanceof PutAck a ? a.queue() + "\n" + a.msgId()
        : m.reply() instanceof Refused r ? r.queue() + "\n" + r.msgId() : null;
    ArrayDeque<Forward> waiting = key == null ? null : storingForwards.get(key);
    if (waiting == null) return this;
    Forward f = waiting.poll();
    if (waiting.isEmpty()) storingForwards.remove(key);
    if (m.reply() instanceof PutAck) {
      f.replyTo().tell(new Forwarded(node, f.msgId()));
    } else {
      getContext().getLog().warn("forwarded message [{}] from [{}] not stored: {}", f.msgId(), f.fromNode(), m.reply());
    }
    return this;
  }

  private Behavior<Command> onQueueCommand(QueueCommand m) {
    injector.strike("a command for queue [" + m.queue() + "]"); // crash injection (demo supervision); off by default
    String invalid = invalid(m);
    if (invalid != null) return refuse(m, invalid);
    if (m.queue().startsWith(Channel.TRANSMISSION_PREFIX) || m.queue().contains("\n")) {
      replyTo(m).tell(new Refused(m.queue(), m instanceof Put p ? p.msgId() : null, m.queue().contains("\n")
          ? "a queue name cannot contain a line break"
          : "queues named " + Channel.TRANSMISSION_PREFIX + "<node> are the transmission queues, the queue manager's own", Refusal.INVALID));
      return this;
    }
    int slash = m.queue().indexOf('/');
    if (slash > 0) {
      String destination = m.queue().substring(0, slash);
      String queue = m.queue().substring(slash + 1);
      if (!destination.equals(node)) {
        if (m instanceof Put put && QueueCore.utf8Length(put.payload()) <= settings.maxMessageBytes()) {
          channel(destination).tell(put);
          return this;
        }
        if (m instanceof PutBatch batch) {
          String bad = badBatch(batch);
          if (bad != null) replyTo(m).tell(new Refused(m.queue(), null, bad, Refusal.INVALID));
          else channel(destination).tell(batch);
          return this;
        }
        if (!(m instanceof Put)) {
          replyTo(m).tell(new Refused(m.queue(), null, "only PUT and PutBatch are routed to another node's queue; GET, POLL,"
              + " NOTIFY, ACK, FETCH and AckBatch go to its own queue manager", Refusal.INVALID));
          return this;
        }
      } else {
        m = renamed(m, queue);
      }
    }
    if (m instanceof Put put && QueueCore.utf8Length(put.payload()) > settings.maxMessageBytes()) {
      put.replyTo().tell(new Refused(put.queue(), put.msgId(), "message of " + QueueCore.utf8Length(put.payload())
          + " bytes exceeds sidis.mom.max-message-bytes = " + settings.maxMessageBytes(), Refusal.TOO_LARGE));
      return this;
    }
    String bad = badBatch(m);
    if (bad != null) return refuse(m, bad);
    ActorRef<Command> queue = queues.get(m.queue());
    if (queue == null && declaredSubscriptionDurability(m.queue()) != null) {
      // A durable subscription's queue of a declared topic, asked for before its topic reopened
      // it: open it with the topic's durability, never as a transient queue on demand.
      queue = open(m.queue(), declaredSubscriptionDurability(m.queue()));
    }
    if (queue == null) {
      if (!settings.createOnDemand()) {
        replyTo(m).tell(new Refused(m.queue(), m instanceof Put p ? p.msgId() : null,
            "no queue [" + m.queue() + "] on this node (sidis.mom.create-on-demand = off)", Refusal.NOT_FOUND));
        return this;
      }
      queue = open(m.queue(), onDemand);
      getContext().getLog().info("created {} queue [{}] on demand{}", onDemand.name().toLowerCase(), m.queue(),
          onDemand == QueueSettings.Durability.TRANSIENT ? " (this node has no store: its messages live in memory only)" : "");
    }
    queue.tell(m);
    return this;
  }

  // ------------------------------------------------------------------ the broker and topics

  /** Why a broker command cannot be carried out for a missing field, or null when it can. */
  private static String invalid(BrokerProtocol.BrokerCommand m) {
    if (m instanceof BrokerProtocol.Send s) {
      if (s.replyTo() == null) return "no reply address";
      if (s.msgId() == null || s.payload() == null) return "Send needs a message id and a payload";
    } else if (m instanceof BrokerProtocol.Publish p) {
      if (p.replyTo() == null) return "no reply address";
      if (p.msgId() == null || p.payload() == null) return "Publish needs a message id and a payload";
    } else if (m instanceof BrokerProtocol.Subscribe s) {
      if (s.replyTo() == null) return "no reply address";
      if (s.subscription() == null || s.subscription().isBlank()) return "Subscribe needs a subscription name";
      if (!s.durable() && s.subscriber() == null) return "a non-durable Subscribe needs a subscriber";
    } else if (m instanceof BrokerProtocol.Unsubscribe u) {
      if (u.replyTo() == null) return "no reply address";
      if (u.subscription() == null) return "Unsubscribe needs a subscription name";
    }
    return null;
  }

  private Behavior<Command> onBrokerCommand(BrokerProtocol.BrokerCommand m) {
    String invalid = invalid(m);
    if (invalid != null) {
      refusals++;
      getContext().getLog().warn("refused {} ({} refusals so far): {}", m.getClass().getSimpleName(), refusals, invalid);
      ActorRef<BrokerProtocol.Reply> to = m instanceof BrokerProtocol.Send s ? s.replyTo() : m instanceof BrokerProtocol.Publish p ? p.replyTo()
          : m instanceof BrokerProtocol.Subscribe s ? s.replyTo() : ((BrokerProtocol.Unsubscribe) m).replyTo();
      if (to != null) to.tell(new BrokerProtocol.Rejected(null, null, invalid, Refusal.INVALID));
      return this;
    }
    if (m instanceof BrokerProtocol.Send send) {
      broker.tell(send);
      return this;
    }
    String topic;
    ActorRef<BrokerProtocol.Reply> replyTo;
    if (m instanceof BrokerProtocol.Publish p) {
      topic = p.topic();
      replyTo = p.replyTo();
      int bytes = QueueCore.utf8Length(p.payload());
      if (bytes > settings.maxMessageBytes()) {
        replyTo.tell(new BrokerProtocol.Rejected("topic:" + topic, p.msgId(), "message of " + bytes
            + " bytes exceeds sidis.mom.max-message-bytes = " + settings.maxMessageBytes(), Refusal.TOO_LARGE));
        return this;
      }
    } else if (m instanceof BrokerProtocol.Subscribe s) {
      topic = s.topic();
      replyTo = s.replyTo();
    } else {
      BrokerProtocol.Unsubscribe u = (BrokerProtocol.Unsubscribe) m;
      topic = u.topic();
      replyTo = u.replyTo();
    }
    ActorRef<Command> t = topics.get(topic);
    if (t == null) {
      if (topic == null || topic.isBlank() || topic.contains("/") || topic.contains("@")) {
        replyTo.tell(new BrokerProtocol.Rejected("topic:" + topic, null, "topic name [" + topic + "] is blank or contains '/' or '@'", Refusal.INVALID));
        return this;
      }
      if (!settings.createOnDemand()) {
        replyTo.tell(new BrokerProtocol.Rejected("topic:" + topic, m instanceof BrokerProtocol.Publish p ? p.msgId() : null,
            "no topic [" + topic + "] on this node (sidis.mom.create-on-demand = off)", Refusal.NOT_FOUND));
        return this;
      }
      t = openTopic(topic, new BrokerSettings.TopicDeclaration(onDemand, java.util.List.of()));
      getContext().getLog().info("created {} topic [{}] on demand", onDemand.name().toLowerCase(), topic);
    }
    t.tell(m);
    return this;
  }

  private ActorRef<Command> openTopic(String name, BrokerSettings.TopicDeclaration declaration) {
    for (String s : declaration.subscriptions()) {
      String queue = BrokerProtocol.subscriptionQueue(name, s);
      if (!queues.containsKey(queue)) open(queue, declaration.durability());
    }
    ActorRef<Command> ref = getContext().spawn(Topic.create(name, declaration, getContext().getSelf(), brokerSettings.timeout()),
        TOPIC_CHILD + encoded(name));
    topics.put(name, ref);
    return ref;
  }

  private QueueSettings.Durability declaredSubscriptionDurability(String queue) {
    int at = queue.indexOf('@');
    if (at <= 0) return null;
    BrokerSettings.TopicDeclaration t = brokerSettings.topics().get(queue.substring(0, at));
    return t == null ? null : t.durability();
  }

  private Behavior<Command> onOpenQueue(Topic.OpenQueue m) {
    if (!queues.containsKey(m.queue())) open(m.queue(), m.durability());
    m.replyTo().tell(new Topic.QueueOpened(m.queue()));
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
      if (a.handles() == null || a.handles().isEmpty()) return "empty AckBatch: it must name at least one message";
      if (a.handles().size() > settings.maxBatch()) {
        return "AckBatch of " + a.handles().size() + " ids exceeds sidis.mom.max-batch = " + settings.maxBatch();
      }
      if (a.handles().stream().anyMatch(h -> h == null || h.msgId() == null || h.token() == null)) {
        return "AckBatch names a null message id or token (each Handle is a delivery's msgId and token)";
      }
    }
    return null;
  }

  private ActorRef<Command> open(String name, QueueSettings.Durability durability) {
    Behavior<Command> queue = switch (durability) {
      case TRANSIENT -> TransientQueue.create(name, settings);
      case PERSISTENT -> PersistentQueue.create(name, settings);
    };
    ActorRef<Command> ref = getContext().spawn(supervised(queue), QUEUE_CHILD + encoded(name));
    watch(ref, name);
    queues.put(name, ref);
    return ref;
  }

  /**
   * A child that throws restarts after a backoff (a persistent queue replays its journal; a
   * transient one starts empty, as after a crash) instead of stopping with its ref still in
   * the map, where every later command would go to dead letters. The command that threw is
   * not retried. (PersistentQueue supervises its journal's failures itself; this catches the rest.)
   */
  private static Behavior<Command> supervised(Behavior<Command> child) {
    return Behaviors.supervise(child).onFailure(Exception.class,
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  private void watch(ActorRef<Command> child, String name) {
    getContext().watch(child);
    children.put(child.unsafeUpcast(), name);
  }

  private static QueueCommand renamed(QueueCommand m, String q) {
    if (m instanceof Put p) return p.to(q);
    if (m instanceof Get g) return new Get(q, g.timeout(), g.replyTo());
    if (m instanceof Poll p) return new Poll(q, p.replyTo());
    if (m instanceof Notify n) return new Notify(q, n.handler());
    if (m instanceof Ack a) return new Ack(q, a.msgId(), a.token(), a.replyTo());
    if (m instanceof PutBatch b) return new PutBatch(q, b.messages(), b.replyTo());
    if (m instanceof Fetch f) return new Fetch(q, f.max(), f.timeout(), f.replyTo());
    if (m instanceof AckBatch a) return new AckBatch(q, a.handles(), a.replyTo());
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
