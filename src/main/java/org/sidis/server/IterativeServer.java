package org.sidis.server;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;

/**
 * An iterative server: handles one request after another in its own message loop — while one
 * runs, the rest wait in the mailbox. Same protocol and request-id rules as the concurrent
 * server (a retransmitted id is answered from the reply cache); a crashing handler is retried in
 * place up to {@code max-attempts} runs if the request is idempotent, and answered with a
 * failure at once if not. Spawn it on the blocking dispatcher.
 */
public final class IterativeServer {

  private IterativeServer() {}

  public static Behavior<ServerProtocol.Command> create(ServerSettings settings, Handler handler) {
    return Behaviors.setup(ctx -> {
      ReplyCache done = new ReplyCache(settings.replyCacheSize());
      return Behaviors.receive(ServerProtocol.Command.class)
          .onMessage(ServerProtocol.Request.class, r -> {
            ServerProtocol.Response cached = done.get(r.id());
            if (cached != null) {
              r.replyTo().tell(cached);
              return Behaviors.same();
            }
            if (r.ack()) r.replyTo().tell(new ServerProtocol.Received(r.id()));
            ServerProtocol.Response response = null;
            for (int run = 1; response == null; run++) {
              try {
                response = new ServerProtocol.Reply(r.id(), handler.handle(r.payload()));
              } catch (Exception e) {
                ctx.getLog().warn("handler crashed on request [{}] (run {}): {}", r.id(), run, e.toString());
                if (!r.idempotent()) {
                  response = new ServerProtocol.Failed(r.id(), "the handler crashed mid-request; the request is not"
                      + " idempotent, so it was not run again (at-most-once)");
                } else if (run >= settings.maxAttempts()) {
                  response = new ServerProtocol.Failed(r.id(), "the handler crashed " + run + " times on this request");
                }
              }
            }
            done.put(r.id(), response);
            r.replyTo().tell(response);
            return Behaviors.same();
          })
          .build();
    });
  }
}
