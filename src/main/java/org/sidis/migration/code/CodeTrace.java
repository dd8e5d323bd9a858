package org.sidis.migration.code;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import org.sidis.membership.NodeNames;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a host or shipper writes to its node's trace ({@link CodeEvents}); one per actor. */
final class CodeTrace {

  private final Traces traces;
  private final String actor;

  CodeTrace(ActorContext<?> ctx) {
    this.traces = Traces.get(ctx.getSystem());
    this.actor = ctx.getSelf().path().toStringWithoutAddress();
  }

  String node() {
    return traces.node();
  }

  /** The node name {@code ref} lives on (its member's role), or its address when this node does not know the member yet. */
  static <T> String nodeOf(ActorContext<?> ctx, ActorRef<T> ref) {
    Map<String, ActorRef<T>> named = NodeNames.name(ctx.getSystem(), List.of(ref), false).named();
    return named.isEmpty() ? ref.path().address().toString() : named.keySet().iterator().next();
  }

  void ship(String unit, CodeDigest digest, String peer, int bytes, int parts) {
    write(CodeEvents.SHIP, unit, digest, peer, Map.of("bytes", bytes, "parts", parts));
  }

  void load(String unit, CodeDigest digest, String peer, String address, String job) {
    write(CodeEvents.LOAD, unit, digest, peer, Map.of("address", address, "job", job));
  }

  void refuse(String unit, String digest, String peer, String address, Refusal reason, String detail) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("address", address);
    extra.put("reason", reason.name());
    extra.put("detail", detail);
    write(CodeEvents.REFUSE, unit, digest, peer, extra);
  }

  void result(String unit, String digest, String peer, List<String> lines) {
    write(CodeEvents.RESULT, unit, digest, peer, Map.of("lines", lines.size(), "output", String.join("\n", lines)));
  }

  void fetch(String unit, String peer) {
    write(CodeEvents.FETCH, unit, null, peer, Map.of());
  }

  private void write(String event, String unit, Object digest, String peer, Map<String, ?> more) {
    // One tracer per unit (group = the unit's name); tracers of one actor share its lseq.
    Tracer tracer = traces.tracer(actor, CodeEvents.PROTO, unit);
    if (!tracer.enabled()) return;
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("unit", unit);
    if (digest != null) extra.put("digest", digest.toString());
    extra.put("peer", peer);
    extra.putAll(more);
    tracer.event(event, null, null, null, extra);
    tracer.flush();
  }
}
