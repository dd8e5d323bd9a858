package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import org.sidis.trace.Events;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.Document;
import org.sidis.tiers.TiersProtocol.Redirect;
import org.sidis.tiers.TiersProtocol.Refused;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The tiers' lines in the node's trace ({@code proto} {@value Events.Proto#TIERS}, names in
 * {@link Events.Tiers}). The front end actor and its front door write as one actor — the front
 * end's path, one {@code lseq} — because together they are the first tier: the actor sees the
 * request and routes it, the door's per-request ask sees what the client's connection was
 * answered (in handoff the front end actor never does). Each answer carries a CRC-32 of the
 * document, so a checker can match what a server served with what a client got.
 */
final class TiersTrace {

  private final Tracer tracer;

  private TiersTrace(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The voice of {@code actor} (the front end, whose door shares it, or an application server). */
  static TiersTrace of(ActorSystem<?> system, ActorRef<?> actor) {
    return new TiersTrace(Traces.get(system).tracer(actor.path().toStringWithoutAddress(), Events.Proto.TIERS, Events.Tiers.GROUP));
  }

  void request(String id, int key, ReplyMode mode, Policy policy) {
    tracer.event(Events.Tiers.REQUEST, id, null, null, Map.of("key", key, "mode", mode.word(), "policy", policy.word()));
  }

  void route(String id, int key, String serverUrl, int attempt) {
    tracer.event(Events.Tiers.ROUTE, id, null, null, Map.of("key", key, "server", serverUrl, "attempt", attempt));
  }

  void drop(String id, String reason) {
    tracer.event(Events.Tiers.DROP, id, null, null, Map.of("reason", reason));
  }

  /** What the client's HTTP connection was answered with: {@code answer}, or {@code status} when the ask failed. */
  void reply(String id, Answer answer, int status) {
    Map<String, Object> f = new LinkedHashMap<>();
    if (answer instanceof Document d) {
      f.put("status", 200);
      document(f, d);
    } else if (answer instanceof Redirect r) {
      f.put("status", 307);
      f.put("location", r.location());
    } else if (answer instanceof Refused r) {
      f.put("status", r.status());
    } else {
      f.put("status", status);
    }
    tracer.event(Events.Tiers.REPLY, id, null, null, f);
    tracer.flush();
  }

  /** An application server answered request {@code id}; {@code url} is its own endpoint, as routes name it. */
  void serve(String id, Answer answer, String url) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("url", url);
    if (answer instanceof Document d) {
      f.put("status", 200);
      document(f, d);
    } else if (answer instanceof Refused r) {
      f.put("status", r.status());
    }
    if (id.startsWith(ServerDoor.DIRECT)) f.put("direct", true);
    tracer.event(Events.Tiers.SERVE, id, null, null, f);
    tracer.flush();
  }

  private static void document(Map<String, Object> f, Document d) {
    byte[] bytes = d.body().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    f.put("key", d.key());
    f.put("bytes", bytes.length);
    f.put("crc", Long.toHexString(crc.getValue()));
    f.put("server", d.server());
  }
}
