package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The topic checker: Jepsen's total-queue carried over to publish/subscribe. On a queue a message
 * is owed to one consumer; on a topic it is owed to every subscription the topic gave it to — the
 * {@code to} list of the publisher's {@code put} line, which is the topic's own answer — so the
 * unit is a <em>copy</em>: (message, subscription). After a final drain,
 * <ul>
 *   <li><b>lost</b>: a copy owed and never taken — for a durable subscription never acknowledged
 *       ({@code ack}), for a non-durable one never received ({@code get}) — must be 0;</li>
 *   <li><b>unexpected</b>: a copy received of a message nobody published or tried to — must be 0;</li>
 *   <li><b>acked twice</b>: one subscription acknowledged one message twice — must be 0;</li>
 *   <li><b>duplicates</b>: one subscription received one message more than once (its durable
 *       queue redelivered it after a visibility timeout or a restart) — allowed, counted.
 *       Copies of one message in different subscriptions are not duplicates: that is what a topic
 *       is for.</li>
 * </ul>
 * A message published while a subscription did not exist is not owed to it (it is not in
 * {@code to}): a non-durable subscriber misses what is published while it is away, by design.
 *
 * <p>One case is <b>in doubt</b>, not lost: a durable copy whose receipt ({@code get}) is the very
 * last line of a consumer whose node crashed. Its ack may have reached the queue (which then
 * rightly forgot the copy) while the consumer died before it could write that the ack was
 * confirmed; the trace cannot tell. It is counted and named. A copy received earlier in a
 * consumer's life, or by a consumer that stopped cleanly, and never acknowledged, is lost.
 */
public final class TopicTotal {

    private TopicTotal() {
    }

    public static final String PROPERTY = "total topic";

