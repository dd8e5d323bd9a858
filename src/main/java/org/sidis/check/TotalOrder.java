package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Total order: every pair of nodes delivers the messages both delivered in the same order;
 * each {@code gseq} names one message and each message has one {@code gseq}; no node skips a
 * {@code gseq} — its deliveries carry 1, 2, 3… in delivery order. Crashed nodes are checked
 * too: what a node delivered before it crashed must agree with the survivors (uniform order).
 *
 * <p>The pairwise check does not trust the gseq numbers: it compares the delivery orders
 * themselves, so a protocol that numbers consistently but delivers out of its numbering is
 * still caught. Groups whose trace has no gseq at all and that do not promise total order are
 * not applicable.
 */
public final class TotalOrder extends Property {

    public TotalOrder() {
        super("total order", Set.of(Events.Proto.TOTAL));
    }

    @Override
    public Verdict check(GroupTrace group) {
        Offences offences = new Offences();
        boolean anyGseq = false;
        Map<Long, MessageId> messageOf = new HashMap<>();
        Map<MessageId, Long> gseqOf = new HashMap<>();
        Map<Long, String> firstSeenAt = new HashMap<>();
        for (String node : group.nodes()) {
            long expected = 1;
            int position = 0;
            for (TraceEvent e : group.events(node)) {
                if (!e.isDeliver()) continue;
                position++;
                DeliveryOrder order = group.deliveries(node);
                if (e.gseq() == null) {
                    if (promisedBy(group.proto())) {
                        offences.add(node, e.msg(), List.of(), node + " delivered " + group.name() + " " + e.msg() + " without a gseq", order.around(position));
                    }
                    continue;
                }
                anyGseq = true;
                long g = e.gseq();
                if (g != expected) {
                    offences.add(node, e.msg(), List.of(), node + " delivered " + group.name() + " " + e.msg() + " as gseq " + g + " where gseq "
                            + expected + " was next" + (g > expected ? " (gseq " + expected + ".." + (g - 1) + " skipped)" : " (gseq went back)"),
                            order.around(position));
                }
                expected = Math.max(expected, g + 1);
                MessageId named = messageOf.putIfAbsent(g, e.msg());
                if (named != null && !named.equals(e.msg())) {
                    offences.add(node, e.msg(), List.of(named), "gseq " + g + " names " + named + " at " + firstSeenAt.get(g) + " but " + e.msg() + " at " + node);
                } else {
                    firstSeenAt.putIfAbsent(g, node);
                }
                Long numbered = gseqOf.putIfAbsent(e.msg(), g);
                if (numbered != null && numbered != g) {
                    offences.add(node, e.msg(), List.of(), group.name() + " " + e.msg() + " is gseq " + numbered + " elsewhere but gseq " + g + " at " + node);
                }
            }
        }
        if (!anyGseq && !promisedBy(group.proto())) {
            return offences.verdict(this, group, 0);
        }
        List<String> nodes = group.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                comparePair(group, nodes.get(i), nodes.get(j), offences);
            }
        }
        return offences.verdict(this, group, nodes.size());
    }

    /** The messages both delivered must come in the same relative order at both. */
    private static void comparePair(GroupTrace group, String a, String b, Offences offences) {
        DeliveryOrder at = group.deliveries(a);
        DeliveryOrder bt = group.deliveries(b);
        List<MessageId> common = new ArrayList<>();
        for (MessageId id : at.ids()) if (bt.contains(id)) common.add(id);
        int lastPositionAtB = 0;
        MessageId previous = null;
        for (MessageId id : common) {
            int p = bt.positionOf(id);
            if (p < lastPositionAtB) {
                offences.add(b, id, List.of(previous), a + " delivered " + group.name() + " " + previous + " before " + id + " but " + b + " delivered them the other way round",
                        a + " order: " + at.around(at.positionOf(id)), b + " order: " + bt.around(p));
            } else {
                lastPositionAtB = p;
                previous = id;
            }
        }
    }
}
