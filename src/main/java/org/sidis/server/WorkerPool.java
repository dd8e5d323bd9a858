package org.sidis.server;

import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;

/**
 * The workers of a concurrent server, living in another JVM than its dispatcher (the notes'
 * "processes" side of processes vs threads; {@code sidis.server.workers-at = remote}). It spawns
 * {@code workers} {@link Worker}s on this node's blocking dispatcher, each registered in the
 * Receptionist under {@link Worker#poolKey(String) the pool's key}; the server's dispatcher, on
 * whatever node, finds them there and hands them requests. Start pools on several nodes and the
 * dispatcher uses all of them; a node that dies takes its workers out of the dispatcher's pool
 * and its idempotent requests are run again elsewhere.
 */
public final class WorkerPool {

  private WorkerPool() {}

  public static Behavior<Void> create(String pool, ServerSettings settings, Handler handler) {
    return Behaviors.setup(ctx -> {
      DispatcherSelector blocking = DispatcherSelector.fromConfig(settings.blockingDispatcher());
      for (int i = 0; i < settings.workers(); i++) ctx.spawn(Worker.remote(pool, handler), "worker-" + i, blocking);
      ctx.getLog().info("worker pool [{}]: {} workers registered for remote dispatchers", pool, settings.workers());
      return Behaviors.empty();
    });
  }
}
