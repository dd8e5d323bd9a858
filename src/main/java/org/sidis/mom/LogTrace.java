package org.sidis.mom;

import akka.actor.typed.ActorSystem;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.Map;

/**
 * What a producer or consumer of one topic writes to its node's trace (DESIGN.md, "Trace
 * events", {@code proto} {@code log}, the topic in {@code group}): {@code append} when an append
 * was acknowledged, {@code read} for every record a consumer reads, {@code commit} when a
 * consumer group's commit was acknowledged — each with {@code partition} and {@code offset}.
 * The clients log these, not the log, so a killed log cannot take the evidence with it; the
 * checker ({@code trace.LogCheck}) compares them. One instance per actor and topic.
 */
public final class LogTrace {

  private final Tracer tracer;

  public LogTrace(ActorSystem<?> system, String actor, String topic) {
    this.tracer = Traces.get(system).tracer(actor, "log", topic);
  }

  public void append(String msgId, int partition, long offset) {
    tracer.event("append", msgId, null, null, Map.of("partition", partition, "offset", offset));
  }

  public void read(String msgId, int partition, long offset) {
    tracer.event("read", msgId, null, null, Map.of("partition", partition, "offset", offset));
  }

  /** {@code consumerGroup} has consumed {@code partition} below {@code offset}. */
  public void commit(String consumerGroup, int partition, long offset) {
    tracer.event("commit", null, null, null, Map.of("consumer_group", consumerGroup, "partition", partition, "offset", offset));
  }

  public void flush() {
    tracer.flush();
  }
}
