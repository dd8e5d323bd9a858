package org.sidis.rpc;

import org.sidis.trace.Events;
import akka.actor.typed.ActorSystem;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RPC trace events (DESIGN.md's contract, {@code proto} {@code rpc}, {@code group} the
 * service): a stub traces {@code call} when the application calls and {@code return} when the
 * call returns to it ({@code outcome} {@code ok}, {@code error} or {@code timeout}); a skeleton
 * traces {@code execute} when it invokes the implementation and {@code reply} with what it sends
 * back. {@code msg} is the call's id {@code <client node>:<n>}, the same at both ends — it travels
 * in the marshalled call — so a checker can follow one call across retries and replicas.
 *
 * <p>Unlike a protocol actor's tracer, these lines come from any calling thread (stub) or any
 * worker (skeleton): every event takes a lock, so {@code lseq} and file order stay the same.
 */
final class RpcTrace {

  /**
   * The node's call-id counter, one per ActorSystem (an extension: two systems of one name in one
   * JVM are equal as actor refs, so a map keyed by the system would share a counter between them).
   */
  static final class CallIds implements akka.actor.typed.Extension {
    static final akka.actor.typed.ExtensionId<CallIds> ID = new akka.actor.typed.ExtensionId<>() {
      @Override
      public CallIds createExtension(ActorSystem<?> system) {
        return new CallIds();
      }
    };
    final AtomicLong next = new AtomicLong();
  }

  private final Tracer tracer;
  private final AtomicLong ids;

  RpcTrace(ActorSystem<?> system, String actor, String service) {
    this.tracer = Traces.get(system).tracer(actor, Events.Proto.RPC, service);
    this.ids = CallIds.ID.apply(system).next;
  }

  boolean enabled() {
    return tracer.enabled();
  }

  /** A new call id, unique in the node: {@code <node>:<n>}. */
  String newCallId() {
    return tracer.node() + ":" + ids.incrementAndGet();
  }

  void call(String callId, String method, CallMode mode, boolean idempotent, RpcSettings.Replication replication) {
    if (!tracer.enabled()) return;
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("method", method);
    f.put("mode", mode.name().toLowerCase().replace('_', '-'));
    f.put("idempotent", idempotent);
    f.put("replication", replication.name().toLowerCase());
    event(Events.Rpc.CALL, callId, f);
  }

  /** The call returned to the application: {@code error} is null when it returned normally. */
  void returned(String callId, Throwable error) {
    if (!tracer.enabled()) return;
    Map<String, Object> f = new LinkedHashMap<>();
    Throwable t = error == null ? null : RpcException.unwrap(error);
    f.put("outcome", t == null ? "ok" : t instanceof RpcException.DeadlineExceededException ? "timeout" : "error");
    if (t != null) f.put("error", t.getClass().getSimpleName() + ": " + t.getMessage());
    event(Events.Rpc.RETURN, callId, f);
  }

  void execute(String callId, String method) {
    if (!tracer.enabled() || callId == null) return;
    event(Events.Rpc.EXECUTE, callId, Map.of("method", method));
  }

  /** The skeleton's answer: {@code ok}, or {@code error} of {@code kind} (application, unknown-method, …). */
  void reply(String callId, String kind) {
    if (!tracer.enabled() || callId == null) return;
    event(Events.Rpc.REPLY, callId, kind == null ? Map.of("outcome", "ok") : Map.of("outcome", "error", "kind", kind));
  }

  private void event(String event, String callId, Map<String, ?> fields) {
    synchronized (this) {
      tracer.event(event, callId, null, null, fields);
    }
  }
}
