package org.sidis.mom;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/** Each synchronization point completes the send at its moment, on a transient and a persistent queue. */
class SenderTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private ActorRef<Command> qm;
  private TestProbe<Reply> consumer;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("sender", PersistentQueueTest.config(dir, "n1"));
    qm = kit.spawn(QueueManager.create(QueueSettings.defaults()
        .withQueue("t", QueueSettings.Durability.TRANSIENT)
        .withQueue("p", QueueSettings.Durability.PERSISTENT)
        // Longer than notYet()'s wait, so an unacknowledged message is not dead-lettered meanwhile.
        .withVisibility(Duration.ofMillis(1500), 1)), "queue-manager");
    consumer = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private CompletableFuture<Done> send(String queue, String id, SyncPoint at) {
    return Sender.send(kit.system(), qm, queue, id, "x", at, Duration.ofSeconds(10)).toCompletableFuture();
  }

  private Delivery take(String queue) {
    qm.tell(new Get(queue, Duration.ofSeconds(5), consumer.getRef()));
    return consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
  }

  private static void notYet(CompletableFuture<Done> f) throws InterruptedException {
    Thread.sleep(300);
    assertFalse(f.isDone(), "completed too early");
  }

  @Test
  void submissionCompletesOnceTheQueueHasTheMessage() throws Exception {
    for (String q : new String[] {"t", "p"}) {
      send(q, "s1:1", SyncPoint.SUBMISSION).get(10, TimeUnit.SECONDS);
      assertEquals("s1:1", take(q).msgId(), "the message is in queue " + q);
    }
  }

  @Test
  void deliveryCompletesWhenAConsumerReceivesItNotBefore() throws Exception {
    for (String q : new String[] {"t", "p"}) {
      CompletableFuture<Done> f = send(q, "s1:2", SyncPoint.DELIVERY);
      notYet(f);
      take(q);
      f.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void processingCompletesWhenAConsumerAcknowledgesItNotAtDelivery() throws Exception {
    for (String q : new String[] {"t", "p"}) {
      CompletableFuture<Done> f = send(q, "s1:3", SyncPoint.PROCESSING);
      Delivery d = take(q);
      notYet(f);
      qm.tell(new Ack(q, d.msgId(), d.token(), consumer.getRef()));
      consumer.expectMessageClass(Acked.class, Duration.ofSeconds(10));
      f.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void processingFailsWhenTheMessageIsDeadLetteredAndASendTimesOut() throws Exception {
    CompletableFuture<Done> dead = send("t", "s1:4", SyncPoint.PROCESSING);
    take("t"); // never acknowledged; max-deliveries 1
    ExecutionException e = assertThrows(ExecutionException.class, () -> dead.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("dead-lettered"), e.getCause().getMessage());

    CompletableFuture<Done> late = Sender.send(kit.system(), qm, "t", "s1:5", "x", SyncPoint.DELIVERY, Duration.ofMillis(300))
        .toCompletableFuture();
    ExecutionException t = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, t.getCause());
  }

  @Test
  void aPersistentSendToATransientQueueIsRefusedSayingWhy() {
    CompletableFuture<Done> f = Sender.send(kit.system(), qm, "t", "s1:6", "x", QueueSettings.Durability.PERSISTENT,
        SyncPoint.SUBMISSION, Duration.ofSeconds(10)).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("is transient"), e.getCause().getMessage());
    qm.tell(new Poll("t", consumer.getRef()));
    assertEquals(new Empty("t"), consumer.receiveMessage(), "nothing was put");
  }

  @Test
  void aTransientSendToAPersistentQueueIsGoneAfterARestartWhileAPersistentOneStays() throws Exception {
    Sender.send(kit.system(), qm, "p", "s1:kept", "x", QueueSettings.Durability.PERSISTENT, SyncPoint.SUBMISSION,
        Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Sender.send(kit.system(), qm, "p", "s1:memory", "x", QueueSettings.Durability.TRANSIENT, SyncPoint.SUBMISSION,
        Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Sender.send(kit.system(), qm, "p", "s1:default", "x", SyncPoint.SUBMISSION, Duration.ofSeconds(10))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.shutdownTestKit();

    kit = ActorTestKit.create("sender", PersistentQueueTest.config(dir, "n1"));
    qm = kit.spawn(QueueManager.create(QueueSettings.defaults().withQueue("p", QueueSettings.Durability.PERSISTENT)), "queue-manager");
    consumer = kit.createTestProbe();
    java.util.List<String> left = new java.util.ArrayList<>();
    while (true) {
      qm.tell(new Poll("p", consumer.getRef()));
      Reply r = consumer.receiveMessage(Duration.ofSeconds(10));
      if (r instanceof Empty) break;
      left.add(((Delivery) r).msgId());
    }
    assertEquals(java.util.List.of("s1:kept", "s1:default"), left,
        "the persistent send and the queue's own (persistent) survive; the transient one was never journaled");
  }
}
