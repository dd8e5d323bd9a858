package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
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
 * The event log between TestKit probes, journaled in H2 files under a temporary directory:
 * appends and offsets, replay, consumer groups and their assignment, every bad input, and a
 * restart of the whole ActorSystem on the same store.
 */
class TopicLogTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stopKits() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  private ActorTestKit kit() {
    Config config = PersistentQueueTest.config(dir, "n1");
    ActorTestKit kit = ActorTestKit.create("log-" + kits.size(), config);
    kits.add(kit);
    return kit;
  }

  private static LogSettings settings() {
    return LogSettings.defaults().withTopic("orders", 3).withTopic("audit", 1).withMaxRecordBytes(1000);
  }

  private static ActorRef<LogProtocol.Command> log(ActorTestKit kit) {
    return opened(kit, kit.spawn(LogManager.create(settings(), "n1"), "event-log"));
  }

  /** Waits until the log answers (its store open, its topics replayed): slow on a loaded machine, so the tests' own waits stay short. */
  private static ActorRef<LogProtocol.Command> opened(ActorTestKit kit, ActorRef<LogProtocol.Command> log) {
    TestProbe<Reply> p = kit.createTestProbe();
    log.tell(new Read("audit", 0, 0, 1, p.getRef()));
    p.expectMessageClass(Records.class, Duration.ofSeconds(60));
    return log;
  }

  private static AppendAck append(ActorRef<LogProtocol.Command> log, TestProbe<Reply> p, String topic, String key, String id) {
    log.tell(new Append(topic, key, id, "value of " + id, p.getRef()));
    return p.expectMessageClass(AppendAck.class, WAIT);
  }

  @Test
  void appendsOfOneKeyGetConsecutiveOffsetsInOnePartition() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    AppendAck first = append(log, p, "orders", "customer-1", "p:1");
    for (int i = 2; i <= 5; i++) {
      AppendAck a = append(log, p, "orders", "customer-1", "p:" + i);
      assertEquals(first.partition(), a.partition());
      assertEquals(i - 1, a.offset());
    }
    log.tell(new Read("orders", first.partition(), 0, 100, p.getRef()));
    Records r = p.expectMessageClass(Records.class, WAIT);
    assertEquals(List.of("p:1", "p:2", "p:3", "p:4", "p:5"), r.records().stream().map(Entry::msgId).toList());
    assertEquals(5, r.end());
  }

  @Test
  void keylessAppendsGoRoundRobinAndARetryAnswersTheFirstOffset() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    List<Integer> partitions = new ArrayList<>();
    for (int i = 1; i <= 6; i++) partitions.add(append(log, p, "orders", null, "p:" + i).partition());
    assertEquals(List.of(0, 1, 2, 0, 1, 2), partitions);
    AppendAck again = append(log, p, "orders", null, "p:2");
    assertEquals(new AppendAck("orders", "p:2", 1, 0), again, "a retried append is not a second record");
    log.tell(new Read("orders", 1, 0, 10, p.getRef()));
    assertEquals(2, p.expectMessageClass(Records.class, WAIT).records().size());
  }

  @Test
  void appendsArrivingTogetherAreJournaledTogetherInArrivalOrder() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    for (int i = 1; i <= 60; i++) log.tell(new Append("orders", null, "p:" + i, "v" + i, p.getRef()));
    log.tell(new Append("orders", null, "p:5", "v5", p.getRef()));                 // a retry in the same burst
    log.tell(new Append("orders", null, "p:61", "x".repeat(1001), p.getRef()));  // refused, the rest goes on
    java.util.Map<String, AppendAck> acks = new java.util.HashMap<>();
    List<Reply> replies = p.receiveSeveralMessages(62, WAIT);
    for (Reply r : replies) {
      if (r instanceof AppendAck a) {
        AppendAck before = acks.putIfAbsent(a.msgId(), a);
        if (before != null) assertEquals(before, a, "a retry answers the first offset");
      } else {
        assertEquals("p:61", ((Refused) r).msgId(), "only the oversized record is refused: " + r);
      }
    }
    assertEquals(60, acks.size());
    for (int i = 1; i <= 60; i++) {
      AppendAck a = acks.get("p:" + i);
      assertEquals((i - 1) % 3, a.partition(), "round-robin in arrival order: " + a);
      assertEquals((i - 1) / 3, a.offset(), "gapless offsets: " + a);
    }
  }

  @Test
  void anyoneCanReplayFromAnyOffsetAsOftenAsTheyLike() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    for (int i = 1; i <= 10; i++) append(log, p, "audit", null, "p:" + i);
    TestProbe<Reply> reader1 = kit.createTestProbe();
    TestProbe<Reply> reader2 = kit.createTestProbe();
    log.tell(new Read("audit", 0, 4, 3, reader1.getRef()));
    log.tell(new Read("audit", 0, 4, 3, reader2.getRef()));
    Records r1 = reader1.expectMessageClass(Records.class, WAIT);
    assertEquals(List.of(4L, 5L, 6L), r1.records().stream().map(Entry::offset).toList());
    assertEquals(r1, reader2.expectMessageClass(Records.class, WAIT), "two readers of one offset see the same records");
    log.tell(new Read("audit", 0, 0, 100, reader1.getRef()));
    assertEquals(10, reader1.expectMessageClass(Records.class, WAIT).records().size(), "reading consumed nothing");
    log.tell(new Read("audit", 0, 10, 5, reader1.getRef()));
    assertEquals(List.of(), reader1.expectMessageClass(Records.class, WAIT).records(), "the end offset: nothing new yet");
  }

  @Test
  void everyBadInputIsRefusedNamingWhatIsValid() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    append(log, p, "audit", null, "p:1");

    log.tell(new Append("nope", null, "p:2", "v", p.getRef()));
    assertEquals(new Refused("nope", "p:2", "no topic [nope] on this node; topics: [audit, orders]"), p.expectMessageClass(Refused.class, WAIT));

    log.tell(new Read("orders", 3, 0, 1, p.getRef()));
    assertEquals("topic [orders] has no partition 3; valid partitions are 0..2", p.expectMessageClass(Refused.class, WAIT).reason());

    log.tell(new Read("audit", 0, 2, 1, p.getRef()));
    assertEquals("offset 2 is out of range for topic [audit] partition 0; valid offsets are 0..1 (1 is the end: the next record's offset)",
        p.expectMessageClass(Refused.class, WAIT).reason());

    log.tell(new Append("audit", null, "p:3", "x".repeat(1001), p.getRef()));
    assertEquals(new Refused("audit", "p:3", "record [p:3] of 1001 bytes exceeds sidis.mom.log.max-record-bytes = 1000"),
        p.expectMessageClass(Refused.class, WAIT));

    log.tell(Commit.standalone("audit", "g", 0, 5, p.getRef()));
    assertTrue(p.expectMessageClass(Refused.class, WAIT).reason().contains("valid offsets are 0..1"));

    log.tell(new Read("audit", 0, 0, 0, p.getRef()));
    assertEquals("a read needs max ≥ 1, got 0", p.expectMessageClass(Refused.class, WAIT).reason());

    log.tell(new Join("audit", "", "m", p.getRef()));
    assertTrue(p.expectMessageClass(Refused.class, WAIT).reason().startsWith("a join needs a group and a member name"));

    log.tell(new Read("audit", 0, 0, 10, p.getRef()));
    assertEquals(1, p.expectMessageClass(Records.class, WAIT).records().size(), "nothing refused was appended");
  }

  @Test
  void aGroupsPartitionsAreSharedAmongItsMembersAndReassignedWhenOneStops() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> a = kit.createTestProbe();
    TestProbe<Reply> b = kit.createTestProbe();
    log.tell(new Join("orders", "billing", "a", a.getRef()));
    assertEquals(new Assignment("orders", "billing", "a", List.of(0, 1, 2), 1), a.expectMessageClass(Assignment.class, WAIT));
    log.tell(new Join("orders", "billing", "b", b.getRef()));
    assertEquals(List.of(0, 1), a.expectMessageClass(Assignment.class, WAIT).partitions());
    assertEquals(new Assignment("orders", "billing", "b", List.of(2), 2), b.expectMessageClass(Assignment.class, WAIT));
    TestProbe<Reply> other = kit.createTestProbe();
    log.tell(new Join("orders", "audit", "x", other.getRef()));
    assertEquals(List.of(0, 1, 2), other.expectMessageClass(Assignment.class, WAIT).partitions(), "groups are independent");
    a.stop();
    assertEquals(new Assignment("orders", "billing", "b", List.of(0, 1, 2), 3), b.expectMessageClass(Assignment.class, WAIT),
        "a member whose actor stopped leaves the group");
    other.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * A member that lost a partition in a rebalance (a zombie: paused, or behind on its mail) must
   * not move the group's offset of that partition any more: its commit is refused, naming the
   * generations (review 2026-12-reliability, F8, "commits are not fenced by generation").
   */
  @Test
  void aCommitFromAMemberThatLostThePartitionInARebalanceIsFenced() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    for (int i = 1; i <= 3; i++) append(log, p, "orders", null, "p:" + i);
    TestProbe<Reply> a = kit.createTestProbe();
    TestProbe<Reply> b = kit.createTestProbe();
    log.tell(new Join("orders", "billing", "a", a.getRef()));
    assertEquals(List.of(0, 1, 2), a.expectMessageClass(Assignment.class, WAIT).partitions());
    log.tell(new Join("orders", "billing", "b", b.getRef()));
    assertEquals(List.of(0, 1), a.expectMessageClass(Assignment.class, WAIT).partitions());
    assertEquals(List.of(2), b.expectMessageClass(Assignment.class, WAIT).partitions());
    // a, still in generation 1, commits partition 2, which b owns since generation 2.
    log.tell(new Commit("orders", "billing", "a", 1, 2, 1, a.getRef()));
    Reply r = a.receiveMessage(WAIT);
    assertFalse(r instanceof CommitAck, "a commit of generation 1 by a member that lost the partition was taken: " + r);
    Fenced f = assertInstanceOf(Fenced.class, r);
    assertEquals(new Fenced("orders", "billing", 2, 1, 1, 2, "b", "commit of partition 2 offset 1 fenced: member [a] of"
        + " generation 1 is stale: group [billing] is at generation 2, where partition 2 belongs to [b]"), f);
    // Of the current generation, but not a's partition; nor may anyone commit without being a member.
    log.tell(new Commit("orders", "billing", "a", 2, 2, 1, a.getRef()));
    assertTrue(a.expectMessageClass(Fenced.class, WAIT).reason().endsWith("member [a] of generation 2 does not own partition 2"
        + " of group [billing]; [b] does"));
    log.tell(Commit.standalone("orders", "billing", 2, 1, p.getRef()));
    assertTrue(p.expectMessageClass(Fenced.class, WAIT).reason().contains("which has members [a, b] in generation 2"));
    // The owners commit their own partitions.
    log.tell(new Commit("orders", "billing", "b", 2, 2, 1, b.getRef()));
    assertEquals(new CommitAck("orders", "billing", 2, 1), b.expectMessageClass(CommitAck.class, WAIT));
    log.tell(new Commit("orders", "billing", "a", 2, 0, 1, a.getRef()));
    assertEquals(new CommitAck("orders", "billing", 0, 1), a.expectMessageClass(CommitAck.class, WAIT));
    log.tell(new FetchCommitted("orders", "billing", 2, p.getRef()));
    assertEquals(1, p.expectMessageClass(Offset.class, WAIT).offset(), "only b's commit moved partition 2");
  }

  @Test
  void aZombieStillInTheCurrentGenerationsBookkeepingButCommittingFromAnotherAddressIsFenced() {
    ActorTestKit kit = kit();
    var log = log(kit);
    TestProbe<Reply> p = kit.createTestProbe();
    append(log, p, "audit", null, "p:1");
    TestProbe<Reply> a = kit.createTestProbe();
    TestProbe<Reply> impostor = kit.createTestProbe();
    log.tell(new Join("audit", "billing", "a", a.getRef()));
    assertEquals(1, a.expectMessageClass(Assignment.class, WAIT).generation());
    log.tell(new Commit("audit", "billing", "a", 1, 0, 1, impostor.getRef()));
    assertTrue(impostor.expectMessageClass(Fenced.class, WAIT).reason().contains("not from the address it joined group [billing] with"));
  }

  @Test
  void recordsAndCommittedOffsetsSurviveARestartOfTheActorSystem() {
    ActorTestKit first = kit();
    var log = log(first);
    TestProbe<Reply> p = first.createTestProbe();
    List<AppendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 20; i++) acks.add(append(log, p, "orders", i % 2 == 0 ? "even" : null, "p:" + i));
    log.tell(Commit.standalone("orders", "billing", acks.get(4).partition(), acks.get(4).offset() + 1, p.getRef()));
    p.expectMessageClass(CommitAck.class, WAIT);
    first.shutdownTestKit();

    ActorTestKit second = kit();
    var again = log(second);
    TestProbe<Reply> q = second.createTestProbe();
    for (AppendAck a : acks) {
      again.tell(new Read("orders", a.partition(), a.offset(), 1, q.getRef()));
      Records r = q.expectMessageClass(Records.class, WAIT);
      assertEquals(a.msgId(), r.records().get(0).msgId(), "record " + a.msgId() + " at partition " + a.partition() + " offset " + a.offset());
    }
    again.tell(new FetchCommitted("orders", "billing", acks.get(4).partition(), q.getRef()));
    assertEquals(acks.get(4).offset() + 1, q.expectMessageClass(Offset.class, WAIT).offset(), "the group resumes where it committed");
    AppendAck next = append(again, q, "orders", null, "p:21");
    long before = acks.stream().filter(a -> a.partition() == next.partition()).count();
    assertEquals(before, next.offset(), "offsets go on without a gap after the restart");
    assertEquals(acks.get(2), append(again, q, "orders", null, "p:3"), "a retry after the restart still answers the first offset");
  }

  /**
   * Review 2026-12-reliability, "a config change poisons the replay": the records were stored
   * under max-record-bytes = 1000; after a restart with 50 they must all come back (recovery
   * used to throw on each and loop in restart backoff), and only new appends obey the new limit.
   */
  @Test
  void aLoweredMaxRecordBytesAppliesToNewAppendsOnlyNotToTheReplay() {
    ActorTestKit first = kit();
    var log = log(first);
    TestProbe<Reply> p = first.createTestProbe();
    for (int i = 1; i <= 3; i++) {
      log.tell(new Append("audit", null, "p:" + i, "x".repeat(100), p.getRef()));
      assertEquals(i - 1, p.expectMessageClass(AppendAck.class, Duration.ofSeconds(30)).offset()); // the first waits for the store
    }
    first.shutdownTestKit();

    ActorTestKit second = kit();
    var again = opened(second, second.spawn(LogManager.create(settings().withMaxRecordBytes(50), "n1"), "event-log"));
    TestProbe<Reply> q = second.createTestProbe();
    // A read carries at most one largest record's bytes (Artery's frame), so these come one per read.
    List<String> replayed = new ArrayList<>();
    while (replayed.size() < 3) {
      again.tell(new Read("audit", 0, replayed.size(), 10, q.getRef()));
      Reply r = q.receiveMessage(WAIT);
      assertInstanceOf(Records.class, r, "the topic must come back after the restart, got " + r + " after " + replayed);
      assertFalse(((Records) r).records().isEmpty(), "the replay lost records: got only " + replayed);
      ((Records) r).records().forEach(e -> replayed.add(e.msgId()));
    }
    assertEquals(List.of("p:1", "p:2", "p:3"), replayed, "yesterday's records, stored under yesterday's limit");
    again.tell(new Append("audit", null, "p:4", "x".repeat(100), q.getRef()));
    assertEquals(new Refused("audit", "p:4", "record [p:4] of 100 bytes exceeds sidis.mom.log.max-record-bytes = 50"),
        q.expectMessageClass(Refused.class, WAIT));
    again.tell(new Append("audit", null, "p:5", "small", q.getRef()));
    assertEquals(3, q.expectMessageClass(AppendAck.class, WAIT).offset());
  }

  /**
   * Review 2026-12-reliability, "a config change poisons the replay": lowering a topic's
   * partition count made recovery throw (records in a partition that no longer exists) and
   * raising it silently re-hashed keys. A changed count is refused at start, naming the topic
   * and both counts; the other topics open; the old count opens the topic again, intact.
   */
  @Test
  void aTopicsPartitionCountChangedBetweenRestartsIsRefusedNamingBothCountsAndTheOtherTopicsOpen() {
    ActorTestKit first = kit();
    var log = log(first);
    TestProbe<Reply> p = first.createTestProbe();
    List<AppendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 9; i++) acks.add(append(log, p, "orders", null, "p:" + i)); // round-robin: all three partitions
    first.shutdownTestKit();

    for (int changed : List.of(2, 4)) {
      ActorTestKit restarted = kit();
      var again = opened(restarted, restarted.spawn(LogManager.create(settings().withTopic("orders", changed), "n1"), "event-log"));
      TestProbe<Reply> q = restarted.createTestProbe();
      again.tell(new Append("orders", "customer-1", "p:new", "v", q.getRef()));
      Reply r = q.receiveMessage(Duration.ofSeconds(20));
      assertEquals(new Refused("orders", "p:new", "topic [orders] was created with 3 partitions, but sidis.mom.log.topics now gives"
          + " it " + changed + "; a topic's partition count cannot change (its keys would move to other partitions and lose their"
          + " order): set it back to 3 or use a new topic"), r, "with " + changed + " partitions configured");
      again.tell(new Read("orders", 0, 0, 10, q.getRef()));
      assertInstanceOf(Refused.class, q.receiveMessage(WAIT), "nothing of the topic is served while refused");
      assertEquals(0, append(again, q, "audit", null, "a:1").offset(), "the other topics open as usual");
      restarted.shutdownTestKit();
    }

    ActorTestKit back = kit();
    var log3 = log(back);
    TestProbe<Reply> q = back.createTestProbe();
    for (AppendAck a : acks) {
      log3.tell(new Read("orders", a.partition(), a.offset(), 1, q.getRef()));
      assertEquals(a.msgId(), q.expectMessageClass(Records.class, WAIT).records().get(0).msgId());
    }
    assertEquals(3, append(log3, q, "orders", null, "p:10").offset(), "with its own count again, the topic goes on");
  }

  @Test
  void everyWireMessageAndJournalEventOfTheLogCrossesAkkasSerializer() {
    ActorTestKit kit = kit();
    TestProbe<Reply> p = kit.createTestProbe();
    List<Object> wire = List.of(
        new Append("orders", "k", "p:1", "v", p.getRef()),
        new Append("orders", null, "p:1", "v", p.getRef()),
        new Read("orders", 1, 7, 100, p.getRef()),
        new Commit("orders", "g", "m", 3, 1, 8, p.getRef()),
        Commit.standalone("orders", "g", 1, 8, p.getRef()),
        new FetchCommitted("orders", "g", 1, p.getRef()),
        new Join("orders", "g", "m", p.getRef()),
        new Leave("orders", "g", "m", p.getRef()),
        new AppendAck("orders", "p:1", 1, 7),
        new Records("orders", 1, 7, List.of(new Entry(7, "k", "p:1", "v"), new Entry(8, null, "p:2", "w")), 9),
        new CommitAck("orders", "g", 1, 8),
        new Offset("orders", "g", 1, 8),
        new Assignment("orders", "g", "m", List.of(0, 2), 3),
        new Refused("orders", null, "why"),
        new Fenced("orders", "g", 1, 8, 2, 3, null, "why"),
        new LogConsumer.Delivered("orders", "g", 1, new Entry(7, "k", "p:1", "v"), kit.<LogConsumer.Handled>createTestProbe().getRef()),
        new LogConsumer.Handled("orders", 1, 7),
        new TopicLog.RecordAppended(1, null, "p:1", "v"),
        new TopicLog.OffsetCommitted("g", 1, 8),
        new TopicLog.TopicCreated(3));
    org.sidis.node.WireRoundTrip.assertEachCrossesJacksonCbor(kit.system(), wire);
  }
}
