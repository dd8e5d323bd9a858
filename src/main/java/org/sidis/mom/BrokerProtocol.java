package org.sidis.mom;

import akka.actor.typed.ActorRef;
import org.sidis.wire.CborSerializable;

import java.util.List;

/**
 * The messages of the broker and of topics, beside the queues' ({@link QueueProtocol}): what an
 * application asks a {@link QueueManager} to send through the broker's rules, to publish to a
 * topic, or to subscribe to one, and what it answers. Messages a subscriber receives are the
 * queues' {@link QueueProtocol.Delivery}: a durable subscription is a queue.
 */
public final class BrokerProtocol {

  private BrokerProtocol() {}

  /** A command for the broker or for a topic, handled by the queue manager that owns it. */
  public sealed interface BrokerCommand extends QueueProtocol.Command, CborSerializable
      permits Send, Publish, Subscribe, Unsubscribe {}

  /**
   * Send {@code payload} (a JSON object) through the broker: the first matching rule picks its
   * destination, queue or topic, and transforms it; answered {@link Routed} once the destination
   * stored it (a topic: once every durable subscription did), or {@link Rejected}.
   */
  public record Send(String msgId, String payload, ActorRef<Reply> replyTo) implements BrokerCommand {}

  /** Publish to a topic: every subscription gets a copy; answered {@link Published} or {@link Rejected}. */
  public record Publish(String topic, String msgId, String payload, ActorRef<Reply> replyTo) implements BrokerCommand {}

  /**
   * Subscribe to {@code topic} as {@code subscription}. A <em>durable</em> subscription is a queue
   * ({@link Subscribed#queue()}) that keeps every message published from now on until the
   * subscriber GETs and ACKs it, online or not; {@code subscriber} is unused. A non-durable one
   * pushes each message to {@code subscriber} as a {@link QueueProtocol.Delivery} while it lives,
   * and ends when it stops. Subscribing again under the same name reattaches (idempotent).
   */
  public record Subscribe(String topic, String subscription, boolean durable, ActorRef<QueueProtocol.Reply> subscriber,
                          ActorRef<Reply> replyTo) implements BrokerCommand {}

  /** End a subscription; a durable one's queue keeps what it holds but gets nothing new. */
  public record Unsubscribe(String topic, String subscription, ActorRef<Reply> replyTo) implements BrokerCommand {}

  /** Everything the broker and topics answer. */
  public sealed interface Reply extends CborSerializable permits Routed, Published, Subscribed, Unsubscribed, Rejected {}

  /**
   * The broker delivered {@code msgId} to {@code to} ({@code queue:<name>} or {@code topic:<name>})
   * by {@code rule} (null: no rule matched and it went to {@code sidis.mom.broker.unmatched}); for a
   * topic, {@code subscriptions} are the subscriptions that got a copy.
   */
  public record Routed(String msgId, String rule, String to, List<String> subscriptions) implements Reply {}

  /** The topic handed {@code msgId} to these subscriptions (durable ones: stored in their queues). */
  public record Published(String topic, String msgId, List<String> subscriptions) implements Reply {}

  /** The subscription exists; a durable one's messages are in queue {@code queue} (null for non-durable). */
  public record Subscribed(String topic, String subscription, String queue) implements Reply {}

  public record Unsubscribed(String topic, String subscription) implements Reply {}

  /** Not done, and why; {@code destination} names the topic or the broker rule's target where known. */
  public record Rejected(String destination, String msgId, String reason, Refusal kind) implements Reply {
    public Rejected {
      if (kind == null) kind = Refusal.CONFLICT;
    }

    /** A refusal of the state the command met ({@link Refusal#CONFLICT}). */
    public Rejected(String destination, String msgId, String reason) {
      this(destination, msgId, reason, Refusal.CONFLICT);
    }
  }

  /** The queue that holds durable subscription {@code subscription} of {@code topic}. */
  public static String subscriptionQueue(String topic, String subscription) {
    return topic + "@" + subscription;
  }
}
