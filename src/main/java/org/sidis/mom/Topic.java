package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.sidis.mom.BrokerProtocol.*;
import org.sidis.mom.QueueProtocol.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic: publish/subscribe beside the queues' point-to-point (Tanenbaum &amp; van Steen,
 * "Message-oriented persistent communication"; JMS topics). Every message published goes to
 * every subscription that exists when it is published — where a queue gives a message to one of
 * its competing consumers, a topic gives each subscription its own copy.
 *
 * <p>A <em>durable</em> subscription is a queue of the topic's node, {@code <topic>@<subscription>},
 * of the topic's durability: the topic PUTs each message into it and the subscriber GETs and ACKs
 * from it whenever it is online, so nothing published while it is away is lost (a persistent
 * topic's subscription queues are journaled, and survive a crash of the node). A publish is
 * answered {@link Published} only once every durable subscription's queue has stored its copy.
 * A <em>non-durable</em> subscriber is pushed each message while it lives (at most once: what is
 * published while it is away is not kept); it is watched and dropped when it stops.
 */
public final class Topic extends AbstractBehavior<Command> {

  /** Asks the queue manager to open a subscription's queue with the topic's durability. */
  public record OpenQueue(String queue, QueueSettings.Durability durability, ActorRef<QueueOpened> replyTo) implements Command {}

  public record QueueOpened(String queue) {}

  private record Opened(Subscribe subscribe, Throwable failure) implements Command {}

  private record Stored(String msgId, String subscription, QueueProtocol.Reply reply, Throwable failure) implements Command {}

  /** A persistent topic's journal has replayed: these durable subscriptions were made before. */
  record Recovered(List<String> subscriptions) implements Command {}

  private record Journaled(Subscribe subscribe, Throwable failure) implements Command {}

  private record Forgotten(Unsubscribe unsubscribe, Throwable failure) implements Command {}

  private record SubscriberGone(String subscription, ActorRef<QueueProtocol.Reply> subscriber) implements Command {}

  /** A publish waiting for its durable copies to be stored. */
  private static final class Pending {
    final Publish publish;
    final List<String> subscriptions;
    final Set<String> waiting;
    final List<String> refused = new ArrayList<>();

    Pending(Publish publish, List<String> subscriptions, Set<String> waiting) {
      this.publish = publish;
      this.subscriptions = subscriptions;
      this.waiting = waiting;
    }
  }

  public static Behavior<Command> create(String name, BrokerSettings.TopicDeclaration declaration, ActorRef<Command> queueManager,
                                         Duration timeout) {
    if (declaration.durability() == QueueSettings.Durability.TRANSIENT) {
      return Behaviors.setup(ctx -> new Topic(ctx, name, declaration, queueManager, timeout, null, List.of()));
    }
    // A persistent topic journals the durable subscriptions made at run time; it serves once
    // its journal has replayed them, holding what arrives meanwhile.
    return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> {
      ActorRef<TopicSubscriptions.Command> journal = ctx.spawn(TopicSubscriptions.create(name, ctx.getSelf()), "subscriptions");
      return Behaviors.receive(Command.class)
          .onMessage(Recovered.class, r -> stash.unstashAll(new Topic(ctx, name, declaration, queueManager, timeout, journal, r.subscriptions())))
          .onAnyMessage(m -> {
            stash.stash(m);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private final String name;
  private final QueueSettings.Durability durability;
  private final ActorRef<Command> queueManager;
  private final Duration timeout;
  /** Durable subscriptions: name → its queue, in the order they were made. */
  private final Map<String, String> durable = new LinkedHashMap<>();
  private final Map<String, ActorRef<QueueProtocol.Reply>> live = new LinkedHashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  /** A persistent topic's journal of durable subscriptions made at run time; null for a transient topic. */
  private final ActorRef<TopicSubscriptions.Command> journal;

  private Topic(ActorContext<Command> ctx, String name, BrokerSettings.TopicDeclaration declaration, ActorRef<Command> queueManager,
                Duration timeout, ActorRef<TopicSubscriptions.Command> journal, List<String> recovered) {
    super(ctx);
    this.name = name;
    this.durability = declaration.durability();
    this.queueManager = queueManager;
    this.timeout = timeout;
    this.journal = journal;
    // Declared subscriptions exist before anyone subscribes: their queues are opened by the
    // manager when it opens this topic, so they keep messages even for a subscriber never seen.
    for (String s : declaration.subscriptions()) durable.put(s, BrokerProtocol.subscriptionQueue(name, s));
    for (String s : recovered) {
      String queue = BrokerProtocol.subscriptionQueue(name, s);
      durable.put(s, queue);
      // Its queue (persistent, like this topic) replays what it held; open it before the next publish.
      queueManager.tell(new OpenQueue(queue, durability, ctx.getSystem().ignoreRef()));
    }
    if (!recovered.isEmpty()) ctx.getLog().info("[{}] durable subscriptions back from the journal: {}", name, recovered);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Stored.class, this::onStored)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Opened.class, this::onOpened)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(Journaled.class, this::onJournaled)
        .onMessage(Forgotten.class, this::onForgotten)
        .onMessage(SubscriberGone.class, this::onSubscriberGone)
        .build();
  }

  private Behavior<Command> onPublish(Publish m) {
    if (pending.containsKey(m.msgId())) {
      m.replyTo().tell(new Rejected("topic:" + name, m.msgId(), "message [" + m.msgId() + "] is being published already"));
      return this;
    }
    List<String> to = new ArrayList<>(durable.keySet());
    to.addAll(live.keySet());
    live.values().forEach(s -> s.tell(new QueueProtocol.Delivery(name, m.msgId(), m.payload(), 1, null)));
    if (durable.isEmpty()) {
      m.replyTo().tell(new Published(name, m.msgId(), List.copyOf(to)));
      return this;
    }
    pending.put(m.msgId(), new Pending(m, List.copyOf(to), new LinkedHashSet<>(durable.keySet())));
    durable.forEach((subscription, queue) -> getContext().ask(QueueProtocol.Reply.class, queueManager, timeout,
        ref -> new QueueProtocol.Put(queue, m.msgId(), m.payload(), ref),
        (reply, failure) -> new Stored(m.msgId(), subscription, reply, failure)));
    return this;
  }

  private Behavior<Command> onStored(Stored m) {
    Pending p = pending.get(m.msgId());
    if (p == null || !p.waiting.remove(m.subscription())) return this;
    if (m.failure() != null) p.refused.add(m.subscription() + ": no answer from its queue (" + m.failure().getMessage() + ")");
    else if (!(m.reply() instanceof QueueProtocol.PutAck)) p.refused.add(m.subscription() + ": " + m.reply());
    if (!p.waiting.isEmpty()) return this;
    pending.remove(m.msgId());
    if (p.refused.isEmpty()) {
      p.publish.replyTo().tell(new Published(name, m.msgId(), p.subscriptions));
    } else {
      p.publish.replyTo().tell(new Rejected("topic:" + name, m.msgId(), "not stored for every durable subscription: " + p.refused
          + " (the others have their copy; publishing it again under the same id fills the gaps)"));
    }
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe m) {
    String s = m.subscription();
    if (s == null || s.isBlank() || s.contains("/") || s.contains("@")) {
      m.replyTo().tell(new Rejected("topic:" + name, null, "subscription name [" + s + "] is blank or contains '/' or '@'", Refusal.INVALID));
      return this;
    }
    if (m.durable()) {
      if (live.containsKey(s)) {
        m.replyTo().tell(new Rejected("topic:" + name, null, "subscription [" + s + "] exists and is not durable"));
        return this;
      }
      String queue = BrokerProtocol.subscriptionQueue(name, s);
      getContext().ask(QueueOpened.class, queueManager, timeout, ref -> new OpenQueue(queue, durability, ref),
          (opened, failure) -> new Opened(m, failure));
      return this;
    }
    if (durable.containsKey(s)) {
      m.replyTo().tell(new Rejected("topic:" + name, null, "subscription [" + s + "] exists and is durable"));
      return this;
    }
    if (m.subscriber() == null) {
      m.replyTo().tell(new Rejected("topic:" + name, null, "a non-durable subscription needs a subscriber to push to"));
      return this;
    }
    ActorRef<QueueProtocol.Reply> before = live.get(s);
    if (before != null && !before.equals(m.subscriber())) {
      m.replyTo().tell(new Rejected("topic:" + name, null, "subscription [" + s + "] belongs to another subscriber"));
      return this;
    }
    if (before == null) {
      live.put(s, m.subscriber());
      getContext().watchWith(m.subscriber(), new SubscriberGone(s, m.subscriber()));
      getContext().getLog().info("[{}] subscription [{}] (non-durable) to {}", name, s, m.subscriber());
    }
    m.replyTo().tell(new Subscribed(name, s, null));
    return this;
  }

  private Behavior<Command> onOpened(Opened m) {
    Subscribe s = m.subscribe();
    if (m.failure() != null) {
      s.replyTo().tell(new Rejected("topic:" + name, null, "the queue of subscription [" + s.subscription() + "] could not be opened: "
          + m.failure().getMessage()));
      return this;
    }
    if (journal != null && !durable.containsKey(s.subscription())) {
      getContext().ask(akka.Done.class, journal, timeout, ref -> new TopicSubscriptions.Add(s.subscription(), ref),
          (done, failure) -> new Journaled(s, failure));
      return this;
    }
    return subscribed(s);
  }

  private Behavior<Command> onJournaled(Journaled m) {
    if (m.failure() != null) {
      m.subscribe().replyTo().tell(new Rejected("topic:" + name, null, "subscription [" + m.subscribe().subscription()
          + "] could not be journaled: " + m.failure().getMessage()));
      return this;
    }
    return subscribed(m.subscribe());
  }

  private Behavior<Command> subscribed(Subscribe s) {
    String queue = BrokerProtocol.subscriptionQueue(name, s.subscription());
    if (durable.putIfAbsent(s.subscription(), queue) == null) {
      getContext().getLog().info("[{}] durable subscription [{}] in queue [{}]", name, s.subscription(), queue);
    }
    s.replyTo().tell(new Subscribed(name, s.subscription(), queue));
    return this;
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe m) {
    ActorRef<QueueProtocol.Reply> subscriber = live.remove(m.subscription());
    if (subscriber != null) getContext().unwatch(subscriber);
    if (subscriber == null && durable.remove(m.subscription()) == null) {
      m.replyTo().tell(new Rejected("topic:" + name, null, "no subscription [" + m.subscription() + "]", Refusal.NOT_FOUND));
      return this;
    }
    if (subscriber == null && journal != null) {
      getContext().ask(akka.Done.class, journal, timeout, ref -> new TopicSubscriptions.Remove(m.subscription(), ref),
          (done, failure) -> new Forgotten(m, failure));
      return this;
    }
    m.replyTo().tell(new Unsubscribed(name, m.subscription()));
    return this;
  }

  private Behavior<Command> onForgotten(Forgotten m) {
    if (m.failure() != null) {
      getContext().getLog().warn("[{}] the end of subscription [{}] could not be journaled: {}", name, m.unsubscribe().subscription(),
          m.failure().getMessage());
    }
    m.unsubscribe().replyTo().tell(new Unsubscribed(name, m.unsubscribe().subscription()));
    return this;
  }

  private Behavior<Command> onSubscriberGone(SubscriberGone m) {
    if (live.remove(m.subscription(), m.subscriber())) {
      getContext().getLog().info("[{}] non-durable subscriber [{}] stopped: subscription ended", name, m.subscription());
    }
    return this;
  }
}
