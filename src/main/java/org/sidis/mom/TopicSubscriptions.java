package org.sidis.mom;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import org.sidis.wire.CborSerializable;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The durable subscriptions of a persistent {@link Topic}, journaled: a subscription made with
 * {@code Subscribe} (not declared in config) is remembered across a restart of the topic's node,
 * so the topic goes on filling its queue while its subscriber is away. On recovery it tells the
 * topic which subscriptions exist ({@link Topic.Recovered}).
 */
final class TopicSubscriptions
    extends EventSourcedBehavior<TopicSubscriptions.Command, TopicSubscriptions.Event, LinkedHashSet<String>> {

  sealed interface Command permits Add, Remove {}

  record Add(String subscription, ActorRef<Done> replyTo) implements Command {}

  record Remove(String subscription, ActorRef<Done> replyTo) implements Command {}

  /** What the journal keeps. */
  public sealed interface Event extends CborSerializable permits Added, Removed {}

  public record Added(String subscription) implements Event {}

  public record Removed(String subscription) implements Event {}

  static Behavior<Command> create(String topic, ActorRef<QueueProtocol.Command> owner) {
    return Behaviors.setup(ctx -> {
      String node = ctx.getSystem().settings().config().getString("sidis.node.name");
      return new TopicSubscriptions(PersistenceId.of("sidis-topic", node + "/" + topic, "|"), owner);
    });
  }

  private final ActorRef<QueueProtocol.Command> owner;

  private TopicSubscriptions(PersistenceId id, ActorRef<QueueProtocol.Command> owner) {
    super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.owner = owner;
  }

  @Override
  public LinkedHashSet<String> emptyState() {
    return new LinkedHashSet<>();
  }

  @Override
  public CommandHandler<Command, Event, LinkedHashSet<String>> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, (s, m) -> s.contains(m.subscription())
            ? Effect().reply(m.replyTo(), Done.getInstance())
            : Effect().persist(new Added(m.subscription())).thenReply(m.replyTo(), after -> Done.getInstance()))
        .onCommand(Remove.class, (s, m) -> !s.contains(m.subscription())
            ? Effect().reply(m.replyTo(), Done.getInstance())
            : Effect().persist(new Removed(m.subscription())).thenReply(m.replyTo(), after -> Done.getInstance()))
        .build();
  }

  @Override
  public EventHandler<LinkedHashSet<String>, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Added.class, (s, e) -> { s.add(e.subscription()); return s; })
        .onEvent(Removed.class, (s, e) -> { s.remove(e.subscription()); return s; })
        .build();
  }

  @Override
  public SignalHandler<LinkedHashSet<String>> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> owner.tell(new Topic.Recovered(List.copyOf(s))))
        .build();
  }
}
