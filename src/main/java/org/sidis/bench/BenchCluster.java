package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * What a bench that runs its own client ActorSystem waits for before it measures: the cluster's
 * members Up, and the actors it will call registered in the Receptionist. Every wait is bounded
 * and says what it waited for when it gives up.
 */
public final class BenchCluster {

  private BenchCluster() {}

  /** Waits until each of {@code systems} sees {@code members} members Up. */
  public static void awaitUp(List<? extends ActorSystem<?>> systems, int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!systems.stream().allMatch(s -> up(s) >= members)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the bench's " + members + " cluster members were not all Up within "
            + timeout.toSeconds() + " s (Up as each system sees it: " + systems.stream().map(BenchCluster::up).toList() + ")");
      }
      Thread.sleep(100);
    }
  }

  private static long up(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }

  /** One instance registered as {@code key}, as {@code system}'s Receptionist lists it. */
  public static <T> ActorRef<T> find(ActorSystem<?> system, ServiceKey<T> key, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Receptionist.Listing l = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
          r -> Receptionist.find(key, r), Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get();
      var found = l.getServiceInstances(key);
      if (!found.isEmpty()) return found.iterator().next();
      Thread.sleep(100);
    }
    throw new IllegalStateException("no [" + key.id() + "] registered in the cluster within " + timeout.toSeconds() + " s");
  }
}
