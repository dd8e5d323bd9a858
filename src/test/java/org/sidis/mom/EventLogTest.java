package org.sidis.mom;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The event log's rules as a value: offsets, replay, consumer groups, bad input. */
class EventLogTest {

  private final EventLog log = new EventLog("orders", 3, 100);

  @Test
  void offsetsInAPartitionStartAtZeroAndHaveNoGaps() {
    for (int i = 0; i < 5; i++) {
      EventLog.Position p = log.append(1, "k", "m" + i, "v" + i);
      assertEquals(new EventLog.Position(1, i, false), p);
    }
    assertEquals(5, log.endOffset(1));
    assertEquals(0, log.endOffset(0), "other partitions are untouched");
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), log.read(1, 0, 100).stream().map(EventLog.Record::offset).toList());
  }

  @Test
  void recordsWithOneKeyGoToOnePartitionInOrder() {
    int p = log.partitionFor("customer-7");
    for (int i = 0; i < 10; i++) assertEquals(p, log.append("customer-7", "m" + i, "v" + i).partition());
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"),
        log.read(p, 0, 100).stream().map(EventLog.Record::value).toList());
  }

  @Test
  void recordsWithoutAKeyGoRoundRobin() {
    List<Integer> partitions = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) partitions.add(log.append(null, "m" + i, "v").partition());
    assertEquals(List.of(0, 1, 2, 0, 1, 2), partitions);
  }

  @Test
  void readingDoesNotConsumeSoAnyoneCanReplayFromAnyOffset() {
    for (int i = 0; i < 10; i++) log.append(0, null, "m" + i, "v" + i);
    List<EventLog.Record> first = log.read(0, 0, 10);
    assertEquals(first, log.read(0, 0, 10), "a second read from 0 sees the same records");
    assertEquals(List.of("v7", "v8", "v9"), log.read(0, 7, 10).stream().map(EventLog.Record::value).toList());
    assertEquals(List.of("v3", "v4"), log.read(0, 3, 2).stream().map(EventLog.Record::value).toList(), "max bounds a read");
    assertEquals(List.of(), log.read(0, 10, 5), "the end offset is a valid place to wait for news");
  }

  @Test
  void aRetriedAppendAnswersTheFirstOffsetAndAddsNothing() {
    EventLog.Position first = log.append("k", "m1", "v");
    EventLog.Position again = log.append("k", "m1", "v");
    assertEquals(first.offset(), again.offset());
    assertEquals(first.partition(), again.partition());
    assertTrue(again.retry());
    assertEquals(1, log.endOffset(first.partition()));
  }

  @Test
  void aGroupResumesFromItsCommittedOffsetAndGroupsAreIndependent() {
    for (int i = 0; i < 4; i++) log.append(2, null, "m" + i, "v");
    assertEquals(0, log.committed("billing", 2), "a group that never committed starts at 0");
    log.commit("billing", 2, 3);
    assertEquals(3, log.committed("billing", 2));
    assertEquals(0, log.committed("audit", 2), "another group keeps its own offsets");
    log.commit("billing", 2, 1);
    assertEquals(1, log.committed("billing", 2), "a group may rewind to replay");
  }

  @Test
  void partitionsAreSharedAmongAGroupsMembersInRanges() {
    assertEquals(Map.of("a", List.of(0, 1), "b", List.of(2, 3), "c", List.of(4)),
        EventLog.assign(List.of("c", "a", "b"), 5));
    assertEquals(Map.of("a", List.of(0), "b", List.of(), "c", List.of()), EventLog.assign(List.of("a", "b", "c"), 1),
        "a member beyond the partition count reads nothing");
    Map<String, List<Integer>> six = EventLog.assign(List.of("x", "y", "z", "w"), 6);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), six.values().stream().flatMap(List::stream).sorted().toList(),
        "every partition has exactly one member");
  }

  @Test
  void anUnknownPartitionIsRefusedNamingTheValidOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> log.read(3, 0, 1));
    assertEquals("topic [orders] has no partition 3; valid partitions are 0..2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> log.append(-1, null, "m", "v"));
    assertThrows(IllegalArgumentException.class, () -> log.commit("g", 7, 0));
  }

  @Test
  void anOffsetOutOfRangeIsRefusedNamingTheValidRange() {
    log.append(0, null, "m0", "v");
    log.append(0, null, "m1", "v");
    var past = assertThrows(IllegalArgumentException.class, () -> log.read(0, 3, 1));
    assertEquals("offset 3 is out of range for topic [orders] partition 0; valid offsets are 0..2 (2 is the end: the next record's offset)",
        past.getMessage());
    assertThrows(IllegalArgumentException.class, () -> log.read(0, -1, 1));
    var commit = assertThrows(IllegalArgumentException.class, () -> log.commit("g", 0, 5));
    assertTrue(commit.getMessage().contains("valid offsets are 0..2"), commit.getMessage());
  }

  @Test
  void anOversizedRecordIsRefusedAndNotAppended() {
    String big = "x".repeat(101);
    assertEquals("record [m] of 101 bytes exceeds sidis.mom.log.max-record-bytes = 100", log.refusal("m", big));
    assertThrows(IllegalArgumentException.class, () -> log.append("k", "m", big));
    assertEquals(0, log.endOffset(log.partitionFor("k")));
    assertNotNull(log.refusal("", "v"), "a record needs an id");
  }

  @Test
  void aTopicNeedsAtLeastOnePartition() {
    assertThrows(IllegalArgumentException.class, () -> new EventLog("t", 0, 10));
  }
}
