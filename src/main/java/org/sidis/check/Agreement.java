package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validity and agreement, the liveness half of reliable multicast (Hadzilacos and Toueg): a message
 * multicast by a correct node is delivered at every correct member of the group, and a message
 * delivered at any correct node is delivered at every correct member. A member is a node with any
 * event for the group; a correct node is one whose trace ends with a clean {@code stop} and that did not
 * leave the group while the others went on (another member's view dropped it). Crashed nodes
 * are bound by neither rule: a node that dies may miss anything, and what only it delivered binds no
 * one. Each missing (node, message) pair is one violation.
 *
 * <p>A member is owed only what was addressed to it ({@link GroupTrace#addressedTo}): a member
 * that joined late — a node restarted under its name is a new member — is not owed what was
 * multicast before its origin's view listed it. A member a total-order group refused as a late
 * joiner is bound by neither rule.
 */
public final class Agreement extends Property {

    /** How many delivering nodes a detail line names before it abbreviates. */
    private static final int NODES_NAMED = 5;

    public Agreement() {
        super("agreement", Set.of(Events.Proto.FIFO, Events.Proto.CAUSAL, Events.Proto.TOTAL));
    }

    @Override
    public Verdict check(GroupTrace group) {
        Offences offences = new Offences();
        List<String> correct = group.correctNodes();
        if (correct.isEmpty()) {
            offences.note("every member of " + group.name() + " crashed; agreement binds correct nodes only");
            return offences.verdict(this, group, 0);
        }
        Map<MessageId, List<String>> deliveredAtCorrect = new HashMap<>();
        for (String node : correct) {
            for (MessageId id : new TreeSet<>(group.deliveries(node).ids())) {
                deliveredAtCorrect.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
            }
        }
        TreeSet<MessageId> required = new TreeSet<>(deliveredAtCorrect.keySet());
        for (MessageId id : group.multicastIds()) {
            if (!group.departed(group.multicastBy(id))) {
                required.add(id);
            }
        }
        for (String node : correct) {
            DeliveryOrder order = group.deliveries(node);
            int missing = 0;
            for (MessageId id : required) {
                if (!order.contains(id) && group.addressedTo(id, node)) {
                    missing++;
                    offences.add(node, id, List.of(), node + " never delivered " + group.name() + " " + id
                            + " (" + provenance(group, id, deliveredAtCorrect.get(id)) + ")");
                }
            }
            if (missing > 0) {
                offences.note(node + " misses " + missing + " of the " + required.size()
                        + " messages every correct member must deliver (it delivered " + order.size() + ")");
            }
        }
        return offences.verdict(this, group, correct.size());
    }

    /** Why the message was owed: who multicast it and which correct nodes delivered it. */
    private static String provenance(GroupTrace group, MessageId id, List<String> deliveredAt) {
        String origin = group.multicastBy(id);
        String multicast = origin == null ? "multicast by no node"
                : "multicast by " + origin + (group.crashed(origin) ? " (crashed)" : group.departed(origin) ? " (left)" : "");
        if (deliveredAt == null) {
            return multicast + ", delivered at no correct node";
        }
        String named = String.join(", ", deliveredAt.subList(0, Math.min(NODES_NAMED, deliveredAt.size())));
        return multicast + ", delivered at " + named + (deliveredAt.size() > NODES_NAMED ? ", …" : "");
    }
}
