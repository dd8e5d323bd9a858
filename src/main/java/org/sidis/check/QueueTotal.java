package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queue checker, in the manner of Jepsen's total-queue: from the {@code put}, {@code get} and
 * {@code ack} events that producers and consumers trace (DESIGN.md), and the {@code ack-journaled}
 * lines of a persistent queue, after a final drain,
 * <ul>
 *   <li><b>lost</b>: a PUT was acknowledged ({@code put}) but no consumer ever acknowledged the
 *       message: no consumer's {@code ack}, and no queue journaled an ack of it
 *       ({@code ack-journaled}: the consumer's ack reached the journal, checked against its
 *       delivery, but the consumer was downed before it heard the answer and traced {@code ack} —
 *       issue 17) — must be 0;</li>
 *   <li><b>unexpected</b>: a message was received ({@code get}) that no producer put or tried to
 *       put ({@code attempt}, optional) — must be 0;</li>
 *   <li><b>acked twice</b>: a message acknowledged more than once — must be 0 (a queue forgets a
 *       message at its first ack);</li>
 *   <li><b>duplicates</b>: messages received more than once — allowed: redelivery after a
 *       visibility timeout or a queue manager's restart is at-least-once by design; counted.</li>
 * </ul>
 * Binds every node, crashed or not: producer and consumer keep the evidence, not the queue manager.
 */
public final class QueueTotal {

    private QueueTotal() {
    }

    public static final String PROPERTY = "total queue";

    /** One verdict per queue traced in {@code events} (events with {@code proto} {@code queue}). */
    public static List<Verdict> check(List<TraceEvent> events) {
        Map<String, List<TraceEvent>> byQueue = new TreeMap<>();
        for (TraceEvent e : events) {
            if (Events.Proto.QUEUE.equals(e.proto()) && e.group() != null && e.msg() != null) {
                byQueue.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        byQueue.forEach((queue, es) -> verdicts.add(checkQueue(queue, es)));
        return verdicts;
    }

    private static Verdict checkQueue(String queue, List<TraceEvent> events) {
        Set<MessageId> attempted = new TreeSet<>();
        Set<MessageId> put = new TreeSet<>();
        Map<MessageId, Integer> got = new HashMap<>();
        Map<MessageId, Integer> acked = new HashMap<>();
        Set<MessageId> journaled = new TreeSet<>(); // acks the queue journaled (its own line)
        Set<String> nodes = new TreeSet<>();
        for (TraceEvent e : events) {
            nodes.add(e.node());
            switch (e.event()) {
                case Events.Queue.ATTEMPT -> attempted.add(e.msg());
                case Events.Queue.PUT -> put.add(e.msg());
                case Events.Queue.GET -> got.merge(e.msg(), 1, Integer::sum);
                case Events.Queue.ACK -> acked.merge(e.msg(), 1, Integer::sum);
                case Events.Queue.ACK_JOURNALED -> journaled.add(e.msg());
                default -> { }
            }
        }
        attempted.addAll(put);
        Offences offences = new Offences();
        Set<MessageId> lost = new TreeSet<>(put);
        lost.removeAll(acked.keySet());
        lost.removeAll(journaled);
        for (MessageId m : lost) {
            offences.add(nodeOf(events, m, Events.Queue.PUT), m, List.of(),
                    "lost: " + m + "'s PUT was acknowledged (put) but no consumer acknowledged it (no ack, no journaled ack)");
        }
        Set<MessageId> unexpected = new TreeSet<>(got.keySet());
        unexpected.addAll(acked.keySet());
        unexpected.addAll(journaled);
        unexpected.removeAll(attempted);
        for (MessageId m : unexpected) {
            offences.add(nodeOf(events, m, Events.Queue.GET), m, List.of(), "unexpected: " + m + " received but never put");
        }
        Set<MessageId> twice = new TreeSet<>();
        acked.forEach((m, n) -> { if (n > 1) twice.add(m); });
        for (MessageId m : twice) {
            offences.add(nodeOf(events, m, Events.Queue.ACK), m, List.of(), "acked twice: " + m + " acknowledged " + acked.get(m) + " times");
        }
        long duplicates = got.values().stream().filter(n -> n > 1).count();
        long receivedNotAcked = got.keySet().stream().filter(m -> !acked.containsKey(m) && !journaled.contains(m)).count();
        long journaledOnly = journaled.stream().filter(m -> !acked.containsKey(m)).count();
        offences.note("attempted " + attempted.size() + ", acknowledged " + put.size() + ", dequeued " + got.size()
                + ", consumer-acknowledged " + acked.size() + ", lost " + lost.size() + ", unexpected " + unexpected.size()
                + ", acked twice " + twice.size() + ", acknowledged in a queue's journal only " + journaledOnly
                + " (journaled, but the consumer never traced its ack)");
        offences.note("duplicates " + duplicates + " (received more than once: redelivered after a visibility timeout or a "
                + "queue manager's restart — at-least-once, allowed); received but never acknowledged " + receivedNotAcked);
        return offences.verdict(PROPERTY, queue, "queue", true, nodes.size(), put.size(), "messages");
    }

    private static String nodeOf(List<TraceEvent> events, MessageId m, String event) {
        for (TraceEvent e : events) {
            if (m.equals(e.msg()) && event.equals(e.event())) {
                return e.node();
            }
        }
        return m.origin();
    }
}
