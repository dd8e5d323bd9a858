package org.sidis.mom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One topic of an event log as a plain value (no threads, no Akka): the event streaming of the
 * notes (Kafka's model). A topic has a fixed number of partitions; each partition is an
 * append-only sequence of records whose offsets are 0, 1, 2, … without gaps. A record with a key
 * goes to the partition the key hashes to, so one key's records keep their order; a record
 * without a key goes round-robin. Reading does not consume: anyone reads any partition from any
 * offset, as often as they like (replay). A consumer group remembers, per partition, the offset
 * it has committed — the next one it will read — so a member that restarts resumes there.
 *
 * <p>A retried append (same {@code msgId}) is not a second record: it answers the offset the
 * first one got (idempotent producer).
 *
 * <p>Every bad input is an {@link IllegalArgumentException} whose message names the valid range;
 * the actor shell answers it as a refusal.
 */
public final class EventLog {

  /** A stored record: its place in its partition, the producer's key (may be null), id and value. */
  public record Record(int partition, long offset, String key, String msgId, String value) {}

  /** Where an append landed; {@code retry} when the record was already there. */
  public record Position(int partition, long offset, boolean retry) {}

  private final String topic;
  private final List<List<Record>> partitions = new ArrayList<>();
  private final int maxRecordBytes;
  private final Map<String, Position> byMsgId = new HashMap<>();
  /** group → partition → committed offset (the next offset that group reads). */
  private final Map<String, TreeMap<Integer, Long>> committed = new HashMap<>();
  private int nextRoundRobin;
  private int createdWith;
  /** The largest value stored, in UTF-8 bytes: after a lowered limit, older records may exceed today's. */
  private int largestValueBytes;

  public EventLog(String topic, int partitions, int maxRecordBytes) {
    if (topic == null || topic.isBlank()) throw new IllegalArgumentException("a topic needs a name");
    if (partitions < 1) throw new IllegalArgumentException("topic [" + topic + "] needs at least 1 partition, got " + partitions);
    if (maxRecordBytes < 1) throw new IllegalArgumentException("max record size must be positive, got " + maxRecordBytes);
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    for (int i = 0; i < partitions; i++) this.partitions.add(new ArrayList<>());
  }

  public String topic() {
    return topic;
  }

  public int partitionCount() {
    return partitions.size();
  }

  /**
   * The partition a new record goes to: by key hash, or the next in turn without a key. It does
   * not advance the round-robin turn; {@link #append} does, so a replayed journal lands the same.
   */
  public int partitionFor(String key) {
    if (key == null) return nextRoundRobin;
    return Math.floorMod(key.hashCode(), partitions.size());
  }

  /** Checks an append without doing it: the reason it would be refused, or null. */
  public String refusal(String msgId, String value) {
    if (msgId == null || msgId.isBlank()) return "a record needs a msgId";
    if (value == null) return "record [" + msgId + "] has no value";
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxRecordBytes) {
      return "record [" + msgId + "] of " + bytes + " bytes exceeds sidis.mom.log.max-record-bytes = " + maxRecordBytes;
    }
    return null;
  }

  /** The position of an earlier append of this id, if there was one. */
  public Position appended(String msgId) {
    Position p = byMsgId.get(msgId);
    return p == null ? null : new Position(p.partition(), p.offset(), true);
  }

  /** Appends a record to the partition of its key (round-robin without one) and returns its offset. */
  public Position append(String key, String msgId, String value) {
    Position earlier = appended(msgId);
    if (earlier != null) return earlier;
    return append(partitionFor(key), key, msgId, value);
  }

  /** Appends to a given partition, under today's limits. */
  public Position append(int partition, String key, String msgId, String value) {
    checkPartition(partition);
    Position earlier = appended(msgId);
    if (earlier != null) return earlier;
    String why = refusal(msgId, value);
    if (why != null) throw new IllegalArgumentException(why);
    return place(partition, key, msgId, value);
  }

  /**
   * Puts back a record the journal replays, where it was stored. Yesterday's records are
   * never judged by today's limits: a record stored under a larger {@code max-record-bytes}, or
   * in a partition beyond today's count, comes back as it was (the topic then refuses to start
   * when the counts differ: see {@link #partitionCountChange}). Review 2026-12-reliability:
   * replaying through {@link #append} made recovery throw and loop in restart backoff.
   */
  public void restore(int partition, String key, String msgId, String value) {
    if (partition < 0) throw new IllegalArgumentException("a journaled record of topic [" + topic + "] in partition " + partition);
    while (partitions.size() <= partition) partitions.add(new ArrayList<>());
    if (appended(msgId) == null) place(partition, key, msgId, value);
  }

  /** Replays the journal's record of the partition count the topic was created with. */
  public void restoreCreated(int partitions) {
    while (this.partitions.size() < partitions) this.partitions.add(new ArrayList<>());
    createdWith = partitions;
  }

  /** The partition count the journal says the topic was created with; 0 when it does not say. */
  public int createdWith() {
    return createdWith;
  }

  /**
   * Why a topic whose journal was replayed into this log cannot be opened with
   * {@code configured} partitions, or null when it can. A topic's partition count is part of
   * its data: a key's records live in the partition its hash picked among that many, so
   * lowering the count strands the records of the partitions dropped and raising it sends a
   * key's new records to another partition than its old ones, breaking per-key order.
   */
  public String partitionCountChange(int configured) {
    int journaled = createdWith;
    if (journaled == 0) {
      for (int p = partitions.size() - 1; p >= 0 && journaled == 0; p--) if (!partitions.get(p).isEmpty()) journaled = p + 1;
      if (journaled <= configured) return null; // a journal of older code says only "at least"
      return "topic [" + topic + "] holds records in " + journaled + " partitions, but sidis.mom.log.topics now gives it "
          + configured + "; a topic's partition count cannot change (its keys would move): set it back to " + journaled
          + " or use a new topic";
    }
    if (journaled == configured) return null;
    return "topic [" + topic + "] was created with " + journaled + " partitions, but sidis.mom.log.topics now gives it "
        + configured + "; a topic's partition count cannot change (its keys would move to other partitions and lose their"
        + " order): set it back to " + journaled + " or use a new topic";
  }

  /** The largest value stored, in UTF-8 bytes (0 when empty). */
  public int largestValueBytes() {
    return largestValueBytes;
  }

  private Position place(int partition, String key, String msgId, String value) {
    largestValueBytes = Math.max(largestValueBytes, value.getBytes(StandardCharsets.UTF_8).length);
    List<Record> p = partitions.get(partition);
    Record r = new Record(partition, p.size(), key, msgId, value);
    p.add(r);
    if (key == null) nextRoundRobin = (partition + 1) % partitions.size();
    Position at = new Position(partition, r.offset(), false);
    byMsgId.put(msgId, at);
    return at;
  }

  /** The offset the next record of {@code partition} will get (its length). */
  public long endOffset(int partition) {
    checkPartition(partition);
    return partitions.get(partition).size();
  }

  /**
   * Up to {@code max} records of {@code partition} from offset {@code from} on. {@code from} may be
   * the end offset (nothing new yet: an empty list); beyond it, or negative, is out of range.
   */
  public List<Record> read(int partition, long from, int max) {
    checkPartition(partition);
    if (max < 1) throw new IllegalArgumentException("a read needs max ≥ 1, got " + max);
    List<Record> p = partitions.get(partition);
    checkOffset(partition, from);
    int to = (int) Math.min(p.size(), from + max);
    return List.copyOf(p.subList((int) from, to));
  }

  /** Checks a commit without doing it: the reason it would be refused, or null. */
  public String commitRefusal(String group, int partition, long offset) {
    try {
      checkGroup(group);
      checkPartition(partition);
      checkOffset(partition, offset);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** Records that {@code group} has consumed {@code partition} up to (not including) {@code offset}. */
  public void commit(String group, int partition, long offset) {
    String why = commitRefusal(group, partition, offset);
    if (why != null) throw new IllegalArgumentException(why);
    committed.computeIfAbsent(group, g -> new TreeMap<>()).put(partition, offset);
  }

  /** The offset {@code group} resumes {@code partition} from: what it committed last, else 0. */
  public long committed(String group, int partition) {
    checkGroup(group);
    checkPartition(partition);
    TreeMap<Integer, Long> g = committed.get(group);
    return g == null ? 0 : g.getOrDefault(partition, 0L);
  }

  /**
   * The partitions each member of a group reads: the sorted members share the partitions in
   * contiguous ranges (Kafka's range assignor), so every partition has exactly one reader in the
   * group and the earlier members get one more when they do not divide evenly. A member beyond
   * the partition count gets none.
   */
  public static Map<String, List<Integer>> assign(List<String> members, int partitions) {
    List<String> sorted = members.stream().distinct().sorted().toList();
    Map<String, List<Integer>> out = new java.util.LinkedHashMap<>();
    if (sorted.isEmpty()) return out;
    int each = partitions / sorted.size();
    int extra = partitions % sorted.size();
    int next = 0;
    for (int i = 0; i < sorted.size(); i++) {
      int n = each + (i < extra ? 1 : 0);
      List<Integer> mine = new ArrayList<>();
      for (int k = 0; k < n; k++) mine.add(next++);
      out.put(sorted.get(i), List.copyOf(mine));
    }
    return out;
  }

  private void checkPartition(int partition) {
    if (partition < 0 || partition >= partitions.size()) {
      throw new IllegalArgumentException("topic [" + topic + "] has no partition " + partition
          + "; valid partitions are 0.." + (partitions.size() - 1));
    }
  }

  private void checkOffset(int partition, long offset) {
    long end = partitions.get(partition).size();
    if (offset < 0 || offset > end) {
      throw new IllegalArgumentException("offset " + offset + " is out of range for topic [" + topic + "] partition "
          + partition + "; valid offsets are 0.." + end + " (" + end + " is the end: the next record's offset)");
    }
  }

  private static void checkGroup(String group) {
    if (group == null || group.isBlank()) throw new IllegalArgumentException("a consumer group needs a name");
  }
}
