package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FIFO order: at every node, the messages of each origin are delivered in the order the origin
 * multicast them, with none skipped — the counters delivered from one origin run consecutively,
 * strictly increasing. The run starts at the lowest counter the node ever delivers from that origin,
 * so a node that joined the group late is not blamed for what was sent before it was there.
 *
 * <p>A delivery of {@code o:c} is an offence when some {@code o:j} between that lowest counter and
 * {@code c} has not been delivered yet (it comes later or never), or when {@code o:c} itself was
 * already delivered (the order went backwards). Counting "deliveries that overtake" rather than
 * "pairs out of step" means one swapped pair is one violation, not a cascade.
 */
public final class FifoOrder extends Property {

    public FifoOrder() {
        super("fifo order", Set.of(Events.Proto.FIFO, Events.Proto.CAUSAL, Events.Proto.TOTAL));
    }

    @Override
    public Verdict check(GroupTrace group) {
        Offences offences = new Offences();
        for (String node : group.nodes()) {
            checkNode(group, node, offences);
        }
        return offences.verdict(this, group, group.nodes().size());
    }

    private static void checkNode(GroupTrace group, String node, Offences offences) {
        DeliveryOrder order = group.deliveries(node);
        Map<String, OriginRun> runs = new HashMap<>();
        for (MessageId id : order.ids()) {
            runs.computeIfAbsent(id.origin(), o -> new OriginRun()).lowestEver(id.counter());
        }
        for (int position = 1; position <= order.size(); position++) {
            MessageId id = order.at(position);
            OriginRun run = runs.get(id.origin());
            if (run.delivered.get(id.counter())) {
                offences.add(node, id, List.of(), node + " delivered " + group.name() + " " + id + " again after "
                        + id.withCounter(run.last) + "; counters from " + id.origin() + " must strictly increase "
                        + "(first at position " + order.positionOf(id) + ")", order.around(position));
            } else if (id.counter() > run.next) {
                MessageId skipped = id.withCounter(run.next);
                offences.add(node, id, List.of(skipped), node + " delivered " + group.name() + " " + id + " before " + skipped + " "
                        + order.whereIs(skipped), order.around(position));
            }
            run.deliver(id.counter());
        }
    }

    /** What a node has delivered from one origin. */
    private static final class OriginRun {
        final BitSet delivered = new BitSet();
        /** The lowest counter from this origin not delivered yet, from the run's start. */
        int next = Integer.MAX_VALUE;
        int last;

        void lowestEver(int counter) {
            next = Math.min(next, counter);
        }

        void deliver(int counter) {
            delivered.set(counter);
            last = counter;
            while (delivered.get(next)) {
                next++;
            }
        }
    }
}
