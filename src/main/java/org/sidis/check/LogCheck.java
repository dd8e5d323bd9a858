package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The event-log checker: from the {@code append}, {@code read} and {@code commit} events that
 * producers and consumers trace ({@code proto} {@code log}, the topic in {@code group}, with
 * {@code partition} and {@code offset}), per topic:
 * <ul>
 *   <li><b>one record per offset</b>: every reader that read offset o of partition p read the
 *       same message there, and it is the message whose append was acknowledged at (p, o);</li>
 *   <li><b>one offset per record</b>: no message was acknowledged, or read, at two places;</li>
 *   <li><b>gapless</b>: the offsets seen in a partition (appended or read) are 0..n without a hole;</li>
 *   <li><b>no record lost</b>: when the topic was read at all, every acknowledged append was read
 *       at its offset by some reader (read the whole log at the end of the run for this to bind);</li>
 *   <li>commits are counted and must lie within what was seen of the partition;</li>
 *   <li><b>no record lost for a consumer group</b> (at-least-once per group): every record below
 *       the highest offset a group committed in a partition was confirmed by the handler of one of
 *       that group's members ({@code handled}, with the group in {@code consumer_group}). A record
 *       that another reader — an auditor, another group — read does not count for the group: a
 *       commit made before the handler had the record loses it for the group even when the log
 *       still holds it (review 2026-12-reliability, F8). Handling a record twice (a hand-over
 *       between handling and commit) is allowed and counted as a redelivery.</li>
 * </ul>
 */
public final class LogCheck {

  private LogCheck() {}

  public static final String PROPERTY = "event log";

  private record Place(int partition, long offset) implements Comparable<Place> {
    @Override
    public int compareTo(Place o) {
      return partition != o.partition ? Integer.compare(partition, o.partition) : Long.compare(offset, o.offset);
    }

    @Override
    public String toString() {
      return "partition " + partition + " offset " + offset;
    }
  }

  /** One verdict per topic traced in {@code events}. */
  public static List<Verdict> check(List<TraceEvent> events) {
    Map<String, List<TraceEvent>> byTopic = new TreeMap<>();
    for (TraceEvent e : events) {
      if (Events.Proto.LOG.equals(e.proto()) && e.group() != null) byTopic.computeIfAbsent(e.group(), t -> new ArrayList<>()).add(e);
    }
    List<Verdict> verdicts = new ArrayList<>();
    byTopic.forEach((topic, es) -> verdicts.add(checkTopic(topic, es)));
    return verdicts;
  }

