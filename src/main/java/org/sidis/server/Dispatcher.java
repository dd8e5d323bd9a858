package org.sidis.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A concurrent server: the thin actor shell around {@link DispatcherCore}. It spawns
 * {@code workers} {@link Worker}s on the blocking dispatcher named in the settings (so a slow
 * handler blocks those threads, never the dispatcher's), feeds the core the requests and the
 * workers' reports, and carries out its assignments and replies.
 */
public final class Dispatcher extends AbstractBehavior<ServerProtocol.Command> {

  /** A worker (re)started. */
  record WorkerReady(int worker) implements ServerProtocol.Command {}

  /** A worker finished a request. */
  record WorkerDone(int worker, String id, String result) implements ServerProtocol.Command {}

  /** Ask for the dispatcher's counters. */
  public record GetStats(ActorRef<Stats> replyTo) implements ServerProtocol.Command {}

  public record Stats(int workers, int busy, int queued, long redispatched) {}

  public static Behavior<ServerProtocol.Command> create(ServerSettings settings, Handler handler) {
    return Behaviors.setup(ctx -> new Dispatcher(ctx, settings, handler));
  }

  private final DispatcherCore<ActorRef<ServerProtocol.Response>> core;
  private final List<ActorRef<Worker.Work>> workers = new ArrayList<>();
  private final Map<ActorRef<Void>, Integer> indexOf = new HashMap<>();

  private Dispatcher(ActorContext<ServerProtocol.Command> ctx, ServerSettings settings, Handler handler) {
    super(ctx);
    this.core = new DispatcherCore<>(settings.maxAttempts(), settings.maxQueue(), settings.replyCacheSize(),
        new DispatcherCore.Effects<>() {
          @Override
          public void assign(int worker, String id, String payload, ActorRef<ServerProtocol.Response> answerTo) {
            workers.get(worker).tell(new Worker.Work(id, payload, answerTo));
          }

          @Override
          public void send(ActorRef<ServerProtocol.Response> client, ServerProtocol.Response response) {
            client.tell(response);
          }
        });
    DispatcherSelector blocking = DispatcherSelector.fromConfig(settings.blockingDispatcher());
    for (int i = 0; i < settings.workers(); i++) {
      ActorRef<Worker.Work> w = ctx.spawn(Worker.create(i, handler, ctx.getSelf()), "worker-" + i, blocking);
      ctx.watch(w);
      workers.add(w);
      indexOf.put(w.unsafeUpcast(), i);
    }
  }

  @Override
  public Receive<ServerProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ServerProtocol.Request.class, r -> {
          DispatcherCore.Admission a = core.onRequest(r.id(), r.payload(), r.ack(), r.idempotent(), r.replyTo());
          if (a != DispatcherCore.Admission.QUEUED) getContext().getLog().debug("request [{}]: {}", r.id(), a);
          return this;
        })
        .onMessage(WorkerReady.class, m -> {
          String crashed = core.onReady(m.worker());
          if (crashed != null) getContext().getLog().info("worker [{}] restarted; re-dispatching request [{}]", m.worker(), crashed);
          return this;
        })
        .onMessage(WorkerDone.class, m -> { core.onDone(m.worker(), m.id(), m.result()); return this; })
        .onMessage(GetStats.class, m -> {
          m.replyTo().tell(new Stats(workers.size(), core.busy(), core.queued(), core.redispatched()));
          return this;
        })
        .onSignal(Terminated.class, t -> {
          Integer i = indexOf.get(t.getRef());
          if (i != null) core.onWorkerGone(i);
          return this;
        })
        .build();
  }
}
