package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.LogProtocol.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A consumer-group member ({@link LogConsumer}) is at-least-once towards its handler: it commits
 * a record only after the handler confirmed it (review 2026-12-reliability, F8). First against a
 * probe standing in for the log, then against a real journaled topic with a member that dies
 * between delivery and confirmation.
 */
class LogConsumerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stopKits() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  private ActorTestKit kit() {
    ActorTestKit kit = ActorTestKit.create("consumer-" + kits.size(), PersistentQueueTest.config(dir, "n1"));
    kits.add(kit);
    return kit;
  }

  @Test
  void aHandlerThatNeverConfirmsGetsItsRecordsButTheGroupCommitsNothing() {
    ActorTestKit kit = kit();
    TestProbe<LogProtocol.Command> log = kit.createTestProbe();
    TestProbe<LogConsumer.Delivered> handler = kit.createTestProbe();
    kit.spawn(LogConsumer.create(log.getRef(), "orders", "billing", "m1", handler.getRef(), Duration.ofSeconds(5), 10));
    Join join = log.expectMessageClass(Join.class, WAIT);
    join.replyTo().tell(new Assignment("orders", "billing", "m1", List.of(0), 1));
    FetchCommitted fetch = log.expectMessageClass(FetchCommitted.class, WAIT);
    fetch.replyTo().tell(new Offset("orders", "billing", 0, 0));
    Read read = log.expectMessageClass(Read.class, WAIT);
    read.replyTo().tell(new Records("orders", 0, 0, List.of(new Entry(0, "k", "p:1", "a"), new Entry(1, "k", "p:2", "b")), 2));
    LogConsumer.Delivered first = handler.expectMessageClass(LogConsumer.Delivered.class, WAIT);
    LogConsumer.Delivered second = handler.expectMessageClass(LogConsumer.Delivered.class, WAIT);
    assertEquals(List.of("p:1", "p:2"), List.of(first.entry().msgId(), second.entry().msgId()));
    // The handler has not confirmed: committing now would lose both records if its node died.
    List<LogProtocol.Command> sent = log.receiveSeveralMessages(0, Duration.ZERO);
    long deadline = System.nanoTime() + Duration.ofMillis(800).toNanos();
    List<Object> commits = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      try {
        LogProtocol.Command c = log.receiveMessage(Duration.ofMillis(100));
        if (c instanceof Commit) commits.add(c);
      } catch (AssertionError nothing) {
        // no message within 100 ms
      }
    }
    assertEquals(List.of(), commits, "commits sent before the handler confirmed anything (already sent: " + sent + ")");

    // Confirmed one by one: the group commits up to the first unconfirmed record, as this member of generation 1.
    first.confirm();
    Commit c1 = log.expectMessageClass(Commit.class, WAIT);
    assertEquals(List.of("m1", 1, 0, 1L), List.of(c1.member(), c1.generation(), c1.partition(), c1.offset()), c1.toString());
    second.confirm();
    assertEquals(2, log.expectMessageClass(Read.class, WAIT).from(), "the next batch is read once the whole batch is confirmed");
    c1.replyTo().tell(new CommitAck("orders", "billing", 0, 1));
    assertEquals(2, log.expectMessageClass(Commit.class, WAIT).offset(), "one commit in flight at a time; then the rest");
  }

  @Test
  void recordsLeftUnconfirmedAreHandedOverAgainAfterTheRedeliveryTimeout() {
    ActorTestKit kit = kit();
    TestProbe<LogProtocol.Command> log = kit.createTestProbe();
    TestProbe<LogConsumer.Delivered> handler = kit.createTestProbe();
    kit.spawn(LogConsumer.create(log.getRef(), "orders", "billing", "m1", handler.getRef(), Duration.ofSeconds(5), 10,
        Duration.ofMillis(300)));
    log.expectMessageClass(Join.class, WAIT).replyTo().tell(new Assignment("orders", "billing", "m1", List.of(0), 1));
    log.expectMessageClass(FetchCommitted.class, WAIT).replyTo().tell(new Offset("orders", "billing", 0, 0));
    log.expectMessageClass(Read.class, WAIT).replyTo()
        .tell(new Records("orders", 0, 0, List.of(new Entry(0, "k", "p:1", "a"), new Entry(1, "k", "p:2", "b")), 2));
    handler.expectMessageClass(LogConsumer.Delivered.class, WAIT).confirm();
    assertEquals("p:2", handler.expectMessageClass(LogConsumer.Delivered.class, WAIT).entry().msgId());
    assertEquals(1, log.expectMessageClass(Commit.class, WAIT).offset());
    assertEquals("p:2", handler.expectMessageClass(LogConsumer.Delivered.class, WAIT).entry().msgId(),
        "the unconfirmed record is handed over again; the confirmed one is not");
  }

  @Test
  void aRecordDeliveredToAMemberThatDiesBeforeConfirmingIsDeliveredAgainToTheMemberThatTakesOver() {
    ActorTestKit kit = kit();
    ActorRef<LogProtocol.Command> log = kit.spawn(LogManager.create(LogSettings.defaults().withTopic("audit", 1), "n1"), "event-log");
    TestProbe<Reply> producer = kit.createTestProbe();
    for (int i = 1; i <= 3; i++) {
      log.tell(new Append("audit", null, "p:" + i, "record " + i, producer.getRef()));
      producer.expectMessageClass(AppendAck.class, Duration.ofSeconds(30)); // the first waits for the store to open
    }
    TestProbe<LogConsumer.Delivered> atA = kit.createTestProbe();
    TestProbe<LogConsumer.Delivered> atB = kit.createTestProbe();
    TestProbe<Reply> commits = kit.createTestProbe();
    ActorRef<LogConsumer.Command> a =
        kit.spawn(LogConsumer.create(log, "audit", "billing", "a", atA.getRef(), Duration.ofMillis(50), 10), "member-a");
    List<String> handedToA = new ArrayList<>();
    for (int i = 0; i < 3; i++) handedToA.add(atA.expectMessageClass(LogConsumer.Delivered.class, WAIT).entry().msgId());
    assertEquals(List.of("p:1", "p:2", "p:3"), handedToA);
    // b joins and gets nothing (one partition, a sorts first); then a dies before its handler confirmed anything.
    kit.spawn(LogConsumer.create(log, "audit", "billing", "b", atB.getRef(), Duration.ofMillis(50), 10), "member-b");
    atB.expectNoMessage(Duration.ofMillis(300));
    kit.stop(a);
    List<String> handedToB = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try {
        handedToB.add(atB.expectMessageClass(LogConsumer.Delivered.class, WAIT).entry().msgId());
      } catch (AssertionError none) {
        fail("after the hand-over b got " + handedToB + "; the records a never confirmed must be delivered again: " + none.getMessage());
      }
    }
    assertEquals(List.of("p:1", "p:2", "p:3"), handedToB);
    log.tell(new FetchCommitted("audit", "billing", 0, commits.getRef()));
    assertEquals(0, commits.expectMessageClass(Offset.class, WAIT).offset(), "nothing was committed before b confirmed");
  }
}
