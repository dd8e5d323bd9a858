package org.sidis.mom;

import org.sidis.trace.Events;
import akka.actor.typed.ActorSystem;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.List;
import java.util.Map;

/**
 * What a publisher or a subscriber of one topic writes to its node's trace ({@code proto}
 * {@code topic}, the topic in {@code group}): {@code put} when a publish was acknowledged, with
 * {@code to} = the subscriptions the topic gave it to (its answer, {@link BrokerProtocol.Published});
 * {@code get} when a subscriber receives a copy and {@code ack} when its ack of a durable copy was
 * confirmed, each with its {@code subscription}. From these the checker ({@code trace.TopicTotal})
 * knows, per message, exactly which subscriptions owed it a delivery. One instance per actor and
 * topic (it owns the actor's {@code lseq}); safe to call from several threads.
 */
public final class TopicTrace {

  private final Tracer tracer;

  public TopicTrace(ActorSystem<?> system, String actor, String topic) {
    this.tracer = Traces.get(system).tracer(actor, Events.Proto.TOPIC, topic);
  }

  public synchronized void attempt(String msgId) {
    tracer.event(Events.Queue.ATTEMPT, msgId);
  }

  public synchronized void put(String msgId, List<String> subscriptions) {
    tracer.event(Events.Queue.PUT, msgId, null, null, Map.of("to", subscriptions));
  }

  /**
   * {@code durable}: the copy came from a durable subscription's queue, and is owed an ack. A
   * durable receipt is handed to the OS at once, before the consumer acks: a consumer killed
   * after its ack reached the queue but before it could trace the confirmation leaves at least
   * this line, which the checker reads as "in doubt" rather than as a loss.
   */
  public synchronized void get(String msgId, String subscription, boolean durable, int deliveries) {
    tracer.event(Events.Queue.GET, msgId, null, null, Map.of("subscription", subscription, "durable", durable, "deliveries", deliveries));
    if (durable) tracer.flush();
  }

  public synchronized void ack(String msgId, String subscription) {
    tracer.event(Events.Queue.ACK, msgId, null, null, Map.of("subscription", subscription));
    tracer.flush();
  }
}
