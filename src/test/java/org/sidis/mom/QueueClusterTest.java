package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two ActorSystems in one JVM, a cluster over Artery TCP on loopback: node a keeps a persistent
 * queue, node b finds a's queue manager through the Receptionist and produces and consumes
 * across the wire in batches — every message crosses Akka's serializer both ways.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class QueueClusterTest {

  @TempDir
  Path dir;

  private Config node(String name) {
    return org.sidis.node.TestClusters.nodeConfig(name, org.sidis.node.TestClusters.h2Store(dir.resolve(name)));
  }

  @Test
  void aRemoteProducerAndConsumerMoveBatchesThroughAPersistentQueueExactlyOnceEach() {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    try {
      org.sidis.node.TestClusters.joinAndAwaitUp(List.of(a, b));
      a.spawn(QueueManager.create(QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.PERSISTENT)), "queue-manager");
      ActorRef<Command> qm = find(b);
      TestProbe<Reply> app = b.createTestProbe();

      List<Message> first = new ArrayList<>();
      for (int i = 1; i <= 100; i++) first.add(new Message("b:" + i, "payload " + i));
      qm.tell(new PutBatch("jobs", first, app.getRef()));
      assertEquals(100, app.expectMessageClass(PutBatchAck.class, Duration.ofSeconds(20)).msgIds().size());

      List<String> got = new ArrayList<>();
      while (got.size() < 100) {
        qm.tell(new Fetch("jobs", 30, Duration.ofSeconds(5), app.getRef()));
        Deliveries d = app.expectMessageClass(Deliveries.class, Duration.ofSeconds(10));
        assertTrue(d.deliveries().size() <= 30, "a fetch of 30 brought " + d.deliveries().size());
        d.deliveries().forEach(m -> assertEquals("payload " + m.msgId().substring(2), m.payload(), "payload of " + m.msgId()));
        List<String> ids = d.deliveries().stream().map(Delivery::msgId).toList();
        qm.tell(AckBatch.of(d, app.getRef()));
        BatchAcked acked = app.expectMessageClass(BatchAcked.class, Duration.ofSeconds(10));
        assertEquals(ids, acked.acked(), "refused: " + acked.refused());
        got.addAll(ids);
      }
      List<String> expected = first.stream().map(Message::msgId).toList();
      assertEquals(expected, got, "every message once, in PUT order");
      qm.tell(new Poll("jobs", app.getRef()));
      assertEquals(new Empty("jobs"), app.receiveMessage(Duration.ofSeconds(10)));
    } finally {
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

  /**
   * Artery drops a message larger than its frame (256 KiB here): a FETCH answered with more
   * bytes than that never arrives, and its messages would cycle in flight until dead-lettered.
   */
  @Test
  void aRemoteConsumerFetchingLargeMessagesGetsEachOnceInRepliesThatFitTheFrame() {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    try {
      org.sidis.node.TestClusters.joinAndAwaitUp(List.of(a, b));
      ActorRef<Command> local = a.spawn(QueueManager.create(QueueSettings.defaults().withQueue("big", QueueSettings.Durability.TRANSIENT)),
          "queue-manager");
      TestProbe<Reply> producer = a.createTestProbe();
      String payload = "x".repeat(20 * 1024);
      int n = 40; // 800 KiB in all: three frames' worth
      for (int i = 1; i <= n; i++) {
        local.tell(new Put("big", "a:" + i, payload, producer.getRef()));
        producer.expectMessageClass(PutAck.class, Duration.ofSeconds(10));
      }
      ActorRef<Command> qm = find(b);
      TestProbe<Reply> app = b.createTestProbe();
      List<String> got = new ArrayList<>();
      while (got.size() < n) {
        qm.tell(new Fetch("big", n, Duration.ofSeconds(2), app.getRef()));
        Reply r = app.receiveMessage(Duration.ofSeconds(10));
        assertTrue(r instanceof Deliveries, "a fetch of large messages brought " + r + " after " + got.size() + " of " + n
            + " (a reply over Artery's frame is dropped)");
        for (Delivery d : ((Deliveries) r).deliveries()) {
          assertEquals(1, d.deliveries(), "first delivery of " + d.msgId());
          assertEquals(payload.length(), d.payload().length());
          got.add(d.msgId());
        }
        List<String> ids = ((Deliveries) r).deliveries().stream().map(Delivery::msgId).toList();
        qm.tell(AckBatch.of((Deliveries) r, app.getRef()));
        assertEquals(ids, app.expectMessageClass(BatchAcked.class, Duration.ofSeconds(10)).acked());
      }
      assertEquals(n, new java.util.HashSet<>(got).size(), "each message once: " + got);
    } finally {
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

  private static ActorRef<Command> find(ActorTestKit kit) {
    TestProbe<Receptionist.Listing> listings = kit.createTestProbe();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      kit.system().receptionist().tell(Receptionist.find(QueueManager.key("a"), listings.getRef()));
      var found = listings.receiveMessage(Duration.ofSeconds(5)).getServiceInstances(QueueManager.key("a"));
      if (!found.isEmpty()) return found.iterator().next();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("node b never saw node a's queue manager in the Receptionist");
  }
}