    /** One verdict per topic traced in {@code events} (events with {@code proto} {@code topic}). */
    public static List<Verdict> check(List<TraceEvent> events) {
        Map<String, List<TraceEvent>> byTopic = new TreeMap<>();
        for (TraceEvent e : events) {
            if (Events.Proto.TOPIC.equals(e.proto()) && e.group() != null && e.msg() != null) {
                byTopic.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> stopped = new HashSet<>();
        for (TraceEvent e : events) {
            seen.add(e.node());
            if (e.isNodeStop()) stopped.add(e.node());
        }
        seen.removeAll(stopped);
        byTopic.forEach((topic, es) -> verdicts.add(checkTopic(topic, es, seen)));
        return verdicts;
    }

    private record Copy(String subscription, MessageId msg) implements Comparable<Copy> {
        @Override
        public int compareTo(Copy o) {
            int c = subscription.compareTo(o.subscription);
            return c != 0 ? c : msg.compareTo(o.msg);
        }

        @Override
        public String toString() {
            return msg + " for subscription " + subscription;
        }
    }

    private static Verdict checkTopic(String topic, List<TraceEvent> events, Set<String> crashed) {
        Set<MessageId> attempted = new TreeSet<>();
        Map<MessageId, List<String>> owed = new TreeMap<>();
        Map<Copy, Integer> got = new HashMap<>();
        Map<Copy, Integer> acked = new HashMap<>();
        Set<String> durable = new HashSet<>();
        Set<String> nodes = new TreeSet<>();
        Map<Copy, String> where = new HashMap<>();
        Map<String, Long> lastOfActor = new HashMap<>();
        for (TraceEvent e : events) lastOfActor.merge(e.node() + " " + e.actor(), e.lseq(), Math::max);
        Map<Copy, List<TraceEvent>> gets = new HashMap<>();
        for (TraceEvent e : events) {
            nodes.add(e.node());
            String sub = e.text("subscription");
            switch (e.event()) {
                case Events.Queue.ATTEMPT -> attempted.add(e.msg());
                case Events.Queue.PUT -> {
                    List<String> to = new ArrayList<>();
                    JsonNode list = e.attributes() == null ? null : e.attributes().get("to");
                    if (list != null && list.isArray()) list.forEach(s -> to.add(s.asText()));
                    owed.merge(e.msg(), to, (a, b) -> {
                        List<String> all = new ArrayList<>(a);
                        b.stream().filter(s -> !all.contains(s)).forEach(all::add);
                        return all;
                    });
                    for (String s : to) where.putIfAbsent(new Copy(s, e.msg()), e.node());
                }
                case Events.Queue.GET -> {
                    if (sub == null) continue;
                    got.merge(new Copy(sub, e.msg()), 1, Integer::sum);
                    gets.computeIfAbsent(new Copy(sub, e.msg()), c -> new ArrayList<>()).add(e);
                    JsonNode d = e.attributes() == null ? null : e.attributes().get("durable");
                    if (d != null && d.asBoolean()) durable.add(sub);
                }
                case Events.Queue.ACK -> {
                    if (sub == null) continue;
                    acked.merge(new Copy(sub, e.msg()), 1, Integer::sum);
                    durable.add(sub);
                }
                default -> { }
            }
        }
        attempted.addAll(owed.keySet());
        Offences offences = new Offences();
        int copiesOwed = 0;
        Set<Copy> lost = new TreeSet<>();
        Set<Copy> inDoubt = new TreeSet<>();
        for (Map.Entry<MessageId, List<String>> m : owed.entrySet()) {
            for (String s : m.getValue()) {
                copiesOwed++;
                Copy c = new Copy(s, m.getKey());
                boolean taken = durable.contains(s) ? acked.containsKey(c) : got.containsKey(c);
                if (taken) continue;
                boolean lastWordsOfACrashedConsumer = durable.contains(s) && gets.getOrDefault(c, List.of()).stream()
                        .anyMatch(g -> crashed.contains(g.node()) && g.lseq() == lastOfActor.get(g.node() + " " + g.actor()));
                if (lastWordsOfACrashedConsumer) inDoubt.add(c);
                else lost.add(c);
            }
        }
        for (Copy c : lost) {
            offences.add(where.getOrDefault(c, c.msg().origin()), c.msg(), List.of(), "lost: " + c + " — the topic gave it to the "
                    + (durable.contains(c.subscription()) ? "durable subscription, which never acknowledged it"
                    : "subscription, which never received it"));
        }
        Set<Copy> unexpected = new TreeSet<>();
        for (Copy c : got.keySet()) if (!attempted.contains(c.msg())) unexpected.add(c);
        for (Copy c : acked.keySet()) if (!attempted.contains(c.msg())) unexpected.add(c);
        for (Copy c : unexpected) offences.add(c.msg().origin(), c.msg(), List.of(), "unexpected: " + c + " received but never published");
        Set<Copy> twice = new TreeSet<>();
        acked.forEach((c, n) -> { if (n > 1) twice.add(c); });
        for (Copy c : twice) offences.add(c.msg().origin(), c.msg(), List.of(), "acked twice: " + c + " acknowledged " + acked.get(c) + " times");
        long duplicates = got.values().stream().filter(n -> n > 1).count();
        Set<String> subscriptions = new TreeSet<>();
        owed.values().forEach(subscriptions::addAll);
        got.keySet().forEach(c -> subscriptions.add(c.subscription()));
        offences.note("attempted " + attempted.size() + ", published (acknowledged) " + owed.size() + ", subscriptions " + subscriptions
                + " (durable " + new TreeSet<>(durable) + "), copies owed " + copiesOwed + ", copies received " + got.size()
                + ", lost " + lost.size() + ", unexpected " + unexpected.size() + ", acked twice " + twice.size());
        if (!inDoubt.isEmpty()) {
            offences.note("in doubt " + inDoubt.size() + " " + inDoubt + ": received as the last act of a consumer whose node "
                    + "crashed; its ack may have been taken by the queue before the consumer could trace it (not counted as lost)");
        }
        offences.note("duplicates " + duplicates + " (one subscription received one message more than once: its durable queue "
                + "redelivered it — at-least-once, allowed); copies of one message in different subscriptions are the topic's "
                + "fan-out, not duplicates");
        return offences.verdict(PROPERTY, topic, "topic", true, nodes.size(), owed.size(), "messages");
    }
}
