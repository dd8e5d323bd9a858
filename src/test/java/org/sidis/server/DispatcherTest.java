package org.sidis.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherTest {

  private ActorTestKit kit;
  private ServerSettings settings;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.local("server");
    settings = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void requestsRunOnSeveralWorkersAtOnceOnTheBlockingPool() throws Exception {
    CountDownLatch allIn = new CountDownLatch(4);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create(settings.withWorkers(4), p -> {
      threads.add(Thread.currentThread().getName());
      allIn.countDown();
      // Every handler waits until all four run: only a truly concurrent server gets past this.
      if (!allIn.await(5, TimeUnit.SECONDS)) throw new IllegalStateException("not concurrent");
      return p.toUpperCase();
    }));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    for (int i = 0; i < 4; i++) server.tell(new ServerProtocol.Request("r" + i, "x" + i, false, client.getRef()));
    Set<String> results = new HashSet<>();
    for (int i = 0; i < 4; i++) results.add(((ServerProtocol.Reply) client.receiveMessage(Duration.ofSeconds(10))).result());
    assertEquals(Set.of("X0", "X1", "X2", "X3"), results);
    assertTrue(threads.stream().allMatch(t -> t.contains("sidis.server.blocking-pool")), "handler threads: " + threads);
  }

  @Test
  void aWorkerCrashMidRequestIsRestartedAndTheClientStillGetsItsAnswer() {
    AtomicInteger runs = new AtomicInteger();
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create(settings.withWorkers(2), p -> {
      if (p.equals("flaky") && runs.incrementAndGet() == 1) throw new IllegalStateException("disk on fire");
      return "ok:" + p;
    }));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("r1", "flaky", false, true, client.getRef()));
    ServerProtocol.Response r = client.receiveMessage(Duration.ofSeconds(10));
    assertEquals(new ServerProtocol.Reply("r1", "ok:flaky"), r);
    assertEquals(2, runs.get(), "one crashed run, one good run");
    TestProbe<Dispatcher.Stats> stats = kit.createTestProbe();
    server.tell(new Dispatcher.GetStats(stats.getRef()));
    assertEquals(1, stats.receiveMessage().redispatched());
    client.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aNonIdempotentRequestWhoseWorkerCrashedIsAnsweredWithAFailureAndNotRunAgain() {
    AtomicInteger runs = new AtomicInteger();
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create(settings.withWorkers(2), p -> {
      runs.incrementAndGet();
      throw new IllegalStateException("crashed after part of the work");
    }));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("w1", "10", false, client.getRef()));
    ServerProtocol.Failed f = (ServerProtocol.Failed) client.receiveMessage(Duration.ofSeconds(10));
    assertTrue(f.reason().contains("not idempotent, so it was not run again"), f.reason());
    assertEquals(1, runs.get());
  }

  @Test
  void aRetransmittedNonIdempotentRequestRunsOnce() {
    AtomicInteger balance = new AtomicInteger(100);
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create(settings.withWorkers(4), p -> {
      Thread.sleep(50);
      return String.valueOf(balance.addAndGet(-Integer.parseInt(p)));
    }));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("withdraw-1", "10", true, client.getRef()));
    server.tell(new ServerProtocol.Request("withdraw-1", "10", true, client.getRef())); // while running
    assertInstanceOf(ServerProtocol.Received.class, client.receiveMessage());
    assertInstanceOf(ServerProtocol.Received.class, client.receiveMessage());
    assertEquals(new ServerProtocol.Reply("withdraw-1", "90"), client.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(new ServerProtocol.Reply("withdraw-1", "90"), client.receiveMessage(Duration.ofSeconds(5)));
    server.tell(new ServerProtocol.Request("withdraw-1", "10", false, client.getRef())); // after it finished
    assertEquals(new ServerProtocol.Reply("withdraw-1", "90"), client.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(90, balance.get(), "the withdrawal ran exactly once");
  }

  @Test
  void theIterativeServerAnswersInTurnAndRetriesACrashInPlace() {
    AtomicInteger runs = new AtomicInteger();
    ActorRef<ServerProtocol.Command> server = kit.spawn(IterativeServer.create(settings, p -> {
      if (runs.incrementAndGet() == 1) throw new IllegalStateException("first run crashes");
      return p + "!";
    }), "iterative", DispatcherSelector.fromConfig(settings.blockingDispatcher()));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("a", "a", false, true, client.getRef()));
    server.tell(new ServerProtocol.Request("b", "b", false, true, client.getRef()));
    assertEquals(new ServerProtocol.Reply("a", "a!"), client.receiveMessage());
    assertEquals(new ServerProtocol.Reply("b", "b!"), client.receiveMessage());
  }

  @Test
  void theConcurrentServerRunsAsManyRequestsAtOnceAsItHasWorkersAndTheIterativeOneRunsOne() {
    // Judged by the overlap seen inside the handler, not by throughput (speed is `sidis bench`'s
    // business, and a loaded machine stretches any timing): the concurrent server's handlers wait
    // until all its workers are in at once; the iterative server's never overlap.
    int workers = 8;
    int requests = 40;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    java.util.concurrent.CountDownLatch allIn = new java.util.concurrent.CountDownLatch(workers);
    Handler meets = p -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        allIn.countDown();
        allIn.await(20, java.util.concurrent.TimeUnit.SECONDS); // bounded: a server that runs fewer still ends
        Thread.sleep(2);
        return p;
      } finally {
        running.decrementAndGet();
      }
    };
    ActorRef<ServerProtocol.Command> conc = kit.spawn(Dispatcher.create(settings.withWorkers(workers), meets), "conc");
    answersAll(conc, requests, "c");
    assertEquals(workers, most.get(), "requests in the concurrent server's handler at once, with " + workers + " workers");

    AtomicInteger iterRunning = new AtomicInteger();
    AtomicInteger iterMost = new AtomicInteger();
    Handler counts = p -> {
      iterMost.accumulateAndGet(iterRunning.incrementAndGet(), Math::max);
      try {
        Thread.sleep(2);
        return p;
      } finally {
        iterRunning.decrementAndGet();
      }
    };
    ActorRef<ServerProtocol.Command> iter = kit.spawn(IterativeServer.create(settings, counts), "iter",
        DispatcherSelector.fromConfig(settings.blockingDispatcher()));
    answersAll(iter, requests, "i");
    assertEquals(1, iterMost.get(), "requests in the iterative server's handler at once");
  }

  private void answersAll(ActorRef<ServerProtocol.Command> server, int n, String prefix) {
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    for (int i = 0; i < n; i++) server.tell(new ServerProtocol.Request(prefix + i, "p", false, client.getRef()));
    java.util.Set<String> answered = new java.util.TreeSet<>();
    for (int i = 0; i < n; i++) {
      ServerProtocol.Response r = client.receiveMessage(Duration.ofSeconds(30));
      assertInstanceOf(ServerProtocol.Reply.class, r, "answered so far: " + answered);
      answered.add(((ServerProtocol.Reply) r).id());
    }
    assertEquals(n, answered.size(), "every request answered once: " + answered);
  }

}
