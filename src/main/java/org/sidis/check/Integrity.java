package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Integrity: every node delivers a message at most once, and only a message that was multicast
 * (some node logged {@code multicast} for it). This is the safety half of reliable multicast
 * (Hadzilacos and Toueg's "integrity"); it binds crashed nodes too, up to their crash, because what a
 * node delivered before it died was handed to its application all the same.
 */
public final class Integrity extends Property {

    public Integrity() {
        super("integrity", Set.of(Events.Proto.FIFO, Events.Proto.CAUSAL, Events.Proto.TOTAL));
    }

    @Override
    public Verdict check(GroupTrace group) {
        Offences offences = new Offences();
        for (String node : group.nodes()) {
            DeliveryOrder order = group.deliveries(node);
            Map<MessageId, Integer> firstAt = new HashMap<>();
            for (int position = 1; position <= order.size(); position++) {
                MessageId id = order.at(position);
                Integer earlier = firstAt.putIfAbsent(id, position);
                if (earlier != null) {
                    offences.add(node, id, List.of(), node + " delivered " + group.name() + " " + id + " twice (positions "
                            + earlier + " and " + position + ")", order.around(position));
                } else if (!group.wasMulticast(id)) {
                    offences.add(node, id, List.of(), node + " delivered " + group.name() + " " + id
                            + ", which no node multicast (position " + position + ")", order.around(position));
                }
            }
        }
        return offences.verdict(this, group, group.nodes().size());
    }
}
