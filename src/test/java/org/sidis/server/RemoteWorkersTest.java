package org.sidis.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.sidis.node.TestClusters;
import org.sidis.rpc.Calculator;
import org.sidis.rpc.CalculatorService;
import org.sidis.rpc.RpcClient;
import org.sidis.rpc.RpcSettings;
import org.sidis.rpc.Skeleton;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers in other JVMs (the notes' processes, {@code sidis.server.workers-at = remote}): three
 * ActorSystems in one JVM form a cluster; the dispatcher lives on {@code a}, worker pools of the
 * same server name on {@code b} and {@code c}, and requests run there. When {@code c} goes away
 * mid-request, its idempotent request runs again on {@code b} and a non-idempotent one is
 * answered with a failure, never run twice.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class RemoteWorkersTest {

  private static Config node(String name) {
    return TestClusters.nodeConfig(name, Map.of("sidis.server.workers-at", "remote"));
  }

  private static ServerSettings settings(ActorTestKit kit) {
    return ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
  }

  /** Polls the dispatcher until it counts {@code n} reachable workers (10 s at most). */
  private static void awaitWorkers(ActorTestKit kit, ActorRef<ServerProtocol.Command> server, int n) throws InterruptedException {
    TestProbe<Dispatcher.Stats> stats = kit.createTestProbe();
    int seen = -1;
    for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
      server.tell(new Dispatcher.GetStats(stats.getRef()));
      seen = stats.receiveMessage().workers();
      if (seen == n) return;
    }
    throw new AssertionError("the dispatcher sees " + seen + " remote workers, expected " + n);
  }

  @Test
  void requestsRunOnWorkersInOtherJvmsAndSurviveAWorkerNodeTerminatedMidRequest() throws Exception {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    ActorTestKit c = ActorTestKit.create("sidis", node("c"));
    CountDownLatch release = new CountDownLatch(1);
    try {
      TestClusters.joinAndAwaitUp(List.of(a, b, c));
      Map<String, String> ranAt = new ConcurrentHashMap<>();
      CountDownLatch heldAtC = new CountDownLatch(2);
      pool(b, "echo", ranAt, heldAtC, release);
      pool(c, "echo", ranAt, heldAtC, release);
      // The handler given to a remote-workers dispatcher is never run in its own JVM.
      ActorRef<ServerProtocol.Command> echo = a.spawn(Dispatcher.create("echo", settings(a), p -> {
        throw new AssertionError("a local handler ran [" + p + "]");
      }), "echo");
      awaitWorkers(a, echo, 4);

      TestProbe<ServerProtocol.Response> client = a.createTestProbe();
      for (int i = 0; i < 8; i++) echo.tell(new ServerProtocol.Request("r" + i, "x" + i, false, true, client.getRef()));
      Set<String> servedBy = new HashSet<>();
      for (int i = 0; i < 8; i++) {
        ServerProtocol.Response r = client.receiveMessage(Duration.ofSeconds(10));
        servedBy.add(assertInstanceOf(ServerProtocol.Reply.class, r, "answer " + r).result().split(":")[0]);
      }
      assertEquals(Set.of("b", "c"), servedBy, "both worker nodes served; ran at " + ranAt);

      // Server "hold": first only c has workers, so both requests run there and block.
      pool(c, "hold", ranAt, heldAtC, release);
      ActorRef<ServerProtocol.Command> hold = a.spawn(Dispatcher.create("hold", settings(a), p -> "local"), "hold");
      awaitWorkers(a, hold, 2);
      hold.tell(new ServerProtocol.Request("idem", "hold-idem", false, true, client.getRef()));
      hold.tell(new ServerProtocol.Request("once", "hold-once", false, false, client.getRef()));
      assertTrue(heldAtC.await(10, TimeUnit.SECONDS), "c never held both requests; ran at " + ranAt);
      pool(b, "hold", ranAt, heldAtC, release);
      awaitWorkers(a, hold, 4);

      c.system().terminate(); // c leaves the cluster with both requests in its workers
      Map<String, ServerProtocol.Response> after = new java.util.HashMap<>();
      for (int i = 0; i < 2; i++) {
        ServerProtocol.Response r = client.receiveMessage(Duration.ofSeconds(30));
        after.put(r.id(), r);
      }
      ServerProtocol.Reply idem = assertInstanceOf(ServerProtocol.Reply.class, after.get("idem"),
          "the idempotent request ran again on b: " + after + ", ran at " + ranAt);
      assertEquals("b:hold-idem", idem.result(), "re-run at b");
      ServerProtocol.Failed once = assertInstanceOf(ServerProtocol.Failed.class, after.get("once"),
          "the non-idempotent request was not run again: " + after + ", ran at " + ranAt);
      assertTrue(once.reason().contains("at-most-once"), once.reason());
      assertEquals("c", ranAt.get("hold-once"), "the non-idempotent request ran once, at c only: " + ranAt);
      assertEquals("c,b", ranAt.get("hold-idem"), "the idempotent one ran at c, then at b: " + ranAt);
      awaitWorkers(a, hold, 2);

      hold.tell(new ServerProtocol.Request("later", "later", false, true, client.getRef()));
      assertEquals("b:later", ((ServerProtocol.Reply) client.receiveMessage(Duration.ofSeconds(10))).result(),
          "the server keeps serving with b's workers");
      client.expectNoMessage(Duration.ofMillis(300));
    } finally {
      release.countDown();
      c.shutdownTestKit();
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

  /** Starts a pool of two workers of server {@code name} at {@code kit}'s node; "hold" requests block at c. */
  private static Handler pool(ActorTestKit kit, String name, Map<String, String> ranAt, CountDownLatch heldAtC,
                              CountDownLatch release) {
    String at = kit.system().settings().config().getString("sidis.node.name");
    Handler h = p -> {
      ranAt.merge(p, at, (x, y) -> x + "," + y);
      if (p.startsWith("hold") && at.equals("c")) {
        heldAtC.countDown();
        release.await(30, TimeUnit.SECONDS);
      }
      return at + ":" + p;
    };
    kit.spawn(WorkerPool.create(name, settings(kit).withWorkers(2), h), "workers-" + name);
    return h;
  }

  @Test
  void aPlacementThatIsNeitherLocalNorRemoteIsRefusedByName() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ServerSettings.fromConfig(ConfigFactory.parseMap(Map.of("workers-at", "elsewhere"))
            .withFallback(ConfigFactory.load().getConfig("sidis.server"))));
    assertTrue(e.getMessage().contains("workers-at = [elsewhere]"), e.getMessage());
  }

  @Test
  void anRpcSkeletonWithRemoteWorkersInvokesTheImplementationInTheWorkersJvm() throws Exception {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    try {
      TestClusters.joinAndAwaitUp(List.of(a, b));
      RpcSettings rpc = RpcSettings.fromConfig(a.system().settings().config().getConfig("sidis.rpc"));
      CalculatorService atB = new CalculatorService("b");
      b.spawn(Skeleton.workers("calc", Calculator.class, atB, settings(b), rpc), "workers-calc");
      // The skeleton on a holds an implementation that would say "a": only b's may answer.
      a.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("a"), settings(a), rpc), "calc");
      Calculator calc = RpcClient.create(a.system()).stub(Calculator.class, "calc");
      assertEquals("b", calc.whoAmI(), "the call ran in b's JVM");
      assertEquals(5, calc.add(2, 3));
      assertEquals(new Calculator.Point(3, 4), calc.move(new Calculator.Point(1, 4), 2));
    } finally {
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }
}
