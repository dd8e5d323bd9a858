package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.sidis.multicast.GroupMember;
import org.sidis.server.ServerSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ActorSystems in one JVM form a cluster over Artery TCP on loopback: the stub on one finds
 * the service's replicas on both through the Receptionist, calls go over the wire in every
 * mode, and when one node leaves mid-run the stub's calls keep succeeding on the other.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class RpcClusterTest {

  private static Config node(String name) {
    return org.sidis.node.TestClusters.nodeConfig(name, Map.of("sidis.rpc.attempt-timeout", "300ms"));
  }

  @Test
  void callsCrossTheWireInEveryModeAndSurviveAReplicaLeaving() throws Exception {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    try {
      org.sidis.node.TestClusters.joinAndAwaitUp(List.of(a, b));
      ServerSettings server = ServerSettings.fromConfig(a.system().settings().config().getConfig("sidis.server"));
      RpcSettings rpc = RpcSettings.fromConfig(a.system().settings().config().getConfig("sidis.rpc"));
      CalculatorService atB = new CalculatorService("b");
      b.spawn(Skeleton.create("calc", Calculator.class, atB, server, rpc), "calc");
      Calculator calc = RpcClient.create(a.system()).stub(Calculator.class, "calc");

      assertEquals("b", calc.whoAmI(), "found in the registry across the cluster");
      assertEquals(new Calculator.Point(3, 4), calc.move(new Calculator.Point(1, 4), 2));
      CompletionStage<Integer> square = calc.slowSquare(9);
      Polled<Integer> cube = calc.slowCube(2);
      calc.record("remote-async");
      calc.log("remote-one-way");
      assertEquals(81, square.toCompletableFuture().get());
      assertEquals(8, cube.await());
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (atB.recorded.size() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
      assertEquals(Set.of("remote-async", "remote-one-way"), new HashSet<>(atB.recorded));

      a.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("a"), server, rpc), "calc");
      Thread.sleep(500); // the Receptionist spreads a's registration to the client's listing
      List<String> answers = new ArrayList<>();
      Thread caller = new Thread(() -> {
        for (int i = 0; i < 40; i++) {
          answers.add(calc.whoAmI());
          try {
            Thread.sleep(25);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      caller.start();
      Thread.sleep(200);
      b.shutdownTestKit(); // b leaves the cluster mid-run
      caller.join(Duration.ofSeconds(30).toMillis());
      assertEquals(40, answers.size(), "every call succeeded: " + answers);
      assertEquals("b", answers.get(0), "the stub stayed on the replica that answered last: " + answers);
      assertEquals("a", answers.get(answers.size() - 1), "after b left, a answers: " + answers);
    } finally {
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

}
