package org.sidis.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;

/**
 * One worker of a concurrent server: runs one request at a time through the handler, on the
 * server's blocking dispatcher, answers the client itself and reports the result to its
 * dispatcher (which caches it and answers any retransmissions). It tells the
 * dispatcher it is ready when it starts — and again after supervision restarted it, which is
 * how the dispatcher learns that the request it held crashed.
 */
public final class Worker {

  private Worker() {}

  /** Run request {@code id} and answer {@code replyTo}. */
  public record Work(String id, String payload, ActorRef<ServerProtocol.Response> replyTo) {}

  /** A handler threw: the worker crashes and is restarted. */
  public static final class Crashed extends RuntimeException {
    public Crashed(String id, Throwable cause) {
      super("handler crashed on request [" + id + "]: " + cause, cause);
    }
  }

  public static Behavior<Work> create(int index, Handler handler, ActorRef<ServerProtocol.Command> dispatcher) {
    Behavior<Work> worker = Behaviors.setup(ctx -> {
      dispatcher.tell(new Dispatcher.WorkerReady(index));
      return Behaviors.receive(Work.class)
          .onMessage(Work.class, w -> {
            String result;
            try {
              result = handler.handle(w.payload());
            } catch (Exception e) {
              throw new Crashed(w.id(), e);
            }
            w.replyTo().tell(new ServerProtocol.Reply(w.id(), result));
            dispatcher.tell(new Dispatcher.WorkerDone(index, w.id(), result));
            return Behaviors.same();
          })
          .build();
    });
    return Behaviors.supervise(worker).onFailure(Exception.class, SupervisorStrategy.restart().withLoggingEnabled(true));
  }
}
