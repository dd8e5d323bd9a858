package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.mom.QueueManager;
import org.sidis.mom.QueueProtocol;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A blocking client of one node's queue manager for the demo workloads, which run as plain
 * threads (like {@link RpcWorkload}): find the manager through the Receptionist, then ask and
 * wait. Applications in actors would use {@code ctx.ask}; a workload reads better as a loop.
 */
final class MomClient {

  private final ActorSystem<?> system;
  final ActorRef<QueueProtocol.Command> manager;

  private MomClient(ActorSystem<?> system, ActorRef<QueueProtocol.Command> manager) {
    this.system = system;
    this.manager = manager;
  }

  /** Waits (up to 60 s) until node {@code node}'s queue manager is registered. */
  static MomClient find(ActorSystem<?> system, String node) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Receptionist.Listing l = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            ref -> Receptionist.find(QueueManager.key(node), ref), Duration.ofSeconds(5), system.scheduler())
            .toCompletableFuture().get();
        var refs = l.getServiceInstances(QueueManager.key(node));
        if (!refs.isEmpty()) return new MomClient(system, refs.iterator().next());
      } catch (Exception e) {
        // the Receptionist did not answer yet: try again
      }
      Threads.sleep(200);
    }
    throw new IllegalStateException("the queue manager of [" + node + "] did not register within 60 s");
  }

  /** Asks the queue manager and waits for the answer; a {@link TimeoutException} past {@code timeout}. */
  <T> T ask(Function<ActorRef<T>, QueueProtocol.Command> make, Duration timeout) throws TimeoutException {
    try {
      return AskPattern.<QueueProtocol.Command, T>ask(manager, make::apply, timeout, system.scheduler()).toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof TimeoutException t) throw t;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What a consumer does with each message it takes: before its ack ({@code got}) and after ({@code acked}). */
  interface Handler {
    void got(QueueProtocol.Delivery d);

    void acked(QueueProtocol.Delivery d);
  }

  /**
   * A consumer of one queue on its own thread: GET (waiting up to {@code wait}), hand the message
   * to {@code handler}, ACK it; again, until the JVM ends. Returns the thread.
   */
  Thread consume(String queue, Duration wait, Handler handler) {
    return Threads.daemon("consumer-" + queue, () -> {
      while (true) {
        try {
          QueueProtocol.Reply r = ask(ref -> new QueueProtocol.Get(queue, wait, ref), wait.plusSeconds(10));
          if (!(r instanceof QueueProtocol.Delivery d)) {
            if (r instanceof QueueProtocol.Refused f) {
              System.err.println("GET from [" + queue + "] refused: " + f.reason());
              Threads.sleep(1000);
            }
            continue;
          }
          handler.got(d);
          QueueProtocol.Reply a = ask(ref -> new QueueProtocol.Ack(d, ref), Duration.ofSeconds(10));
          if (a instanceof QueueProtocol.Acked) handler.acked(d);
          else System.err.println("ack of [" + d.msgId() + "] in [" + queue + "] refused: " + a);
        } catch (TimeoutException e) {
          System.err.println("the queue manager did not answer for [" + queue + "]: " + e.getMessage());
        }
      }
    });
  }
}
