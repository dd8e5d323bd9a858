package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.sidis.mom.LogProtocol.*;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A node's event log: one {@link TopicLog} per topic declared in {@code sidis.mom.log.topics},
 * each journaled in the node's store. It hands every command to the topic it names and refuses
 * one for a topic it does not have, naming those it has. Registered with the Receptionist under
 * {@link #KEY} and {@link #key(String)}, so producers and consumers on other nodes find it.
 *
 * <p>Like the queue manager, it makes the journal's tables if missing and holds every command
 * until the store answers; a store that cannot be opened stops it with the store's own error.
 */
public final class LogManager {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sidis-event-log");

  /** The key under which the event log of node {@code node} registers. */
  public static ServiceKey<Command> key(String node) {
    return ServiceKey.create(Command.class, "sidis-event-log-" + node);
  }

  private record StoreOpened(Throwable failure) implements Command {}

  private LogManager() {}

  /** The event log of this node (its name from {@code sidis.node.name}). */
  public static Behavior<Command> create(LogSettings settings) {
    return Behaviors.setup(ctx -> create(settings, ctx.getSystem().settings().config().getString("sidis.node.name")));
  }

  public static Behavior<Command> create(LogSettings settings, String node) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()), (done, failure) -> new StoreOpened(failure));
      return Behaviors.withStash(100_000, stash -> Behaviors.receive(Command.class)
          .onMessage(StoreOpened.class, m -> {
            if (m.failure() != null) {
              ctx.getLog().error("the event log's store cannot be opened: {}", m.failure().toString());
              throw new IllegalStateException("the event log's store cannot be opened: " + m.failure(), m.failure());
            }
            Map<String, ActorRef<Command>> topics = new HashMap<>();
            settings.topics().forEach((name, partitions) -> topics.put(name,
                ctx.spawn(TopicLog.create(node, name, partitions, settings), "topic-" + URLEncoder.encode(name, StandardCharsets.UTF_8))));
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            ctx.getSystem().receptionist().tell(Receptionist.register(key(node), ctx.getSelf()));
            ctx.getLog().info("event log open with topics {}", settings.topics());
            return stash.unstashAll(serving(topics));
          })
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .build());
    });
  }

  private static Behavior<Command> serving(Map<String, ActorRef<Command>> topics) {
    return Behaviors.receive(Command.class)
        .onMessage(TopicCommand.class, m -> {
          ActorRef<Command> topic = topics.get(m.topic());
          if (topic != null) {
            topic.tell(m);
          } else {
            m.replyTo().tell(new Refused(m.topic(), m instanceof Append a ? a.msgId() : null,
                "no topic [" + m.topic() + "] on this node; topics: " + new TreeSet<>(topics.keySet())));
          }
          return Behaviors.same();
        })
        .build();
  }
}
