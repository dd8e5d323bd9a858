package org.sidis.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatcher's rules for remote workers, with probes standing in for them: a worker is used
 * once the Receptionist lists it, and a worker the listing drops (its node unreachable, left, or
 * deregistered — one code path) loses its request: an idempotent one goes to the next listed
 * worker, a non-idempotent one is answered with a failure.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class RemoteWorkerListingTest {

  private ActorTestKit kit;
  private ServerSettings settings;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.local("server", Map.of("sidis.server.workers-at", "remote"));
    settings = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private void list(ActorRef<Worker.Work> worker) {
    TestProbe<Receptionist.Registered> ok = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(Worker.poolKey("p"), worker, ok.getRef()));
    ok.receiveMessage();
  }

  private void unlist(ActorRef<Worker.Work> worker) {
    TestProbe<Receptionist.Deregistered> ok = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(Worker.poolKey("p"), worker, ok.getRef()));
    ok.receiveMessage();
  }

  private void awaitWorkers(ActorRef<ServerProtocol.Command> server, int n) throws InterruptedException {
    TestProbe<Dispatcher.Stats> stats = kit.createTestProbe();
    int seen = -1;
    for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
      server.tell(new Dispatcher.GetStats(stats.getRef()));
      seen = stats.receiveMessage().workers();
      if (seen == n) return;
    }
    throw new AssertionError("the dispatcher counts " + seen + " workers, expected " + n);
  }

  @Test
  void anIdempotentRequestOfAWorkerNoLongerListedGoesToTheNextWorker() throws Exception {
    TestProbe<Worker.Work> first = kit.createTestProbe();
    TestProbe<Worker.Work> second = kit.createTestProbe();
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create("p", settings, p -> "local"));
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("r1", "x", false, true, client.getRef()));
    client.expectNoMessage(Duration.ofMillis(200)); // no worker listed: it waits
    list(first.getRef());
    Worker.Work w = first.receiveMessage(Duration.ofSeconds(5));
    assertEquals("r1", w.id(), "the waiting request went to the first listed worker");
    list(second.getRef());
    awaitWorkers(server, 2);
    unlist(first.getRef()); // as when first's node becomes unreachable
    Worker.Work again = second.receiveMessage(Duration.ofSeconds(5));
    assertEquals("r1", again.id(), "re-dispatched to the worker still listed");
    again.reportTo().tell(new Dispatcher.WorkerDone(second.getRef(), "r1", "done"));
    // first's late report, had it finished after all, changes nothing.
    w.reportTo().tell(new Dispatcher.WorkerDone(first.getRef(), "r1", "late"));
    server.tell(new ServerProtocol.Request("r1", "x", false, true, client.getRef()));
    assertEquals(new ServerProtocol.Reply("r1", "done"), client.receiveMessage(), "answered from the cache");
  }

  @Test
  void aNonIdempotentRequestOfAWorkerNoLongerListedIsAnsweredWithAFailure() throws Exception {
    TestProbe<Worker.Work> only = kit.createTestProbe();
    list(only.getRef());
    ActorRef<ServerProtocol.Command> server = kit.spawn(Dispatcher.create("p", settings, p -> "local"));
    awaitWorkers(server, 1);
    TestProbe<ServerProtocol.Response> client = kit.createTestProbe();
    server.tell(new ServerProtocol.Request("w1", "withdraw", false, false, client.getRef()));
    assertEquals("w1", only.receiveMessage().id());
    unlist(only.getRef());
    ServerProtocol.Failed f = assertInstanceOf(ServerProtocol.Failed.class, client.receiveMessage(Duration.ofSeconds(5)));
    assertTrue(f.reason().contains("may or may not have run") && f.reason().contains("at-most-once"), f.reason());
    only.expectNoMessage(Duration.ofMillis(200));
  }
}
