package org.sidis.mom;

import akka.actor.typed.ActorRef;
import org.sidis.wire.CborSerializable;

import java.time.Duration;
import java.util.List;

/**
 * The messages of the queue room: what an application asks a {@link QueueManager} (the notes'
 * PUT, GET, POLL, NOTIFY, plus ACK), and what it answers. The queue manager hands each command
 * to the queue it names, so a queue actor (transient or persistent) speaks the same protocol.
 */
public final class QueueProtocol {

  private QueueProtocol() {}

  /** Everything a queue manager or a queue accepts. */
  public interface Command {}

  /** A command addressed to one queue. */
  public sealed interface QueueCommand extends Command, CborSerializable permits Put, Get, Poll, Notify, Ack, ListDeadLetters, PutBatch, Fetch, AckBatch {
    String queue();
  }

  /**
   * PUT: append {@code payload} under {@code msgId}; answered {@link PutAck} once stored. When
   * {@code receipts} is set it also hears {@link Receipt}s: when the message is first handed to
   * a consumer and when a consumer acknowledged it (the notes' later synchronization points).
   * {@code durability} is the sender's choice for this message (null: the queue's own): a
   * transient message in a persistent queue is kept in memory only, acknowledged at once and
   * lost if the queue's node crashes (JMS's NON_PERSISTENT); a persistent message for a
   * transient queue is refused, as that queue cannot keep the promise. {@code origin} is set by
   * the queue manager for a message forwarded from another node (that node's name; null
   * otherwise): the queue remembers (origin, id) so a retransmission is stored once, even after
   * the first copy was consumed and the queue restarted.
   */
  public record Put(String queue, String msgId, String payload, ActorRef<Reply> replyTo, ActorRef<Reply> receipts,
                    QueueSettings.Durability durability, String origin) implements QueueCommand {
    public Put(String queue, String msgId, String payload, ActorRef<Reply> replyTo) {
      this(queue, msgId, payload, replyTo, null, null, null);
    }

    public Put(String queue, String msgId, String payload, ActorRef<Reply> replyTo, ActorRef<Reply> receipts) {
      this(queue, msgId, payload, replyTo, receipts, null, null);
    }

    public Put(String queue, String msgId, String payload, ActorRef<Reply> replyTo, ActorRef<Reply> receipts,
               QueueSettings.Durability durability) {
      this(queue, msgId, payload, replyTo, receipts, durability, null);
    }

    /** This PUT under another queue name (routing strips the node). */
    public Put to(String otherQueue) {
      return new Put(otherQueue, msgId, payload, replyTo, receipts, durability, origin);
    }
  }

  /** GET: the next message, waiting up to {@code timeout} for one; answered {@link Delivery} or {@link Empty}. */
  public record Get(String queue, Duration timeout, ActorRef<Reply> replyTo) implements QueueCommand {}

  /** POLL: the next message or {@link Empty} at once. */
  public record Poll(String queue, ActorRef<Reply> replyTo) implements QueueCommand {}

  /** NOTIFY: {@code handler} receives an {@link Inserted} for every message put from now on. */
  public record Notify(String queue, ActorRef<Reply> handler) implements QueueCommand {}

  /**
   * Acknowledge a delivered message: it leaves the queue; answered {@link Acked} or
   * {@link Refused}. {@code token} is the one its {@link Delivery} carried: an ack is accepted only
   * while that delivery is in flight (not for a message never delivered, nor for a delivery whose
   * visibility timeout passed and which may be in flight at another consumer now).
   */
  public record Ack(String queue, String msgId, String token, ActorRef<Reply> replyTo) implements QueueCommand {
    /** The ack of delivery {@code d}. */
    public Ack(Delivery d, ActorRef<Reply> replyTo) {
      this(d.queue(), d.msgId(), d.token(), replyTo);
    }
  }

  /** What names one delivery in an {@link AckBatch}: the message's id and its delivery's token. */
  public record Handle(String msgId, String token) implements CborSerializable {}

  // Batches: the same operations for many messages at once. Per-message actor traffic, not the
  // disk, was what bounded a persistent queue (issue 6); a batch crosses each mailbox once and a
  // persistent queue journals it as one event. Each message in a batch follows the single
  // operation's rules.

  /** One message of a {@link PutBatch}. */
  public record Message(String msgId, String payload) implements CborSerializable {}

  /**
   * PUT of several messages, all or nothing: answered one {@link PutBatchAck} once every message
   * is in the queue (stored, for a persistent queue), or {@link Refused} for the whole batch.
   * A message already held is acknowledged without being put twice, as for PUT.
   */
  public record PutBatch(String queue, List<Message> messages, ActorRef<Reply> replyTo) implements QueueCommand {}

