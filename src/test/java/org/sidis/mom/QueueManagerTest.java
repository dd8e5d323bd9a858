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
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every operation of a queue manager with transient queues, between TestKit probes. */
class QueueManagerTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<Reply> producer;
  private TestProbe<Reply> consumer;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("mom", dir);
    producer = kit.createTestProbe("producer");
    consumer = kit.createTestProbe("consumer");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<Command> manager(QueueSettings settings) {
    return kit.spawn(QueueManager.create(settings), "queue-manager");
  }

  private ActorRef<Command> manager() {
    return manager(QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.TRANSIENT)
        .withVisibility(Duration.ofMillis(300), 2));
  }

  private void put(ActorRef<Command> qm, String id) {
    qm.tell(new Put("jobs", id, "payload-" + id, producer.getRef()));
    assertEquals(new PutAck("jobs", id), producer.receiveMessage());
  }

  @Test
  void putThenPollReturnsTheMessageAndPollOnAnEmptyQueueSaysEmpty() {
    ActorRef<Command> qm = manager();
    qm.tell(new Poll("jobs", consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage());
    put(qm, "p1:1");
    qm.tell(new Poll("jobs", consumer.getRef()));
    assertEquals(new Delivery("jobs", "p1:1", "payload-p1:1", 1), consumer.receiveMessage());
  }

  @Test
  void getBlocksUntilAPutArrives() {
    ActorRef<Command> qm = manager();
    qm.tell(new Get("jobs", Duration.ofSeconds(5), consumer.getRef()));
    consumer.expectNoMessage(Duration.ofMillis(200));
    put(qm, "p1:1");
    assertEquals("p1:1", consumer.expectMessageClass(Delivery.class).msgId());
  }

  @Test
  void getAnswersEmptyWhenItsTimeoutPasses() {
    ActorRef<Command> qm = manager();
    qm.tell(new Get("jobs", Duration.ofMillis(200), consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage(Duration.ofSeconds(2)));
  }

  @Test
  void notifyCallsTheHandlerOnEveryInsertion() {
    ActorRef<Command> qm = manager();
    TestProbe<Reply> handler = kit.createTestProbe("handler");
    qm.tell(new Notify("jobs", handler.getRef()));
    put(qm, "p1:1");
    put(qm, "p1:2");
    assertEquals(new Inserted("jobs", "p1:1"), handler.receiveMessage());
    assertEquals(new Inserted("jobs", "p1:2"), handler.receiveMessage());
  }

  @Test
  void competingConsumersEachGetADifferentMessage() {
    ActorRef<Command> qm = manager();
    TestProbe<Reply> other = kit.createTestProbe("other");
    qm.tell(new Get("jobs", Duration.ofSeconds(5), consumer.getRef()));
    qm.tell(new Get("jobs", Duration.ofSeconds(5), other.getRef()));
    put(qm, "p1:1");
    put(qm, "p1:2");
    assertEquals("p1:1", consumer.expectMessageClass(Delivery.class).msgId());
    assertEquals("p1:2", other.expectMessageClass(Delivery.class).msgId());
  }

  @Test
  void anAcknowledgedMessageIsNotRedeliveredAndASecondAckIsRefused() {
    ActorRef<Command> qm = manager();
    put(qm, "p1:1");
    qm.tell(new Poll("jobs", consumer.getRef()));
    consumer.expectMessageClass(Delivery.class);
    qm.tell(new Ack("jobs", "p1:1", consumer.getRef()));
    assertEquals(new Acked("jobs", "p1:1"), consumer.receiveMessage());
    qm.tell(new Ack("jobs", "p1:1", consumer.getRef()));
    assertEquals(Refused.class, consumer.receiveMessage().getClass());
    qm.tell(new Get("jobs", Duration.ofMillis(800), consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage(Duration.ofSeconds(2)));
  }

  @Test
  void anUnacknowledgedMessageIsRedeliveredAfterTheVisibilityTimeoutThenDeadLettered() {
    ActorRef<Command> qm = manager();
    put(qm, "p1:1");
    qm.tell(new Poll("jobs", consumer.getRef()));
    assertEquals(1, consumer.expectMessageClass(Delivery.class).deliveries());
    qm.tell(new Get("jobs", Duration.ofSeconds(3), consumer.getRef()));
    Delivery again = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(3));
    assertEquals("p1:1", again.msgId());
    assertEquals(2, again.deliveries());
    // Second delivery was the last allowed (max-deliveries 2): after its timeout it is a dead letter.
    qm.tell(new Get("jobs", Duration.ofMillis(1500), consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage(Duration.ofSeconds(3)));
    qm.tell(new ListDeadLetters("jobs", consumer.getRef()));
    assertEquals(new DeadLetters("jobs", List.of("p1:1")), consumer.receiveMessage());
  }

  @Test
  void aPutToAMissingQueueCreatesItOnDemandOrIsRefusedByConfig() {
    ActorRef<Command> qm = manager();
    qm.tell(new Put("elsewhere", "p1:1", "x", producer.getRef()));
    assertEquals(new PutAck("elsewhere", "p1:1"), producer.receiveMessage());

    ActorRef<Command> strict = kit.spawn(QueueManager.create(QueueSettings.defaults().withCreateOnDemand(false)), "strict");
    strict.tell(new Put("elsewhere", "p1:2", "x", producer.getRef()));
    Refused r = producer.expectMessageClass(Refused.class);
    assertTrue(r.reason().contains("no queue [elsewhere]"), r.reason());
  }

  @Test
  void producerAndConsumerTracesPassTheQueueCheckerWithARedelivery() {
    ActorRef<Command> qm = manager();
    QueueTrace producerTrace = new QueueTrace(kit.system(), "producer", "jobs");
    QueueTrace consumerTrace = new QueueTrace(kit.system(), "consumer", "jobs");
    for (int i = 1; i <= 20; i++) {
      producerTrace.attempt("p1:" + i);
      put(qm, "p1:" + i);
      producerTrace.put("p1:" + i);
    }
    boolean dropped = false;
    while (true) {
      qm.tell(new Get("jobs", Duration.ofSeconds(1), consumer.getRef()));
      Reply r = consumer.receiveMessage(Duration.ofSeconds(3));
      if (r instanceof Empty) break;
      Delivery d = (Delivery) r;
      consumerTrace.get(d.msgId(), d.deliveries());
      if (!dropped) { // the first one is left unacknowledged: it comes back after 300 ms
        dropped = true;
        continue;
      }
      qm.tell(new Ack("jobs", d.msgId(), consumer.getRef()));
      assertEquals(new Acked("jobs", d.msgId()), consumer.receiveMessage());
      consumerTrace.ack(d.msgId());
    }
    org.sidis.trace.Traces.get(kit.system()).sink().flush();
    org.sidis.check.Report report = org.sidis.check.Inspection.of(dir);
    org.sidis.check.Verdict v = report.verdict("jobs", org.sidis.check.QueueTotal.PROPERTY);
    assertEquals(org.sidis.check.Verdict.Outcome.HELD, v.outcome(), report.table());
    assertEquals(20, v.messages());
    // At least the dropped one came twice; a loaded machine may add redeliveries of slow acks.
    assertTrue(v.details().stream().anyMatch(x -> x.matches("duplicates [1-9].*")), v.details().toString());
  }

  @Test
  void anOversizedMessageIsRefused() {
    ActorRef<Command> qm = manager();
    qm.tell(new Put("jobs", "p1:1", "x".repeat(256 * 1024 + 1), producer.getRef()));
    Refused r = producer.expectMessageClass(Refused.class);
    assertTrue(r.reason().contains("max-message-bytes"), r.reason());
  }

  private static List<Message> batch(int from, int to) {
    List<Message> messages = new java.util.ArrayList<>();
    for (int i = from; i <= to; i++) messages.add(new Message("p1:" + i, "m" + i));
    return messages;
  }

  private static List<String> ids(Deliveries d) {
    return d.deliveries().stream().map(Delivery::msgId).toList();
  }

  @Test
  void aPutBatchIsAcknowledgedOnceAndAFetchTakesItsMessagesInOrder() {
    ActorRef<Command> qm = manager();
    TestProbe<Reply> handler = kit.createTestProbe("handler");
    qm.tell(new Notify("jobs", handler.getRef()));
    qm.tell(new PutBatch("jobs", batch(1, 5), producer.getRef()));
    assertEquals(new PutBatchAck("jobs", List.of("p1:1", "p1:2", "p1:3", "p1:4", "p1:5")), producer.receiveMessage());
    for (int i = 1; i <= 5; i++) assertEquals(new Inserted("jobs", "p1:" + i), handler.receiveMessage());
    qm.tell(new Fetch("jobs", 3, Duration.ofSeconds(1), consumer.getRef()));
    Deliveries first = consumer.expectMessageClass(Deliveries.class);
    assertEquals(List.of("p1:1", "p1:2", "p1:3"), ids(first));
    assertEquals(new Delivery("jobs", "p1:1", "m1", 1), first.deliveries().get(0));
    qm.tell(new Get("jobs", Duration.ofSeconds(1), consumer.getRef()));
    assertEquals("p1:4", consumer.expectMessageClass(Delivery.class).msgId(), "a single GET still gets one message");
    qm.tell(new PutBatch("jobs", batch(5, 6), producer.getRef()));
    assertEquals(new PutBatchAck("jobs", List.of("p1:5", "p1:6")), producer.receiveMessage());
    qm.tell(new Fetch("jobs", 10, Duration.ofSeconds(1), consumer.getRef()));
    assertEquals(List.of("p1:5", "p1:6"), ids(consumer.expectMessageClass(Deliveries.class)),
        "a retried message of a batch is not put twice");
  }

  @Test
  void aWaitingFetchIsAnsweredWhenABatchArrivesAndEmptyWhenItsTimeoutPasses() {
    ActorRef<Command> qm = manager();
    qm.tell(new Fetch("jobs", 100, Duration.ofSeconds(5), consumer.getRef()));
    consumer.expectNoMessage(Duration.ofMillis(200));
    qm.tell(new PutBatch("jobs", batch(1, 3), producer.getRef()));
    assertEquals(List.of("p1:1", "p1:2", "p1:3"), ids(consumer.expectMessageClass(Deliveries.class)));
    qm.tell(new Fetch("jobs", 100, Duration.ofMillis(200), consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage(Duration.ofSeconds(2)));
  }

  @Test
  void anAckBatchRecordsEveryAckAndNamesTheOnesNotInFlight() {
    ActorRef<Command> qm = manager();
    qm.tell(new PutBatch("jobs", batch(1, 3), producer.getRef()));
    producer.expectMessageClass(PutBatchAck.class);
    qm.tell(new Fetch("jobs", 2, Duration.ofSeconds(1), consumer.getRef()));
    assertEquals(List.of("p1:1", "p1:2"), ids(consumer.expectMessageClass(Deliveries.class)));
    qm.tell(new AckBatch("jobs", List.of("p1:1", "p1:2"), consumer.getRef()));
    assertEquals(new BatchAcked("jobs", List.of("p1:1", "p1:2"), List.of()), consumer.receiveMessage());
    qm.tell(new AckBatch("jobs", List.of("p1:2", "p1:9"), consumer.getRef()));
    assertEquals(new BatchAcked("jobs", List.of(), List.of("p1:2", "p1:9")), consumer.receiveMessage(),
        "a second ack and an unknown id are refused by name");
    qm.tell(new Get("jobs", Duration.ofSeconds(2), consumer.getRef()));
    assertEquals("p1:3", consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(3)).msgId(),
        "acknowledged messages are not redelivered after the visibility timeout");
  }

  @Test
  void badBatchesAreRefusedWithTheirReasonAndPutNothing() {
    ActorRef<Command> qm = manager();
    java.util.function.Function<QueueCommand, String> refusal = c -> {
      qm.tell(c);
      return producer.expectMessageClass(Refused.class).reason();
    };
    assertTrue(refusal.apply(new PutBatch("jobs", List.of(), producer.getRef())).contains("empty PutBatch"));
    List<Message> oneTooBig = new java.util.ArrayList<>(batch(1, 2));
    oneTooBig.add(new Message("p1:big", "x".repeat(256 * 1024 + 1)));
    String tooBig = refusal.apply(new PutBatch("jobs", oneTooBig, producer.getRef()));
    assertTrue(tooBig.contains("[p1:big]") && tooBig.contains("max-message-bytes"), tooBig);
    String tooMany = refusal.apply(new PutBatch("jobs", batch(1, 501), producer.getRef()));
    assertTrue(tooMany.contains("501") && tooMany.contains("max-batch"), tooMany);
    assertTrue(refusal.apply(new Fetch("jobs", 0, Duration.ofSeconds(1), producer.getRef())).contains("ask for 1..500"));
    assertTrue(refusal.apply(new AckBatch("jobs", List.of(), producer.getRef())).contains("empty AckBatch"));
    assertTrue(refusal.apply(new Fetch("n2/jobs", 1, Duration.ofSeconds(1), producer.getRef())).contains("only PUT and PutBatch are routed"));
    assertTrue(refusal.apply(new PutBatch("n2/jobs", List.of(), producer.getRef())).contains("empty PutBatch"),
        "a routed batch is checked like a local one");
    qm.tell(new Poll("jobs", consumer.getRef()));
    assertEquals(new Empty("jobs"), consumer.receiveMessage(), "a refused batch put nothing");
  }
}
