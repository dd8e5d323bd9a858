package org.sidis.check;

import org.sidis.wire.MessageId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of one group a node delivered, in its local order. Positions count from 1, as a
 * person reading the node's trace would count them.
 */
public final class DeliveryOrder {

    /** How many neighbours an excerpt shows on each side of the position it is about. */
    private static final int EXCERPT_RADIUS = 3;

    private final String node;
    private final List<MessageId> ids;
    private final Map<MessageId, Integer> firstPosition = new HashMap<>();

    public DeliveryOrder(String node, List<MessageId> ids) {
        this.node = node;
        this.ids = List.copyOf(ids);
        for (int i = ids.size() - 1; i >= 0; i--) {
            firstPosition.put(ids.get(i), i + 1);
        }
    }

    public String node() {
        return node;
    }

    public List<MessageId> ids() {
        return ids;
    }

    public int size() {
        return ids.size();
    }

    /** The message at a position from 1. */
    public MessageId at(int position) {
        return ids.get(position - 1);
    }

    public boolean contains(MessageId id) {
        return firstPosition.containsKey(id);
    }

    /** Where the node first delivered the message, from 1; 0 when it never did. */
    public int positionOf(MessageId id) {
        return firstPosition.getOrDefault(id, 0);
    }

    /** "(n1:42 delivered at n3 at position 812)" or "(n1:42 never delivered at n3)". */
    public String whereIs(MessageId id) {
        int position = positionOf(id);
        return position == 0
                ? "(" + id + " never delivered at " + node + ")"
                : "(" + id + " delivered at " + node + " at position " + position + ")";
    }

    /** The node's order around a position, that message in brackets: "n3 order: … n2:16, [n2:17], n1:41 …". */
    public String around(int position) {
        int from = Math.max(1, position - EXCERPT_RADIUS);
        int to = Math.min(ids.size(), position + EXCERPT_RADIUS);
        StringBuilder excerpt = new StringBuilder(node).append(" order: ");
        excerpt.append(from > 1 ? "… " : "(start) ");
        for (int p = from; p <= to; p++) {
            if (p > from) {
                excerpt.append(", ");
            }
            excerpt.append(p == position ? "[" + at(p) + "]" : at(p).toString());
        }
        excerpt.append(to < ids.size() ? " …" : " (end)");
        return excerpt.toString();
    }
}
