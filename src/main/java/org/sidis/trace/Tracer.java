package org.sidis.trace;

import java.util.concurrent.atomic.AtomicLong;

import org.sidis.clock.VectorClock;

import java.util.Map;

/**
 * One actor's voice in its node's trace. It owns the actor's {@code lseq} — the gapless local
 * order of the contract — and stamps every line with the fixed fields (DESIGN.md, "Trace
 * events"). An actor is single-threaded, so the counter needs no lock; the sink serializes the
 * appends of different actors.
 */
public final class Tracer {
  private final TraceSink sink;
  private final String node;
  private final String actor;
  private final String proto;
  private final String group;
  /** Shared by every tracer of this actor on this node, so a restarted actor's lseq runs on. */
  private final AtomicLong lseq;

  public Tracer(TraceSink sink, String node, String actor, String proto, String group) {
    this(sink, node, actor, proto, group, new AtomicLong());
  }

  Tracer(TraceSink sink, String node, String actor, String proto, String group, AtomicLong lseq) {
    this.lseq = lseq;
    this.sink = sink;
    this.node = node;
    this.actor = actor;
    this.proto = proto;
    this.group = group;
  }

  public boolean enabled() {
    return sink.enabled();
  }

  public String node() {
    return node;
  }

  /**
   * Hands buffered lines to the OS. A shell calls it before its messages leave the node, so a
   * node killed right after sending has still written that it sent them — otherwise a crash
   * would erase the evidence of its last multicasts and its peers' deliveries would look like
   * messages nobody sent.
   */
  public void flush() {
    sink.flush();
  }

  /** Writes one event. {@code msg}, {@code vc}, {@code gseq} and {@code extra} may be null. */
  public void event(String event, String msg, VectorClock vc, Long gseq, Map<String, ?> extra) {
    if (!sink.enabled()) return;
    // One lock per actor: its lseq and its lines' order in the file agree even when two
    // tracers of one actor (an actor and its supervisor's restart line) write at once.
    synchronized (lseq) {
      JsonLine line = new JsonLine()
          .field("ts", nowMicros())
          .field("node", node)
          .field("actor", actor)
          .field("proto", proto)
          .field("group", group)
          .field("event", event)
          .field("msg", msg)
          .field("lseq", lseq.incrementAndGet())
          .field("vc", vc)
          .field("gseq", gseq);
      if (extra != null) extra.forEach(line::field);
      sink.append(line.end());
    }
  }

  public void event(String event, String msg) {
    event(event, msg, null, null, null);
  }

  public void event(String event, Map<String, ?> extra) {
    event(event, null, null, null, extra);
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
