package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Probes of the persistent queue's rule "answered only once stored", with a journal whose writes
 * wait at a gate ({@link GatedJournal}): while a write is held at the journal, nothing it carries
 * is answered — however many PUTs and ACKs are in flight — and once the gate opens everything
 * is answered, stored once, in order. Group commit and a pipelining producer may only change how
 * many commands one write carries, never when they are answered.
 */
@org.junit.jupiter.api.Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class PersistentQueueGateTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private GatedJournal.Gate gate;
  private ActorRef<Command> queue;
  private TestProbe<Reply> app;

  @BeforeEach
  void start(org.junit.jupiter.api.TestInfo info) {
    String system = "gate" + info.getTestMethod().orElseThrow().getName().hashCode() % 10_000 + "x" + System.nanoTime() % 100_000;
    kit = ActorTestKit.create(system.replace('-', 'm'), GatedJournal.config(dir).withFallback(PersistentQueueTest.config(dir, "n1")));
    gate = GatedJournal.gate(kit.system().name());
    queue = kit.spawn(PersistentQueue.create("jobs", PersistentQueueTest.settings()), "jobs");
    app = kit.createTestProbe();
    queue.tell(new Poll("jobs", app.getRef())); // answered once the (empty) journal is replayed
    assertEquals(new Empty("jobs"), app.receiveMessage(WAIT));
  }

  @AfterEach
  void stop() {
    gate.open();
    kit.shutdownTestKit();
  }

  @Test
  void aPutIsNotAcknowledgedWhileItsWriteIsHeldAtTheJournal() throws Exception {
    gate.close();
    queue.tell(new Put("jobs", "p:1", "m1", app.getRef()));
    List<List<Object>> arrived = gate.awaitArrived(1, WAIT);
    assertEquals(List.of(new PersistentQueue.EnqueuedBatch(List.of(new PersistentQueue.Enqueued("p:1", "m1", null)))), arrived.get(0),
        "the PUT's write reached the journal: only the journal holds it back now");
    app.expectNoMessage(Duration.ofSeconds(1));
    queue.tell(new Poll("jobs", app.getRef()));
    assertEquals(new Empty("jobs"), app.receiveMessage(WAIT), "a message not yet stored is not handed out either");

    gate.open();
    assertEquals(new PutAck("jobs", "p:1"), app.receiveMessage(WAIT));
  }

  @Test
  void anAckIsNotAnsweredWhileItsWriteIsHeldAtTheJournal() throws Exception {
    queue.tell(new Put("jobs", "p:1", "m1", app.getRef()));
    assertEquals(new PutAck("jobs", "p:1"), app.receiveMessage(WAIT));
    queue.tell(new Poll("jobs", app.getRef()));
    Delivery d = (Delivery) app.receiveMessage(WAIT);

    gate.close();
    queue.tell(new Ack("jobs", d.msgId(), d.token(), app.getRef()));
    List<List<Object>> arrived = gate.awaitArrived(2, WAIT);
    assertEquals(List.of(new PersistentQueue.AcknowledgedBatch(List.of("p:1"))), arrived.get(1));
    app.expectNoMessage(Duration.ofSeconds(1));

    gate.open();
    assertEquals(new Acked("jobs", "p:1"), app.receiveMessage(WAIT));
  }

  /**
   * A pipelining producer: 50 PUTs in flight while the first one's write is held. None is
   * answered until the gate opens; the 49 that came during the held write go into the next
   * write together (group commit: two writes for 50 PUTs — the control that the order below is
   * not simply one write per PUT); then all 50 are acknowledged, stored once each, and consumed
   * in the order they were put.
   */
  @Test
  void putsInFlightDuringAHeldWriteAreAnsweredOnlyAfterItAndComeOutOnceInOrder() throws Exception {
    gate.close();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 50; i++) ids.add("p:" + i);
    queue.tell(new Put("jobs", ids.get(0), "m", app.getRef()));
    gate.awaitArrived(1, WAIT);
    for (String id : ids.subList(1, ids.size())) queue.tell(new Put("jobs", id, "m", app.getRef()));
    app.expectNoMessage(Duration.ofSeconds(1));
    assertEquals(1, gate.arrived().size(), "the next write waits for the one under way: the 49 wait together");

    gate.open();
    List<String> acked = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) acked.add(((PutAck) app.receiveMessage(WAIT)).msgId());
    assertEquals(ids, acked, "acknowledged in the order put");
    List<List<Object>> writes = gate.awaitArrived(2, WAIT);
    assertEquals(2, writes.size(), "one write for the first PUT, one for the 49 that came while it was held");
    List<String> stored = new ArrayList<>();
    for (List<Object> w : writes) {
      for (Object e : w) ((PersistentQueue.EnqueuedBatch) e).messages().forEach(m -> stored.add(m.msgId()));
    }
    assertEquals(ids, stored, "each PUT stored once, in order");

    queue.tell(new Fetch("jobs", 100, Duration.ofSeconds(5), app.getRef()));
    Deliveries got = (Deliveries) app.receiveMessage(WAIT);
    assertEquals(ids, got.deliveries().stream().map(Delivery::msgId).toList(), "consumed in the order put, none lost");
  }
}
