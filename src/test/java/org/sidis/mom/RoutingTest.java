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

import static org.junit.jupiter.api.Assertions.*;

/**
 * Routing between queue managers: two managers (nodes n1 and n2) that find each other through
 * the Receptionist, as on a cluster. A PUT to "n2/jobs" at n1 waits in n1's transmission queue
 * while n2's manager is away and moves on when it comes back; a retransmitted message is
 * stored once.
 */
class RoutingTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<Reply> app;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("routing", dir);
    app = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<Command> manager(String node, String name) {
    return kit.spawn(QueueManager.create(QueueSettings.defaults(), node), name);
  }

  /** Polls until a message arrives (forwarding takes a Receptionist round trip). */
  private Delivery awaitDelivery(ActorRef<Command> qm, String queue) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      qm.tell(new Get(queue, Duration.ofMillis(500), app.getRef()));
      Reply r = app.receiveMessage(Duration.ofSeconds(3));
      if (r instanceof Delivery d) return d;
    }
    throw new AssertionError("nothing reached [" + queue + "] within 10 s");
  }

  @Test
  void aPutForAnotherNodesQueueWaitsWhileItIsDownAndMovesOnWhenItReturns() {
    ActorRef<Command> n1 = manager("n1", "qm-n1");
    n1.tell(new Put("n2/jobs", "p1:1", "first", app.getRef()));
    assertEquals(new PutAck("n2/jobs", "p1:1"), app.receiveMessage(), "the local manager has it");

    ActorRef<Command> n2 = manager("n2", "qm-n2");
    Delivery d = awaitDelivery(n2, "jobs");
    assertEquals("p1:1", d.msgId());
    assertEquals("first", d.payload());

    // n2 goes away; the next message waits at n1 and reaches n2's next incarnation. (Give n2's
    // confirmation of p1:1 time to reach n1 first: a destination stopped before it confirms
    // forgets that it stored the message, and its next incarnation would get it again — the
    // at-least-once edge README names.)
    n2.tell(new Ack(d, app.getRef()));
    assertEquals(new Acked("jobs", "p1:1"), app.receiveMessage());
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    kit.stop(n2);
    n1.tell(new Put("n2/jobs", "p1:2", "second", app.getRef()));
    assertEquals(new PutAck("n2/jobs", "p1:2"), app.receiveMessage());
    ActorRef<Command> n2again = manager("n2", "qm-n2-again");
    assertEquals("p1:2", awaitDelivery(n2again, "jobs").msgId());
    n2again.tell(new Poll("jobs", app.getRef()));
    assertEquals(new Empty("jobs"), app.receiveMessage(), "p1:1 was delivered by the first incarnation only");
  }

  @Test
  void aRetransmittedForwardIsStoredOnceAndConfirmedAgain() {
    ActorRef<Command> n2 = manager("n2", "qm-n2");
    TestProbe<Command> origin = kit.createTestProbe();
    QueueManager.Forward f = new QueueManager.Forward("jobs", "p1:7", "x", "n1", origin.getRef());
    n2.tell(f);
    assertEquals(new QueueManager.Forwarded("n2", "p1:7"), origin.receiveMessage());
    Delivery d = awaitDelivery(n2, "jobs");
    n2.tell(new Ack("jobs", d.msgId(), d.token(), app.getRef()));
    assertEquals(new Acked("jobs", "p1:7"), app.receiveMessage());

    n2.tell(f); // its confirmation was lost, say: the origin sends it again
    assertEquals(new QueueManager.Forwarded("n2", "p1:7"), origin.receiveMessage());
    n2.tell(new Poll("jobs", app.getRef()));
    assertEquals(new Empty("jobs"), app.receiveMessage(), "a retransmission is not a second message");
  }

  @Test
  void everyWireMessageOfTheQueueRoomCrossesAkkasSerializer() {
    TestProbe<Command> peer = kit.createTestProbe();
    java.util.List<Object> wire = java.util.List.of(
        new QueueManager.Forward("jobs", "p1:1", "x", "n1", peer.getRef()),
        new QueueManager.Forwarded("n2", "p1:1"),
        new Put("jobs", "p1:1", "x", app.getRef(), app.getRef()),
        new Get("jobs", Duration.ofMillis(1500), app.getRef()),
        new Ack("jobs", "p1:1", "2.k3x9", app.getRef()),
        new Delivery("jobs", "p1:1", "x", 2, "2.k3x9"),
        new Put("jobs", "p1:1", "x", app.getRef(), null, null, "n2"),
        new Receipt("jobs", "p1:1", SyncPoint.PROCESSING),
        new DeadLetters("jobs", java.util.List.of("p1:1"), 7),
        new PersistentQueue.Enqueued("p1:1", "x"),
        new PersistentQueue.Acknowledged("p1:1"),
        new PersistentQueue.DeadLettered("p1:1"),
        new PutBatch("jobs", java.util.List.of(new Message("p1:1", "x"), new Message("p1:2", "y")), app.getRef()),
        new Fetch("jobs", 100, Duration.ofMillis(1500), app.getRef()),
        new AckBatch("jobs", java.util.List.of(new Handle("p1:1", "1.a"), new Handle("p1:2", "1.b")), app.getRef()),
        new PutBatchAck("jobs", java.util.List.of("p1:1", "p1:2")),
        new Deliveries("jobs", java.util.List.of(new Delivery("jobs", "p1:1", "x", 1, "1.a"))),
        new PersistentQueue.Enqueued("p1:1", "x", "n2"),
        new BatchAcked("jobs", java.util.List.of("p1:1"), java.util.List.of("p1:2")),
        new PersistentQueue.EnqueuedBatch(java.util.List.of(new PersistentQueue.Enqueued("p1:1", "x"))),
        new PersistentQueue.AcknowledgedBatch(java.util.List.of("p1:1", "p1:2")));
    org.sidis.node.WireRoundTrip.assertEachCrossesJacksonCbor(kit.system(), wire);
  }

  @Test
  void aPutBatchForAnotherNodesQueueIsAcknowledgedWholeAndArrivesMessageByMessage() {
    ActorRef<Command> n1 = manager("n1", "qm-n1");
    java.util.List<Message> batch = java.util.List.of(new Message("b1:1", "one"), new Message("b1:2", "two"), new Message("b1:3", "three"));
    n1.tell(new PutBatch("n2/jobs", batch, app.getRef()));
    assertEquals(new PutBatchAck("n2/jobs", java.util.List.of("b1:1", "b1:2", "b1:3")), app.receiveMessage(),
        "the batch is in n1's transmission queue");
    ActorRef<Command> n2 = manager("n2", "qm-n2");
    java.util.Map<String, String> arrived = new java.util.TreeMap<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = awaitDelivery(n2, "jobs");
      arrived.put(d.msgId(), d.payload());
      n2.tell(new Ack("jobs", d.msgId(), d.token(), app.getRef()));
      app.expectMessageClass(Acked.class);
    }
    assertEquals(java.util.Map.of("b1:1", "one", "b1:2", "two", "b1:3", "three"), arrived, "each message, unchanged");
  }

  @Test
  void onlyPutAndPutBatchAreRoutedToAnotherNode() {
    ActorRef<Command> n1 = manager("n1", "qm-n1");
    n1.tell(new Poll("n2/jobs", app.getRef()));
    Refused r = app.expectMessageClass(Refused.class);
    assertTrue(r.reason().contains("only PUT and PutBatch are routed"), r.reason());
    n1.tell(new Put("n1/jobs", "p1:1", "own", app.getRef()));
    assertEquals(new PutAck("jobs", "p1:1"), app.receiveMessage(), "answered by the queue that stored it");
    n1.tell(new Poll("jobs", app.getRef()));
    assertEquals("p1:1", app.expectMessageClass(Delivery.class).msgId(), "n1/jobs at n1 is its own queue jobs");
  }

  @Test
  void forwardsWithOneIdFromTwoNodesToTwoQueuesAreBothStored() {
    ActorRef<Command> n3 = manager("n3", "qm-n3");
    TestProbe<Command> fromN1 = kit.createTestProbe();
    TestProbe<Command> fromN2 = kit.createTestProbe();
    n3.tell(new QueueManager.Forward("q1", "x:1", "from n1", "n1", fromN1.getRef()));
    assertEquals(new QueueManager.Forwarded("n3", "x:1"), fromN1.receiveMessage());
    n3.tell(new QueueManager.Forward("q2", "x:1", "from n2", "n2", fromN2.getRef()));
    assertEquals(new QueueManager.Forwarded("n3", "x:1"), fromN2.receiveMessage());
    n3.tell(new Poll("q1", app.getRef()));
    assertEquals("from n1", app.expectMessageClass(Delivery.class).payload());
    n3.tell(new Poll("q2", app.getRef()));
    Reply r = app.receiveMessage();
    assertTrue(r instanceof Delivery d && d.payload().equals("from n2"),
        "n2's message x:1 for q2 was confirmed to n2 but not stored (deduplicated against n1's x:1 for q1): " + r);
  }
}
