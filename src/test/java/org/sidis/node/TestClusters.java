package org.sidis.node;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

/** Several ActorSystems of one JVM made into one Akka Cluster, for the in-JVM cluster tests. */
public final class TestClusters {

  private TestClusters() {}

  /** Every system joins the first; returns once each sees all of them Up (30 s at most). */
  public static void joinAndAwaitUp(List<ActorTestKit> kits) {
    akka.actor.Address first = kits.get(0).system().address();
    for (ActorTestKit kit : kits) Cluster.get(kit.system()).manager().tell(Join.create(first));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = kits.stream().allMatch(k -> StreamSupport.stream(Cluster.get(k.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count() == kits.size());
      if (all) return;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("the " + kits.size() + " nodes did not all become Up within 30 s");
  }
}