  /**
   * GET of up to {@code max} messages (a consumer's prefetch): answered {@link Deliveries} with
   * what is ready, as soon as at least one message is, or {@link Empty} after {@code timeout}.
   * One answer carries at most {@code sidis.mom.max-reply-bytes} (and at least one message).
   * Each message is in flight on its own and must be acknowledged (ACK or {@link AckBatch}).
   */
  public record Fetch(String queue, int max, Duration timeout, ActorRef<Reply> replyTo) implements QueueCommand {}

  /** ACK of several delivered messages, each by its {@link Handle}: answered one {@link BatchAcked} once the acks are recorded. */
  public record AckBatch(String queue, List<Handle> handles, ActorRef<Reply> replyTo) implements QueueCommand {
    /** The ack of every delivery of {@code d}. */
    public static AckBatch of(Deliveries d, ActorRef<Reply> replyTo) {
      return new AckBatch(d.queue(), d.deliveries().stream().map(Delivery::handle).toList(), replyTo);
    }
  }

  /** The queue's dead letters, oldest first (as many ids as fit one reply); answered {@link DeadLetters}. */
  public record ListDeadLetters(String queue, ActorRef<Reply> replyTo) implements QueueCommand {}

  /** Everything a queue answers. */
  public sealed interface Reply extends CborSerializable permits PutAck, Delivery, Empty, Inserted, Acked, Refused, DeadLetters, Receipt,
      PutBatchAck, Deliveries, BatchAcked {}

  /** The message is in the queue (stored, for a persistent queue). */
  public record PutAck(String queue, String msgId) implements Reply {}

  /**
   * A message for the consumer: its {@code deliveries}-th delivery; ack it, with {@code token},
   * before the visibility timeout. (A non-durable topic subscription's push has no token: it
   * is not acknowledged.)
   */
  public record Delivery(String queue, String msgId, String payload, int deliveries, String token) implements Reply {
    public Handle handle() {
      return new Handle(msgId, token);
    }
  }

  /** No message: POLL found the queue empty, or GET's timeout passed. */
  public record Empty(String queue) implements Reply {}

  /** NOTIFY's call: a message was put into the queue. */
  public record Inserted(String queue, String msgId) implements Reply {}

  /** The acknowledgement is recorded (stored, for a persistent queue). */
  public record Acked(String queue, String msgId) implements Reply {}

  /** The command was not carried out, why ({@code msgId} may be null), and which kind of refusal it is. */
  public record Refused(String queue, String msgId, String reason, Refusal kind) implements Reply {
    public Refused {
      if (kind == null) kind = Refusal.CONFLICT;
    }

    /** A refusal of the state the command met ({@link Refusal#CONFLICT}). */
    public Refused(String queue, String msgId, String reason) {
      this(queue, msgId, reason, Refusal.CONFLICT);
    }
  }

  /** Where a sent message has got to: handed to a consumer, or acknowledged (processed) by one. */
  public record Receipt(String queue, String msgId, SyncPoint point) implements Reply {}

  /**
   * The synchronization points of Tanenbaum &amp; van Steen (section 4.1, "Types of
   * communication"): a sender may be released when the middleware has its message
   * ({@code SUBMISSION}), when the receiver's side has it ({@code DELIVERY}), or when the receiver
   * has processed it ({@code PROCESSING}, here: acknowledged it).
   */
  public enum SyncPoint { SUBMISSION, DELIVERY, PROCESSING }

  /** Every message of the {@link PutBatch} is in the queue (stored, for a persistent queue). */
  public record PutBatchAck(String queue, List<String> msgIds) implements Reply {}

  /**
   * FETCH's answer: one message or more, oldest first, each its own delivery — at most
   * {@code sidis.mom.max-reply-bytes} of them (always at least one), so the answer fits the
   * transport's frame.
   */
  public record Deliveries(String queue, List<Delivery> deliveries) implements Reply {}

  /**
   * {@link AckBatch}'s answer: the messages whose acks are recorded (stored, for a persistent
   * queue), and those refused because they were not in flight (a second ack, a dead letter).
   */
  public record BatchAcked(String queue, List<String> acked, List<String> refused) implements Reply {}

  /**
   * The dead-letter list: ids of messages delivered the maximum number of times without an ack,
   * oldest first — as many as fit one reply under the transport's frame; {@code total} says how
   * many there are.
   */
  public record DeadLetters(String queue, List<String> msgIds, int total) implements Reply {}
}
