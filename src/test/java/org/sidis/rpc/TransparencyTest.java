package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;
import org.sidis.server.Superserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Location, migration, replication and failure hidden behind the stub. */
class TransparencyTest {

  private ActorTestKit kit;
  private ServerSettings server;
  private RpcSettings rpc;
  private RpcClient client;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.local("rpc", Map.of("sidis.rpc.attempt-timeout", "200ms", "sidis.rpc.backoff-initial", "20ms"));
    server = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
    rpc = RpcSettings.fromConfig(kit.system().settings().config().getConfig("sidis.rpc"));
    client = RpcClient.create(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<ServerProtocol.Command> replica(String name, CalculatorService impl) {
    return kit.spawn(Skeleton.unregistered(Calculator.class, impl, server, rpc), name);
  }

  /** A replica that has died silently: it takes requests and never answers. */
  private ActorRef<ServerProtocol.Command> silent(String name) {
    return kit.spawn(Behaviors.<ServerProtocol.Command>ignore(), name);
  }

  /** A silent replica that counts the requests it swallowed. */
  private ActorRef<ServerProtocol.Command> silent(String name, AtomicInteger swallowed) {
    return kit.spawn(Behaviors.receiveMessage(m -> {
      swallowed.incrementAndGet();
      return Behaviors.same();
    }), name);
  }

  @Test
  void theStubFindsTheServiceInTheRegistryAndFollowsItWhenItMoves() {
    ActorRef<ServerProtocol.Command> first = kit.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("first"), server, rpc), "calc-1");
    Calculator calc = client.stub(Calculator.class, "calc");
    assertEquals("first", calc.whoAmI());
    kit.stop(first);
    kit.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("second"), server, rpc), "calc-2");
    // The registry's listing follows the move; the idempotent call retries until it reaches the new place.
    assertEquals("second", calc.whoAmI());
    assertEquals("second", calc.whoAmI());
  }

  @Test
  void aStubReachesAServiceThatTheSuperserverStartsOnItsFirstCall() {
    AtomicInteger started = new AtomicInteger();
    kit.spawn(Superserver.create(Map.of("calc", () -> {
      started.incrementAndGet();
      return Skeleton.unregistered(Calculator.class, new CalculatorService("on-demand"), server, rpc);
    }), server.idleTimeout(), Skeleton::key), "inetd");
    Calculator calc = client.stub(Calculator.class, "calc");
    assertEquals(0, started.get());
    assertEquals("on-demand", calc.whoAmI());
    assertEquals(5, calc.add(2, 3));
    assertEquals(1, started.get(), "started once, on the first call");
  }

  @Test
  void anIdempotentCallFailsOverToTheNextReplicaWhenTheFirstIsSilent() {
    AtomicInteger toDead = new AtomicInteger();
    Calculator calc = client.stub(Calculator.class, List.of(silent("a-dead", toDead), replica("b-alive", new CalculatorService("b"))));
    long t0 = System.nanoTime();
    assertEquals("b", calc.whoAmI());
    long first = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(first >= 200, "waited out one attempt: " + first + " ms");
    assertEquals(1, toDead.get(), "the first call tried the silent replica once");
    for (int i = 0; i < 5; i++) assertEquals("b", calc.whoAmI());
    // Judged by where the calls went, not by how fast they came back.
    assertEquals(1, toDead.get(), "the stub now prefers the replica that answered: the silent one got no more calls");
  }

  @Test
  void aNonIdempotentCallIsNeverSentToASecondReplica() {
    CalculatorService b = new CalculatorService("b");
    Calculator calc = client.stub(Calculator.class, List.of(silent("a-dead"), replica("b-alive", b)));
    RpcException e = assertThrows(RpcException.class, () -> calc.add(1, 2));
    assertTrue(e.getMessage().contains("not @Idempotent") && e.getMessage().contains("a-dead"), e.getMessage());
    assertTrue(!e.getMessage().contains("b-alive"), e.getMessage());
  }

  @Test
  void whenEveryReplicaFailsTheCallerGetsOneExceptionNamingEach() {
    Calculator calc = client.stub(Calculator.class, List.of(silent("a-dead"), silent("b-dead")));
    RpcException.AllReplicasFailedException e = assertThrows(RpcException.AllReplicasFailedException.class, calc::whoAmI);
    assertEquals(rpc.retries() + 1, e.failures().size(), e.getMessage());
    assertTrue(e.getMessage().contains("a-dead") && e.getMessage().contains("b-dead"), e.getMessage());
  }

  @Test
  void retriesBackOffExponentially() {
    Calculator calc = client.stub(Calculator.class, Endpoints.fixed("calc", List.of(silent("a-dead"))),
        rpc.withAttemptTimeout(Duration.ofMillis(50)));
    long t0 = System.nanoTime();
    assertThrows(RpcException.AllReplicasFailedException.class, calc::whoAmI);
    long took = (System.nanoTime() - t0) / 1_000_000;
    // 4 attempts of 50 ms, and backoffs of 20, 40, 80 ms between them: at least 340 ms.
    assertTrue(took >= 340, "took " + took + " ms");
  }

  @Test
  void replicationFirstReturnsTheFastestReplicasAnswer() {
    // The slow replica answers only when the test opens its gate: "fast" coming back while the
    // gate is shut shows the stub took the first answer instead of waiting for every replica.
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger slowAnswered = new AtomicInteger();
    CalculatorService slow = new CalculatorService("slow") {
      @Override
      public String whoAmI() {
        try {
          gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slowAnswered.incrementAndGet();
        return "slow";
      }
    };
    Calculator calc = client.stub(Calculator.class, Endpoints.fixed("calc", List.of(
            replica("slow", slow), replica("fast", new CalculatorService("fast")), silent("dead"))),
        rpc.withReplication(RpcSettings.Replication.FIRST));
    try {
      assertEquals("fast", calc.whoAmI());
      assertEquals(0, slowAnswered.get(), "returned before the slow replica answered");
    } finally {
      gate.countDown();
    }
  }

  @Test
  void replicationMajorityOutvotesALyingReplica() {
    CalculatorService liar = new CalculatorService("liar") {
      @Override
      public String echo(String s) {
        return "not " + s;
      }
    };
    Calculator calc = client.stub(Calculator.class, Endpoints.fixed("calc", List.of(
            replica("r1", new CalculatorService("r1")), replica("r2", liar), replica("r3", new CalculatorService("r3")))),
        rpc.withReplication(RpcSettings.Replication.MAJORITY));
    assertEquals("truth", calc.echo("truth"));
    RpcException e = assertThrows(RpcException.class, calc::whoAmI); // three different answers
    assertTrue(e.getMessage().contains("no 2 of 3 replicas gave the same answer"), e.getMessage());
  }
}
