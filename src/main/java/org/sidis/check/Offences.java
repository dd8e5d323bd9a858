package org.sidis.check;

import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The offences one property check finds: all of them counted, the first few described. A run with a
 * broken protocol can have thousands; the first ones, each with the node's order around it, are what
 * a person needs to find the bug, and the rest would bury them.
 */
final class Offences {

    static final int DESCRIBED = 5;
    /**
     * How many offences are kept as values, for the diagram to highlight: enough to show where a
     * protocol breaks, bounded so that a run broken everywhere does not make a huge report.
     */
    static final int KEPT = 1000;

    private final Set<String> offendingNodes = new TreeSet<>(GroupTrace.NODE_ORDER);
    private final List<String> described = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Verdict.Offence> kept = new ArrayList<>();
    private int count;

    /**
     * One offence at a node about a message and the others it involves: a statement naming the message
     * ids, and lines of context (node orders).
     */
    void add(String node, MessageId msg, List<MessageId> involved, String statement, String... context) {
        count++;
        offendingNodes.add(node);
        if (kept.size() < KEPT) {
            kept.add(new Verdict.Offence(node, msg, involved, statement));
        }
        if (count <= DESCRIBED) {
            described.add(statement);
            for (String line : context) {
                described.add("  " + line);
            }
        }
    }

    /** An offence that is not about one message (a store that differs, a key that came back). */
    void add(String node, String statement, String... context) {
        count++;
        offendingNodes.add(node);
        if (count <= DESCRIBED) {
            described.add(statement);
            for (String line : context) {
                described.add("  " + line);
            }
        }
    }

    /** Something the reader should know that is not an offence, such as causes the trace cannot tell. */
    void note(String line) {
        if (notes.size() < DESCRIBED) {
            notes.add(line);
        } else if (notes.size() == DESCRIBED) {
            notes.add("… further notes left out");
        }
    }

    int count() {
        return count;
    }

    Verdict verdict(Property property, GroupTrace group, int nodesChecked) {
        return verdict(property.name(), group.name(), group.proto(), property.promisedBy(group.proto()), nodesChecked,
                group.messageCount(), "messages");
    }

    Verdict verdict(String property, String group, String proto, boolean promised, int nodesChecked, int messages,
            String unit) {
        List<String> details = new ArrayList<>(described);
        if (count > DESCRIBED) {
            details.add("… and " + (count - DESCRIBED) + " more violations");
        }
        details.addAll(notes);
        Verdict.Outcome outcome = nodesChecked == 0 ? Verdict.Outcome.NOT_APPLICABLE
                : count > 0 ? Verdict.Outcome.VIOLATED : Verdict.Outcome.HELD;
        return new Verdict(property, group, proto, promised, outcome, nodesChecked,
                nodesChecked - offendingNodes.size(), messages, count, details, kept, unit);
    }
}
