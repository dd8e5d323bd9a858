package org.sidis.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A superserver (inetd, Tanenbaum &amp; van Steen ch. 3): one always-on port per service name,
 * registered in the Receptionist where the service itself would be, and no service running
 * until a request arrives. Each port ({@link PortCore}) starts its service on the first
 * request, forwards requests to it, relays the answers (so it knows when none is in flight),
 * and stops it after {@code idle} without work. Clients cannot tell a port from the service.
 */
public final class Superserver {

  private Superserver() {}

  /** Ask a port for its counters. */
  public record GetPortStats(ActorRef<PortStats> replyTo) implements ServerProtocol.Command {}

  public record PortStats(String service, boolean running, long coldStarts, long stops) {}

  private record Answered(ServerProtocol.Response response) implements ServerProtocol.Command {}

  private enum IdleCheck implements ServerProtocol.Command { INSTANCE }

  /** Spawns one port per service; each registers under {@code keyOf.apply(name)}. */
  public static Behavior<Void> create(Map<String, Supplier<Behavior<ServerProtocol.Command>>> services, Duration idle,
                                      java.util.function.Function<String, ServiceKey<ServerProtocol.Command>> keyOf) {
    return Behaviors.setup(ctx -> {
      services.forEach((name, factory) -> {
        ActorRef<ServerProtocol.Command> port = ctx.spawn(port(name, factory, idle), "port-" + name);
        ctx.getSystem().receptionist().tell(Receptionist.register(keyOf.apply(name), port));
      });
      return Behaviors.empty();
    });
  }

  /** One port: the service {@code name} started on demand and stopped when idle. */
  public static Behavior<ServerProtocol.Command> port(String name, Supplier<Behavior<ServerProtocol.Command>> factory, Duration idle) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Port(ctx, timers, name, factory, idle).behavior()));
  }

  private static final class Port {
    private final ActorContext<ServerProtocol.Command> ctx;
    private final String name;
    private final Supplier<Behavior<ServerProtocol.Command>> factory;
    private final PortCore core;
    /** Who asked under each request id, in order (a retransmission adds its sender). */
    private final Map<String, ArrayDeque<ActorRef<ServerProtocol.Response>>> clients = new HashMap<>();
    private final ActorRef<ServerProtocol.Response> relay;
    private ActorRef<ServerProtocol.Command> service;
    private int generation;

    Port(ActorContext<ServerProtocol.Command> ctx, TimerScheduler<ServerProtocol.Command> timers, String name,
         Supplier<Behavior<ServerProtocol.Command>> factory, Duration idle) {
      this.ctx = ctx;
      this.name = name;
      this.factory = factory;
      this.core = new PortCore(idle.toNanos());
      this.relay = ctx.messageAdapter(ServerProtocol.Response.class, Answered::new);
      timers.startTimerWithFixedDelay(IdleCheck.INSTANCE, idle.dividedBy(4).isZero() ? idle : idle.dividedBy(4));
    }

    Behavior<ServerProtocol.Command> behavior() {
      return Behaviors.receive(ServerProtocol.Command.class)
          .onMessage(ServerProtocol.Request.class, this::onRequest)
          .onMessage(Answered.class, a -> {
            ServerProtocol.Response resp = a.response();
            ArrayDeque<ActorRef<ServerProtocol.Response>> waiting = clients.get(resp.id());
            if (waiting == null) return Behaviors.same();
            if (resp instanceof ServerProtocol.Received) {
              waiting.peekFirst().tell(resp);
            } else {
              core.onAnswered(System.nanoTime());
              waiting.pollFirst().tell(resp);
              if (waiting.isEmpty()) clients.remove(resp.id());
            }
            return Behaviors.same();
          })
          .onMessage(IdleCheck.class, t -> {
            if (core.onIdleCheck(System.nanoTime())) {
              ctx.getLog().info("service [{}] idle: stopping it", name);
              ctx.unwatch(service);
              ctx.stop(service);
              service = null;
            }
            return Behaviors.same();
          })
          .onMessage(GetPortStats.class, g -> {
            g.replyTo().tell(new PortStats(name, core.running(), core.coldStarts(), core.stops()));
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            ctx.getLog().warn("service [{}] stopped on its own; the next request starts it again", name);
            core.onServiceGone();
            clients.clear(); // their requests died with the service; the stubs' deadlines and retries take over
            service = null;
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<ServerProtocol.Command> onRequest(ServerProtocol.Request r) {
      if (core.onRequest(System.nanoTime()) == PortCore.Admission.START_THEN_FORWARD) {
        ctx.getLog().info("service [{}]: first request, starting it", name);
        service = ctx.spawn(factory.get(), name + "-" + (++generation));
        ctx.watch(service);
      }
      clients.computeIfAbsent(r.id(), k -> new ArrayDeque<>()).addLast(r.replyTo());
      service.tell(new ServerProtocol.Request(r.id(), r.payload(), r.ack(), r.idempotent(), relay));
      return Behaviors.same();
    }
  }
}
