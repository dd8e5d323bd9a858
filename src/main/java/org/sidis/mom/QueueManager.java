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
import org.sidis.mom.QueueProtocol.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

  public static Behavior<Command> create(QueueSettings settings) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      if (!settings.queues().containsValue(QueueSettings.Durability.PERSISTENT)) return new QueueManager(ctx, settings);
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
            return stash.unstashAll(new QueueManager(ctx, settings));
          })
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .build());
    });
  }

  private static String storeDescription(com.typesafe.config.Config config) {
    String path = "akka-persistence-jdbc.shared-databases.sidis.db.url";
    return config.hasPath(path) ? config.getString(path) : "jdbc-journal";
  }

  private final QueueSettings settings;
  private final Map<String, ActorRef<Command>> queues = new HashMap<>();

  private QueueManager(ActorContext<Command> ctx, QueueSettings settings) {
    super(ctx);
    this.settings = settings;
    settings.queues().forEach(this::open);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueCommand.class, this::onQueueCommand)
        .build();
  }

  private Behavior<Command> onQueueCommand(QueueCommand m) {
    if (m instanceof Put put && put.payload().getBytes(StandardCharsets.UTF_8).length > settings.maxMessageBytes()) {
      put.replyTo().tell(new Refused(put.queue(), put.msgId(), "message of " + put.payload().getBytes(StandardCharsets.UTF_8).length
          + " bytes exceeds sidis.mom.max-message-bytes = " + settings.maxMessageBytes()));
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

  private ActorRef<Command> open(String name, QueueSettings.Durability durability) {
    Behavior<Command> queue = switch (durability) {
      case TRANSIENT -> TransientQueue.create(name, settings);
      case PERSISTENT -> PersistentQueue.create(name, settings);
    };
    ActorRef<Command> ref = getContext().spawn(queue, "queue-" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
    queues.put(name, ref);
    return ref;
  }

  private static ActorRef<Reply> replyTo(QueueCommand m) {
    if (m instanceof Put p) return p.replyTo();
    if (m instanceof Get g) return g.replyTo();
    if (m instanceof Poll p) return p.replyTo();
    if (m instanceof Notify n) return n.handler();
    if (m instanceof Ack a) return a.replyTo();
    return ((ListDeadLetters) m).replyTo();
  }
}
