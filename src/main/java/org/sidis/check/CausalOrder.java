package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Causal order (Birman–Schiper–Stephenson): if m1 causally precedes m2, no node delivers m2 before
 * m1. Precedence is computed from the trace alone, never from the protocol's own vector clocks:
 * m1 → m2 when m1 was multicast or delivered at m2's origin before m2 was multicast there (in lseq
 * order), transitively.
 *
 * <p>Because an origin's messages precede each other in counter order, the set of messages preceding
 * m is downward closed per origin and fits in a vector: {@code dep(m)[o]} is the highest counter of
 * origin o that precedes m. Walking a node's events keeps a running vector V of what the node knows:
 * a multicast of m takes {@code dep(m) = V} and then raises V[origin(m)] to m's counter; a delivery
 * of m' merges {@code dep(m')} into V and raises V[origin(m')] to m''s counter. A delivery of m2 is an
 * offence when some message o:c with {@code c <= dep(m2)[o]} that was multicast has not been delivered
 * at the node yet — it comes later or never. Keeping, per node and origin, the first multicast
 * counter not yet delivered makes each check one comparison per origin.
 *
 * <p>dep(m') is known only once m' has been walked at its origin, so the nodes are walked
 * interleaved: a node waits at a delivery until that message's multicast has been walked. If every
 * remaining node waits — possible only in a corrupt trace, where deliveries and multicasts form a
 * cycle — the first waiting delivery is taken with unknown causes and a note says so; the walk
 * always ends.
 *
 * <p>A node owes only the messages addressed to it ({@link GroupTrace#addressedTo}): a member
 * that joined late may deliver an effect whose cause was multicast before it was there, and
 * never that cause.
 */
public final class CausalOrder extends Property {

    public CausalOrder() {
        super("causal order", Set.of(Events.Proto.CAUSAL));
    }

    @Override
    public Verdict check(GroupTrace group) {
        return new Walk(group).run();
    }

    /** One check of one group: the shared dependency vectors and every node's progress. */
    private final class Walk {
        private final GroupTrace group;
        private final Offences offences = new Offences();
        private final Map<String, Integer> originIndex = new HashMap<>();
        private final List<String> origins = new ArrayList<>();
        /** Per origin, the counters that were multicast, ascending: the messages a node can owe. */
        private final int[][] multicastCounters;
        private final Map<MessageId, int[]> dep = new HashMap<>();
        private final List<NodeWalk> nodes = new ArrayList<>();
        private final Map<MessageId, List<NodeWalk>> waiting = new HashMap<>();
        private final Deque<NodeWalk> runnable = new ArrayDeque<>();

        Walk(GroupTrace group) {
            this.group = group;
            Map<String, TreeSet<Integer>> counters = new HashMap<>();
            for (String node : group.nodes()) {
                for (TraceEvent e : group.events(node)) {
                    if (e.isMulticast() || e.isDeliver()) {
                        indexOf(e.msg().origin());
                    }
                }
            }
            for (MessageId id : group.multicastIds()) {
                counters.computeIfAbsent(id.origin(), o -> new TreeSet<>()).add(id.counter());
            }
            multicastCounters = new int[origins.size()][];
            for (int o = 0; o < origins.size(); o++) {
                multicastCounters[o] = counters.getOrDefault(origins.get(o), new TreeSet<>()).stream()
                        .mapToInt(Integer::intValue).toArray();
            }
            for (String node : group.nodes()) {
                nodes.add(new NodeWalk(node));
            }
        }

        private int indexOf(String origin) {
            return originIndex.computeIfAbsent(origin, o -> {
                origins.add(o);
                return origins.size() - 1;
            });
        }

        Verdict run() {
            runnable.addAll(nodes);
            while (true) {
                while (!runnable.isEmpty()) {
                    runnable.poll().advance();
                }
                NodeWalk stuck = nodes.stream().filter(n -> !n.done()).findFirst().orElse(null);
                if (stuck == null) {
                    return offences.verdict(CausalOrder.this, group, group.nodes().size());
                }
                // Every unfinished node waits on a multicast that waits on it: a corrupt trace.
                waiting.get(stuck.waitingFor).remove(stuck);
                stuck.takeWithUnknownCauses = true;
                stuck.waitingFor = null;
                runnable.add(stuck);
            }
        }

        private void wake(MessageId multicast) {
            List<NodeWalk> waiters = waiting.remove(multicast);
            if (waiters != null) {
                for (NodeWalk w : waiters) {
                    w.waitingFor = null;
                    runnable.add(w);
                }
            }
        }

        /** One node's progress through its events for the group. */
        private final class NodeWalk {
            final String node;
            final List<TraceEvent> events;
            final DeliveryOrder order;
            int cursor;
            int position;
            /** V: per origin, the highest counter known here to precede what happens next. */
            final int[] known = new int[origins.size()];
            final BitSet[] delivered = new BitSet[origins.size()];
            /** Per origin, the index into multicastCounters of the first one not delivered here. */
            final int[] firstOwed = new int[origins.size()];
            MessageId waitingFor;
            boolean takeWithUnknownCauses;
            /** Per origin, the counters multicast and addressed to this node, ascending. */
            final int[][] owed = new int[origins.size()][];

            NodeWalk(String node) {
                this.node = node;
                this.events = group.events(node).stream().filter(e -> e.isMulticast() || e.isDeliver()).toList();
                this.order = group.deliveries(node);
                Arrays.setAll(delivered, o -> new BitSet());
                for (int o = 0; o < origins.size(); o++) {
                    String origin = origins.get(o);
                    owed[o] = Arrays.stream(multicastCounters[o])
                            .filter(c -> group.addressedTo(new MessageId(origin, c), node)).toArray();
                }
            }

            boolean done() {
                return cursor == events.size();
            }

            void advance() {
                while (!done()) {
                    TraceEvent e = events.get(cursor);
                    MessageId id = e.msg();
                    int origin = originIndex.get(id.origin());
                    if (e.isMulticast()) {
                        // A repeated multicast of one id is not a new message: the first one defines it.
                        if (!dep.containsKey(id)) {
                            dep.put(id, known.clone());
                            wake(id);
                        }
                    } else {
                        int[] causes = dep.get(id);
                        if (causes == null && group.wasMulticast(id)) {
                            if (!takeWithUnknownCauses) {
                                waitingFor = id;
                                waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(this);
                                return;
                            }
                            takeWithUnknownCauses = false;
                            offences.note(node + " delivered " + group.name() + " " + id + " in a cycle of deliveries "
                                    + "and multicasts no real run can produce; its causes are taken as unknown");
                        } else if (causes == null) {
                            offences.note(node + " delivered " + group.name() + " " + id
                                    + ", which no node multicast; its causes are unknown (see integrity)");
                        }
                        deliver(id, origin, causes);
                    }
                    known[origin] = Math.max(known[origin], id.counter());
                    cursor++;
                }
            }

            private void deliver(MessageId id, int origin, int[] causes) {
                position++;
                if (causes != null) {
                    List<String> owed = new ArrayList<>();
                    List<MessageId> owedIds = new ArrayList<>();
                    for (int o = 0; o < causes.length; o++) {
                        int firstUndelivered = firstUndelivered(o);
                        if (causes[o] >= firstUndelivered) {
                            MessageId cause = new MessageId(origins.get(o), firstUndelivered);
                            owedIds.add(cause);
                            owed.add(cause + " " + order.whereIs(cause));
                        }
                        known[o] = Math.max(known[o], causes[o]);
                    }
                    if (!owed.isEmpty()) {
                        offences.add(node, id, owedIds, node + " delivered " + group.name() + " " + id + " before its cause"
                                + (owed.size() > 1 ? "s " : " ") + String.join(" and ", owed), order.around(position));
                    }
                }
                delivered[origin].set(id.counter());
                int[] counters = owed[origin];
                while (firstOwed[origin] < counters.length && delivered[origin].get(counters[firstOwed[origin]])) {
                    firstOwed[origin]++;
                }
            }

            private int firstUndelivered(int origin) {
                int[] counters = owed[origin];
                return firstOwed[origin] < counters.length ? counters[firstOwed[origin]] : Integer.MAX_VALUE;
            }
        }
    }
}
