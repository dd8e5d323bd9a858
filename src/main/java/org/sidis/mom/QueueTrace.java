package org.sidis.mom;

import org.sidis.trace.Events;
import akka.actor.typed.ActorSystem;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.List;
import java.util.Map;

/**
 * What a producer or a consumer of one queue writes to its node's trace (DESIGN.md, "Trace
 * events"): {@code put} when its PUT was acknowledged, {@code get} when it receives a message,
 * {@code ack} when its acknowledgement was confirmed — and, optionally, {@code attempt} before a
 * PUT is sent, so the checker ({@code check.QueueTotal}) can tell a message whose PUT
 * acknowledgement was lost from one nobody sent. The application logs these, not the queue
 * manager, so a killed queue manager cannot take the evidence of a loss down with it. One
 * instance per actor and queue: it owns that actor's gapless {@code lseq}.
 *
 * <p>The one line a queue writes itself is {@code ack-journaled} ({@link #ackJournaled}): a
 * persistent queue journaled a consumer's ack, so the message is consumed even if the consumer
 * is downed before the answer reaches it and never traces {@code ack} (issue 17). It only adds
 * evidence of a consumption; a lost message still shows as a {@code put} nobody acknowledged.
 */
public final class QueueTrace {

  private final Tracer tracer;

  public QueueTrace(ActorSystem<?> system, String actor, String queue) {
    this.tracer = Traces.get(system).tracer(actor, Events.Proto.QUEUE, queue);
  }

  public void attempt(String msgId) {
    tracer.event(Events.Queue.ATTEMPT, msgId);
  }

  public void put(String msgId) {
    tracer.event(Events.Queue.PUT, msgId);
  }

  public void get(String msgId, int deliveries) {
    tracer.event(Events.Queue.GET, msgId, null, null, Map.of("deliveries", deliveries));
  }

  /**
   * The queue's side: these acks are in its journal, and their answers are about to go out.
   * Flushed before the answers, so a consumer that hears {@code Acked} and dies at once, or never
   * hears it, leaves the queue's line behind.
   */
  public void ackJournaled(List<String> msgIds) {
    if (msgIds.isEmpty()) return;
    for (String id : msgIds) tracer.event(Events.Queue.ACK_JOURNALED, id);
    tracer.flush();
  }

  /** Written before the consumer acts on the message, so a crash right after leaves the line. */
  public void ack(String msgId) {
    tracer.event(Events.Queue.ACK, msgId);
    tracer.flush();
  }
}
