package org.sidis.mom;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.mom.QueueProtocol.*;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One send API with the notes' synchronization point as an argument (Tanenbaum &amp; van Steen,
 * "Types of communication"): the returned stage completes when the queue has stored the message
 * ({@link SyncPoint#SUBMISSION}), when a consumer first received it ({@link SyncPoint#DELIVERY})
 * or when a consumer acknowledged it ({@link SyncPoint#PROCESSING}); it fails with the queue's
 * reason when the PUT is refused or the message is dead-lettered, and with a
 * {@link TimeoutException} when the point is not reached in time. The sender also chooses
 * whether the message is transient or persistent (or leaves it to the queue's declared
 * durability, {@code sidis.mom.queues}): see {@link Put}.
 */
public final class Sender {

  private static final AtomicLong SENDS = new AtomicLong();
  /** The sender's own timer, as a refusal only it can send itself. */
  private static final String TIMEOUT = "sync point not reached in time";

  private Sender() {}

  /** Sends with the queue's own durability. */
  public static CompletionStage<Done> send(ActorSystem<?> system, ActorRef<Command> queueManager, String queue, String msgId,
                                           String payload, SyncPoint at, Duration timeout) {
    return send(system, queueManager, queue, msgId, payload, null, at, timeout);
  }

  /**
   * Sends {@code payload} as a {@code durability} message (null: the queue's own) and completes
   * at {@code at}. A persistent send to a transient queue fails with the queue's reason.
   */
  public static CompletionStage<Done> send(ActorSystem<?> system, ActorRef<Command> queueManager, String queue, String msgId,
                                           String payload, QueueSettings.Durability durability, SyncPoint at, Duration timeout) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    system.systemActorOf(sender(queueManager, new Put(queue, msgId, payload, null, null, durability), at, timeout, done),
        "sender-" + SENDS.incrementAndGet(), Props.empty());
    return done;
  }

  private static Behavior<Reply> sender(ActorRef<Command> qm, Put put, SyncPoint at, Duration timeout,
                                        CompletableFuture<Done> done) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Reply> self = ctx.getSelf();
      qm.tell(new Put(put.queue(), put.msgId(), put.payload(), self, at == SyncPoint.SUBMISSION ? null : self, put.durability()));
      timers.startSingleTimer(new Refused(put.queue(), put.msgId(), TIMEOUT), timeout);
      return Behaviors.receive(Reply.class)
          .onMessage(PutAck.class, m -> finishIf(at == SyncPoint.SUBMISSION, done))
          .onMessage(Receipt.class, m -> finishIf(m.point() == at, done))
          .onMessage(Refused.class, m -> {
            done.completeExceptionally(TIMEOUT.equals(m.reason())
                ? new TimeoutException(at + " of " + m.msgId() + " not reached within " + timeout)
                : new IllegalStateException("[" + m.queue() + "] " + m.msgId() + ": " + m.reason()));
            return Behaviors.stopped();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    }));
  }

  private static Behavior<Reply> finishIf(boolean reached, CompletableFuture<Done> done) {
    if (!reached) return Behaviors.same();
    done.complete(Done.getInstance());
    return Behaviors.stopped();
  }
}
