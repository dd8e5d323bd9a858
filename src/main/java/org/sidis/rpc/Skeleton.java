package org.sidis.rpc;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.server.Dispatcher;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;

/**
 * The server side of RPC: a concurrent server ({@link Dispatcher} and its workers) whose
 * handler unmarshals each call and dispatches it to the implementation of a Java interface.
 * It registers under the service's name in the Receptionist — the daemon registry a stub
 * looks the service up in; registering several skeletons under one name makes replicas.
 */
public final class Skeleton {

  private Skeleton() {}

  public static ServiceKey<ServerProtocol.Command> key(String service) {
    return ServiceKey.create(ServerProtocol.Command.class, "sidis-rpc-" + service);
  }

  /** A skeleton registered in the Receptionist as {@code service}. */
  public static <T> Behavior<ServerProtocol.Command> create(String service, Class<T> api, T impl, ServerSettings server,
                                                            RpcSettings rpc) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(key(service), ctx.getSelf()));
      ctx.getLog().info("service [{}] ({}) registered, workers {}", service, api.getSimpleName(),
          server.workersAt() == ServerSettings.WorkersAt.LOCAL ? server.workers() + " local" : "at remote nodes");
      return Dispatcher.create(service, server, invoker(ctx, service, api, impl, rpc));
    });
  }

  /**
   * The workers of skeleton {@code service} for a node other than the skeleton's
   * ({@code sidis.server.workers-at = remote} there): {@code server.workers()} workers that
   * unmarshal and invoke {@code impl} in this JVM, found by the skeleton through the Receptionist.
   */
  public static <T> Behavior<Void> workers(String service, Class<T> api, T impl, ServerSettings server, RpcSettings rpc) {
    return Behaviors.setup(ctx -> org.sidis.server.WorkerPool.create(service, server, invoker(ctx, service, api, impl, rpc)));
  }

  /**
   * An iterative skeleton registered as {@code service}: one call after another. Spawn it on
   * the blocking dispatcher ({@code server.blockingDispatcher()}): its calls block its thread.
   */
  public static <T> Behavior<ServerProtocol.Command> iterative(String service, Class<T> api, T impl, ServerSettings server,
                                                               RpcSettings rpc) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(key(service), ctx.getSelf()));
      return org.sidis.server.IterativeServer.create(server, invoker(ctx, service, api, impl, rpc));
    });
  }

  /** A skeleton that registers nowhere (tests hand its ref to the stub). */
  public static <T> Behavior<ServerProtocol.Command> unregistered(Class<T> api, T impl, ServerSettings server, RpcSettings rpc) {
    return Behaviors.setup(ctx -> Dispatcher.create(server, invoker(ctx, api.getSimpleName(), api, impl, rpc)));
  }

  /** The skeleton's work, tracing as this actor (its workers run it, each call under a lock). */
  private static <T> Invoker<T> invoker(akka.actor.typed.javadsl.ActorContext<?> ctx, String service, Class<T> api, T impl,
                                        RpcSettings rpc) {
    RpcTrace trace = new RpcTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), service);
    return new Invoker<>(api, impl, rpc.maxPayloadBytes(), trace);
  }
}