  private static Verdict checkTopic(String topic, List<TraceEvent> events) {
    Offences offences = new Offences();
    Map<Place, MessageId> appendedAt = new TreeMap<>();
    Map<MessageId, Place> appendPlace = new HashMap<>();
    Map<Place, MessageId> readAt = new TreeMap<>();
    Map<Place, String> firstReader = new HashMap<>();
    Map<MessageId, Place> readPlace = new HashMap<>();
    Map<Integer, Long> highest = new TreeMap<>();
    TreeSet<String> nodes = new TreeSet<>();
    long reads = 0;
    long commits = 0;
    List<TraceEvent> commitEvents = new ArrayList<>();
    /** consumer group → partition → the highest offset it committed. */
    Map<String, Map<Integer, Long>> committedBy = new TreeMap<>();
    /** consumer group → place → how often its handlers confirmed the record there. */
    Map<String, Map<Place, Integer>> handledBy = new TreeMap<>();
    for (TraceEvent e : events) {
      nodes.add(e.node());
      if (e.event().equals(Events.Log.COMMIT)) {
        commits++;
        commitEvents.add(e);
        JsonNodeField f = JsonNodeField.of(e);
        String g = consumerGroup(e);
        if (g != null && f.partition >= 0 && f.offset >= 0) {
          committedBy.computeIfAbsent(g, k -> new TreeMap<>()).merge(f.partition, f.offset, Math::max);
        }
        continue;
      }
      Place at = place(e);
      if (at == null || e.msg() == null) {
        if (e.event().equals(Events.Log.APPEND) || e.event().equals(Events.Log.READ) || e.event().equals(Events.Log.HANDLED)) {
          offences.add(e.node(), e.event() + " at " + e.where() + " lacks its msg, partition or offset");
        }
        continue;
      }
      highest.merge(at.partition(), at.offset(), Math::max);
      switch (e.event()) {
        case Events.Log.APPEND -> {
          MessageId there = appendedAt.putIfAbsent(at, e.msg());
          if (there != null && !there.equals(e.msg())) {
            offences.add(e.node(), e.msg(), List.of(there), "two records at one offset: " + e.msg() + " and " + there
                + " were both acknowledged at " + at + " of [" + topic + "]");
          }
          Place before = appendPlace.putIfAbsent(e.msg(), at);
          if (before != null && !before.equals(at)) {
            offences.add(e.node(), e.msg(), List.of(), "one record at two offsets: " + e.msg() + " was acknowledged at "
                + before + " and at " + at);
          }
        }
        case Events.Log.READ, Events.Log.HANDLED -> {
          if (e.event().equals(Events.Log.READ)) reads++;
          else {
            String g = consumerGroup(e);
            if (g == null) offences.add(e.node(), e.msg(), List.of(), "handled without consumer_group: " + e.node() + " "
                + e.actor() + " confirmed " + e.msg() + " at " + at);
            else handledBy.computeIfAbsent(g, k -> new HashMap<>()).merge(at, 1, Integer::sum);
          }
          String reader = e.node() + e.actor();
          MessageId there = readAt.putIfAbsent(at, e.msg());
          firstReader.putIfAbsent(at, reader);
          if (there != null && !there.equals(e.msg())) {
            offences.add(e.node(), e.msg(), List.of(there), "readers disagree: " + e.node() + " " + e.actor() + " read " + e.msg()
                + " at " + at + ", " + firstReader.get(at) + " read " + there + " there");
          }
          Place before = readPlace.putIfAbsent(e.msg(), at);
          if (before != null && !before.equals(at)) {
            offences.add(e.node(), e.msg(), List.of(), "one record at two offsets: " + e.msg() + " was read at " + before
                + " and at " + at);
          }
        }
        default -> { }
      }
    }
    appendedAt.forEach((at, m) -> {
      MessageId read = readAt.get(at);
      if (read != null && !read.equals(m)) {
        offences.add(firstReader.get(at).split("/")[0], read, List.of(m), "wrong record: " + read + " was read at " + at
            + " where the append of " + m + " was acknowledged");
      }
    });
    int lost = 0;
    if (reads > 0) {
      for (Map.Entry<Place, MessageId> a : appendedAt.entrySet()) {
        if (!readAt.containsKey(a.getKey())) {
          lost++;
          offences.add(a.getValue().origin(), a.getValue(), List.of(), "lost: " + a.getValue() + " was acknowledged at "
              + a.getKey() + " but no reader read that offset");
        }
      }
    }
    int gaps = 0;
    for (Map.Entry<Integer, Long> h : highest.entrySet()) {
      for (long o = 0; o <= h.getValue(); o++) {
        Place p = new Place(h.getKey(), o);
        if (!appendedAt.containsKey(p) && !readAt.containsKey(p)) {
          gaps++;
          if (gaps <= 5) offences.add(nodes.first(), "gap: nobody appended or read " + p + " of [" + topic + "], though offset "
              + h.getValue() + " was seen");
          else offences.add(nodes.first(), "gap at " + p);
        }
      }
    }
    for (TraceEvent c : commitEvents) {
      JsonNodeField f = JsonNodeField.of(c);
      if (f.partition < 0 || f.offset < 0 || f.offset > highest.getOrDefault(f.partition, -1L) + 1) {
        offences.add(c.node(), "commit beyond what was seen: " + c.node() + " " + c.actor() + " committed offset " + f.offset
            + " of partition " + f.partition + ", but the highest offset seen there is " + highest.getOrDefault(f.partition, -1L));
      }
    }
    StringBuilder groups = new StringBuilder();
    for (Map.Entry<String, Map<Integer, Long>> g : committedBy.entrySet()) {
      Map<Place, Integer> handled = handledBy.getOrDefault(g.getKey(), Map.of());
      long committedRecords = 0;
      int groupLost = 0;
      for (Map.Entry<Integer, Long> c : g.getValue().entrySet()) {
        committedRecords += c.getValue();
        // Offsets beyond what was seen are the "commit beyond" offence above, not a loss.
        long upTo = Math.min(c.getValue(), highest.getOrDefault(c.getKey(), -1L) + 1);
        for (long o = 0; o < upTo; o++) {
          Place p = new Place(c.getKey(), o);
          if (handled.containsKey(p)) continue;
          MessageId m = appendedAt.containsKey(p) ? appendedAt.get(p) : readAt.get(p);
          if (m == null) continue; // a gap, reported as one
          groupLost++;
          offences.add(m.origin(), m, List.of(), "lost for group [" + g.getKey() + "]: " + m + " at " + p + " lies below the"
              + " group's commit (offset " + c.getValue() + ") but no member's handler confirmed it");
        }
      }
      int redelivered = handled.values().stream().mapToInt(n -> n - 1).sum();
      groups.append("; group [").append(g.getKey()).append("]: committed ").append(committedRecords).append(" records, handled ")
          .append(handled.size()).append(" (").append(redelivered).append(" redelivered), lost ").append(groupLost);
    }
    TreeSet<MessageId> records = new TreeSet<>(appendPlace.keySet());
    records.addAll(readPlace.keySet());
    offences.note("appended " + appendPlace.size() + ", read " + reads + " times (" + readAt.size() + " offsets), committed "
        + commits + " times, lost " + lost + ", gaps " + gaps + (reads == 0 ? " (nothing was read: loss not judged)" : "") + groups);
    return offences.verdict(PROPERTY, topic, "log", true, nodes.size(), records.size(), "records");
  }

  private static String consumerGroup(TraceEvent e) {
    var a = e.attributes();
    var g = a == null ? null : a.get("consumer_group");
    return g == null || !g.isTextual() || g.asText().isBlank() ? null : g.asText();
  }

  private static Place place(TraceEvent e) {
    JsonNodeField f = JsonNodeField.of(e);
    return f.partition < 0 || f.offset < 0 ? null : new Place(f.partition, f.offset);
  }

  /** The line's own {@code partition} and {@code offset}, or -1 where missing. */
  private record JsonNodeField(int partition, long offset) {
    static JsonNodeField of(TraceEvent e) {
      var a = e.attributes();
      if (a == null) return new JsonNodeField(-1, -1);
      var p = a.get("partition");
      var o = a.get("offset");
      return new JsonNodeField(p != null && p.canConvertToInt() ? p.asInt() : -1, o != null && o.canConvertToLong() ? o.asLong() : -1);
    }
  }
}
