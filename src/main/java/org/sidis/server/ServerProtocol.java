package org.sidis.server;

import akka.actor.typed.ActorRef;
import org.sidis.wire.CborSerializable;

/**
 * What a client says to a server (iterative or concurrent) and what it hears back.
 *
 * <p>Every request carries a client-chosen id, unique per client and request: a server that
 * sees an id again (a retransmission) never runs the request a second time — it answers from
 * its reply cache, or adds the new {@code replyTo} to those waiting for the running request.
 */
public final class ServerProtocol {

  private ServerProtocol() {}

  /** Everything a server accepts from a client. */
  public interface Command {}

  /**
   * Run {@code payload} through the server's handler. {@code ack}: also answer {@link Received}
   * as soon as the request is accepted (the asynchronous call mode's sync point).
   * {@code idempotent}: running it again after a crash mid-run is harmless, so the server may
   * re-dispatch it; a request that is not is answered {@link Failed} after such a crash instead
   * (at-most-once: it never runs twice).
   */
  public record Request(String id, String payload, boolean ack, boolean idempotent, ActorRef<Response> replyTo)
      implements Command, CborSerializable {

    /** A request that is not idempotent. */
    public Request(String id, String payload, boolean ack, ActorRef<Response> replyTo) {
      this(id, payload, ack, false, replyTo);
    }
  }

  /** What a server answers. */
  public sealed interface Response extends CborSerializable permits Received, Reply, Failed {
    String id();
  }

  /** The request was accepted (queued or running). */
  public record Received(String id) implements Response {}

  /** The handler's result. */
  public record Reply(String id, String result) implements Response {}

  /** The server could not produce a result: why, in words a person can act on. */
  public record Failed(String id, String reason) implements Response {}
}
