package org.sidis.rpc;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.server.ServerProtocol;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a service's replicas are. A stub asks before every call; the answer is a cached list,
 * so a call costs no lookup. The registry kind subscribes to the Receptionist once and keeps the
 * list current as replicas register, move (a new ref under the same name) or die (downed node).
 */
public abstract class Endpoints {

  /** The replicas now, sorted by address so that every client prefers the same one. */
  abstract List<ActorRef<ServerProtocol.Command>> now();

  abstract String name();

  /** The replicas, waiting up to {@code wait} for the first to appear. */
  CompletableFuture<List<ActorRef<ServerProtocol.Command>>> await(Duration wait) {
    List<ActorRef<ServerProtocol.Command>> now = now();
    if (!now.isEmpty()) return CompletableFuture.completedFuture(now);
    return CompletableFuture.failedFuture(new RpcException.ServiceUnavailableException(
        "no replica of service [" + name() + "] is known"));
  }

  public static Endpoints fixed(String name, List<ActorRef<ServerProtocol.Command>> replicas) {
    List<ActorRef<ServerProtocol.Command>> sorted = sort(replicas);
    return new Endpoints() {
      @Override
      List<ActorRef<ServerProtocol.Command>> now() {
        return sorted;
      }

      @Override
      String name() {
        return name;
      }
    };
  }

  private static final AtomicLong LOCATORS = new AtomicLong();

  /** The replicas registered as {@code service} in the Receptionist (the daemon registry). */
  public static Endpoints registry(ActorSystem<?> system, String service) {
    Registry r = new Registry(service);
    ServiceKey<ServerProtocol.Command> key = Skeleton.key(service);
    Behavior<Receptionist.Listing> locator = Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(key, ctx.getSelf()));
      return Behaviors.receive(Receptionist.Listing.class)
          .onMessage(Receptionist.Listing.class, l -> {
            List<ActorRef<ServerProtocol.Command>> refs = sort(List.copyOf(l.getServiceInstances(key)));
            if (!refs.equals(r.replicas)) ctx.getLog().info("service [{}] is at {}", service, refs);
            r.update(refs);
            return Behaviors.same();
          })
          .build();
    });
    system.systemActorOf(locator, "rpc-locator-" + service + "-" + LOCATORS.incrementAndGet(), Props.empty());
    return r;
  }

  private static final class Registry extends Endpoints {
    private final String service;
    private volatile List<ActorRef<ServerProtocol.Command>> replicas = List.of();
    private volatile CompletableFuture<List<ActorRef<ServerProtocol.Command>>> nonEmpty = new CompletableFuture<>();

    Registry(String service) {
      this.service = service;
    }

    synchronized void update(List<ActorRef<ServerProtocol.Command>> refs) {
      replicas = refs;
      if (refs.isEmpty()) {
        if (nonEmpty.isDone()) nonEmpty = new CompletableFuture<>();
      } else {
        nonEmpty.complete(refs);
      }
    }

    @Override
    List<ActorRef<ServerProtocol.Command>> now() {
      return replicas;
    }

    @Override
    String name() {
      return service;
    }

    @Override
    CompletableFuture<List<ActorRef<ServerProtocol.Command>>> await(Duration wait) {
      List<ActorRef<ServerProtocol.Command>> now = replicas;
      if (!now.isEmpty()) return CompletableFuture.completedFuture(now);
      CompletableFuture<List<ActorRef<ServerProtocol.Command>>> result = new CompletableFuture<>();
      nonEmpty.whenComplete((l, e) -> result.complete(l));
      CompletableFuture.delayedExecutor(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS).execute(() ->
          result.completeExceptionally(new RpcException.ServiceUnavailableException("no replica of service [" + service
              + "] is registered in the Receptionist (waited " + wait.toMillis() + " ms)")));
      return result;
    }
  }

  static List<ActorRef<ServerProtocol.Command>> sort(List<ActorRef<ServerProtocol.Command>> refs) {
    return refs.stream().sorted(Comparator.comparing(a -> a.path().toString())).toList();
  }
}
