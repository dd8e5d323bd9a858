package org.sidis.mom;

import akka.actor.typed.ActorSystem;
import org.sidis.trace.Tracer;
import org.sidis.trace.Events;
import org.sidis.trace.Traces;

import java.util.Map;

/**
 * What a producer or consumer of one topic writes to its node's trace (DESIGN.md, "Trace
 * events", {@code proto} {@code log}, the topic in {@code group}): {@code append} when an append
 * was acknowledged, {@code read} for every record a reader reads (a group member: when it hands
 * it to its handler), {@code handled} when a member's handler confirmed a record, {@code commit}
 * when a consumer group's commit was acknowledged — each with {@code partition} and
 * {@code offset}, and a group member's with its group in {@code consumer_group}.
 * The clients log these, not the log, so a killed log cannot take the evidence with it; the
 * checker ({@code trace.LogCheck}) compares them. One instance per actor and topic.
 */
public final class LogTrace {

  private final Tracer tracer;

  public LogTrace(ActorSystem<?> system, String actor, String topic) {
    this.tracer = Traces.get(system).tracer(actor, Events.Proto.LOG, topic);
  }

  public void append(String msgId, int partition, long offset) {
    tracer.event(Events.Log.APPEND, msgId, null, null, Map.of("partition", partition, "offset", offset));
  }

  public void read(String msgId, int partition, long offset) {
    tracer.event(Events.Log.READ, msgId, null, null, Map.of("partition", partition, "offset", offset));
  }

  /** A member of {@code consumerGroup} handed the record to its handler. */
  public void read(String consumerGroup, String msgId, int partition, long offset) {
    tracer.event(Events.Log.READ, msgId, null, null, Map.of("consumer_group", consumerGroup, "partition", partition, "offset", offset));
  }

  /** The handler of a member of {@code consumerGroup} confirmed it has processed the record. */
  public void handled(String consumerGroup, String msgId, int partition, long offset) {
    tracer.event(Events.Log.HANDLED, msgId, null, null, Map.of("consumer_group", consumerGroup, "partition", partition, "offset", offset));
  }

  /** {@code consumerGroup} has consumed {@code partition} below {@code offset}. */
  public void commit(String consumerGroup, int partition, long offset) {
    tracer.event(Events.Log.COMMIT, null, null, null, Map.of("consumer_group", consumerGroup, "partition", partition, "offset", offset));
  }

  public void flush() {
    tracer.flush();
  }
}
