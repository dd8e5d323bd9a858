package org.sidis.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.fault.FaultInjector;
import org.sidis.fault.Supervision;
import org.sidis.wire.CborSerializable;

/**
 * One worker of a concurrent server: runs one request at a time through the handler, on the
 * server's blocking dispatcher, answers the client itself and reports the result to the
 * dispatcher that sent the work (which caches it and answers any retransmissions).
 *
 * <p>The same worker serves a dispatcher in its own JVM or in another one (the notes'
 * threads-or-processes choice, {@code sidis.server.workers-at}): a local worker is spawned by its
 * dispatcher and tells it it is ready when it starts; a remote worker registers in the
 * Receptionist under its pool's key and the dispatcher finds it there. Either way, after
 * supervision restarted a worker that crashed mid-request, it tells the dispatcher that sent
 * that request it is ready again — which is how the dispatcher learns that the request crashed —
 * and whether the handler had begun: a request that crashed before it ran may run again
 * elsewhere even when it is not idempotent, since it did nothing yet.
 */
public final class Worker {

  private Worker() {}

  /** Run request {@code id}, answer {@code replyTo}, report to {@code reportTo} (the dispatcher). */
  public record Work(String id, String payload, ActorRef<ServerProtocol.Response> replyTo,
                     ActorRef<ServerProtocol.Command> reportTo) implements CborSerializable {}

  /** A handler threw: the worker crashes and is restarted. */
  public static final class Crashed extends RuntimeException {
    public Crashed(String id, Throwable cause) {
      super("handler crashed on request [" + id + "]: " + cause, cause);
    }
  }

  /** The Receptionist key remote workers of server {@code pool} register under. */
  public static ServiceKey<Work> poolKey(String pool) {
    return ServiceKey.create(Work.class, "sidis-workers-" + pool);
  }

  /** A worker spawned by {@code dispatcher} in its own JVM. */
  public static Behavior<Work> create(Handler handler, ActorRef<ServerProtocol.Command> dispatcher) {
    return Behaviors.setup(ctx -> supervised(handler, new ActorRef[] {dispatcher}, injector(ctx)));
  }

  /** A worker of server {@code pool} that any dispatcher of that name may use, from any node. */
  public static Behavior<Work> remote(String pool, Handler handler) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(poolKey(pool), ctx.getSelf()));
      // Unknown until the first work arrives; kept outside the restarted behavior.
      return supervised(handler, new ActorRef[1], injector(ctx));
    });
  }

  /** Kept outside the restarted behavior: a fresh one would draw the same crash again. */
  private static FaultInjector injector(akka.actor.typed.javadsl.ActorContext<Work> ctx) {
    return FaultInjector.fromConfig(ctx.getSystem().settings().config(), FaultInjector.Target.WORKER,
        ctx.getSelf().path().toStringWithoutAddress());
  }

  /** The request an incarnation held, and whether its handler had begun: what a restart reports. */
  private record InFlight(String id, boolean ran) {}

  @SuppressWarnings("unchecked")
  private static Behavior<Work> supervised(Handler handler, ActorRef<?>[] dispatcher, FaultInjector injector) {
    InFlight[] inFlight = new InFlight[1]; // survives restarts, like dispatcher[0]
    Behavior<Work> worker = Behaviors.setup(ctx -> {
      InFlight lost = inFlight[0];
      inFlight[0] = null;
      if (dispatcher[0] != null) {
        // A request whose handler never began may run elsewhere whatever its idempotence.
        String notRun = lost != null && !lost.ran() ? lost.id() : null;
        ((ActorRef<ServerProtocol.Command>) dispatcher[0]).tell(new Dispatcher.WorkerReady(ctx.getSelf(), notRun));
      }
      return Behaviors.receive(Work.class)
          .onMessage(Work.class, w -> {
            dispatcher[0] = w.reportTo();
            inFlight[0] = new InFlight(w.id(), false);
            injector.strike("request " + w.id());
            inFlight[0] = new InFlight(w.id(), true);
            String result;
            try {
              result = handler.handle(w.payload());
            } catch (Exception e) {
              throw new Crashed(w.id(), e);
            }
            w.replyTo().tell(new ServerProtocol.Reply(w.id(), result));
            w.reportTo().tell(new Dispatcher.WorkerDone(ctx.getSelf(), w.id(), result));
            inFlight[0] = null;
            return Behaviors.same();
          })
          .build();
    });
    return Behaviors.supervise(Supervision.traced(worker)).onFailure(Exception.class, SupervisorStrategy.restart().withLoggingEnabled(true));
  }
}
