package org.sidis.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.wire.CborSerializable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A concurrent server: the thin actor shell around {@link DispatcherCore}. Its workers are
 * either its own children on the blocking dispatcher named in the settings (so a slow handler
 * blocks those threads, never the dispatcher's) or, with {@code workers-at = remote}, the
 * {@link WorkerPool} workers that other nodes registered under the server's name — the same
 * {@link Worker} code. It feeds the core the requests and the workers' reports, carries out its
 * assignments and replies, and tells the core a worker is gone when it stops or, for a remote
 * one, when the Receptionist stops listing it (its node became unreachable or left). A request
 * its local handler {@linkplain Handler#answersInPlace answers in place} it runs itself and
 * answers at once, skipping the hand-off to a worker thread.
 */
public final class Dispatcher extends AbstractBehavior<ServerProtocol.Command> {

  /** A worker (re)started. */
  /**
   * A worker started or was restarted; {@code notRun} names the request it held when it crashed
   * if that request's handler had not begun (null otherwise).
   */
  public record WorkerReady(ActorRef<Worker.Work> worker, String notRun) implements ServerProtocol.Command, CborSerializable {
    public WorkerReady(ActorRef<Worker.Work> worker) {
      this(worker, null);
    }
  }

  /** A worker finished a request. */
  public record WorkerDone(ActorRef<Worker.Work> worker, String id, String result)
      implements ServerProtocol.Command, CborSerializable {}

  /** The reachable remote workers of this server's pool changed. */
  private record WorkersListed(Receptionist.Listing listing) implements ServerProtocol.Command {}

  /** Ask for the dispatcher's counters. */
  public record GetStats(ActorRef<Stats> replyTo) implements ServerProtocol.Command {}

  public record Stats(int workers, int busy, int queued, long redispatched) {}

  /** A concurrent server with local workers (whatever {@code workers-at} says). */
  public static Behavior<ServerProtocol.Command> create(ServerSettings settings, Handler handler) {
    return create("", settings.withWorkersAt(ServerSettings.WorkersAt.LOCAL), handler);
  }

  /**
   * Concurrent server {@code name}: with {@code workers-at = local} it runs {@code handler} on its
   * own workers; with {@code remote} it uses the workers of the {@link WorkerPool}s named
   * {@code name} on other nodes (which bring their own handler; {@code handler} is unused).
   */
  public static Behavior<ServerProtocol.Command> create(String name, ServerSettings settings, Handler handler) {
    return Behaviors.setup(ctx -> new Dispatcher(ctx, name, settings, handler));
  }

  private final DispatcherCore<ActorRef<ServerProtocol.Response>> core;
  private final List<ActorRef<Worker.Work>> workers = new ArrayList<>();
  private final Map<ActorRef<?>, Integer> indexOf = new HashMap<>();
  /** Workers the core counts as present (spawned and not stopped; remote: listed as reachable). */
  private final Set<Integer> present = new HashSet<>();
  private final String name;
  /** The handler, for requests it answers in place; null with remote workers (it lives in their JVMs). */
  private final Handler inPlace;

  private Dispatcher(ActorContext<ServerProtocol.Command> ctx, String name, ServerSettings settings, Handler handler) {
    super(ctx);
    this.name = name;
    this.inPlace = settings.workersAt() == ServerSettings.WorkersAt.LOCAL ? handler : null;
    this.core = new DispatcherCore<>(settings.maxAttempts(), settings.maxQueue(), settings.replyCacheSize(),
        new DispatcherCore.Effects<>() {
          @Override
          public void assign(int worker, String id, String payload, ActorRef<ServerProtocol.Response> answerTo) {
            workers.get(worker).tell(new Worker.Work(id, payload, answerTo, ctx.getSelf()));
          }

          @Override
          public void send(ActorRef<ServerProtocol.Response> client, ServerProtocol.Response response) {
            client.tell(response);
          }
        });
    if (settings.workersAt() == ServerSettings.WorkersAt.REMOTE) {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(Worker.poolKey(name),
          ctx.messageAdapter(Receptionist.Listing.class, WorkersListed::new)));
      ctx.getLog().info("server [{}]: workers at remote nodes (worker pools named [{}])", name, name);
    } else {
      DispatcherSelector blocking = DispatcherSelector.fromConfig(settings.blockingDispatcher());
      for (int i = 0; i < settings.workers(); i++) {
        ActorRef<Worker.Work> w = ctx.spawn(Worker.create(handler, ctx.getSelf()), "worker-" + i, blocking);
        ctx.watch(w);
        indexOf(w);
      }
    }
  }

  private int indexOf(ActorRef<Worker.Work> worker) {
    Integer i = indexOf.get(worker);
    if (i != null) return i;
    workers.add(worker);
    indexOf.put(worker, workers.size() - 1);
    return workers.size() - 1;
  }

  @Override
  public Receive<ServerProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ServerProtocol.Request.class, r -> {
          DispatcherCore.Admission a = inPlace != null && inPlace.answersInPlace(r.payload())
              ? core.onRequestInPlace(r.id(), r.payload(), r.ack(), r.idempotent(), r.replyTo(), this::runInPlace)
              : core.onRequest(r.id(), r.payload(), r.ack(), r.idempotent(), r.replyTo());
          if (a != DispatcherCore.Admission.QUEUED && a != DispatcherCore.Admission.RAN_IN_PLACE) {
            getContext().getLog().debug("request [{}]: {}", r.id(), a);
          }
          else if (present.isEmpty()) getContext().getLog().warn("server [{}]: request [{}] waits, no worker is reachable", name, r.id());
          return this;
        })
        .onMessage(WorkerReady.class, m -> {
          int i = indexOf(m.worker());
          present.add(i);
          String crashed = core.onReady(i, m.notRun());
          if (crashed != null) getContext().getLog().info("worker [{}] restarted; request [{}] crashed in it", m.worker(), crashed);
          return this;
        })
        .onMessage(WorkerDone.class, m -> {
          Integer i = indexOf.get(m.worker());
          if (i != null) core.onDone(i, m.id(), m.result());
          return this;
        })
        .onMessage(WorkersListed.class, this::onListing)
        .onMessage(GetStats.class, m -> {
          m.replyTo().tell(new Stats(present.size(), core.busy(), core.queued(), core.redispatched()));
          return this;
        })
        .onSignal(Terminated.class, t -> {
          Integer i = indexOf.get(t.getRef());
          if (i != null && present.remove(i)) {
            getContext().getLog().info("worker [{}] stopped", t.getRef());
            core.onWorkerGone(i);
          }
          return this;
        })
        .build();
  }

  private ServerProtocol.Response runInPlace(String id, String payload) {
    try {
      return new ServerProtocol.Reply(id, inPlace.handle(payload));
    } catch (Exception e) {
      getContext().getLog().warn("server [{}]: in-place request [{}] failed: {}", name, id, e.toString());
      return new ServerProtocol.Failed(id, "the handler failed on a request it answers in place: " + e);
    }
  }

  /** Remote workers join when listed reachable and leave when no longer listed (unreachable, left, stopped). */
  private Behavior<ServerProtocol.Command> onListing(WorkersListed l) {
    Set<ActorRef<Worker.Work>> listed = l.listing().getServiceInstances(Worker.poolKey(name));
    Set<Integer> now = new HashSet<>();
    for (ActorRef<Worker.Work> w : listed) {
      int i = indexOf(w);
      now.add(i);
      if (present.add(i)) {
        getContext().watch(w);
        core.onReady(i);
      }
    }
    for (Integer i : new ArrayList<>(present)) {
      if (!now.contains(i)) {
        present.remove(i);
        getContext().getLog().warn("server [{}]: remote worker [{}] is no longer reachable; its request, if any, is"
            + " re-dispatched if idempotent", name, workers.get(i));
        core.onWorkerGone(i);
      }
    }
    getContext().getLog().info("server [{}]: {} remote workers reachable", name, present.size());
    return this;
  }
}
