package org.sidis.check;

import java.util.List;
import java.util.Set;

/**
 * A property of group communication that a trace can be checked against. Each one is computed for
 * every group whatever the group's protocol promises, so a FIFO run still shows where it is not
 * causal; only {@link #promisedBy promised} properties can fail an inspection.
 */
public abstract sealed class Property permits CausalOrder, FifoOrder, TotalOrder, Integrity, Agreement {

    private final String name;
    private final Set<String> promisedBy;

    /**
     * @param name       the name the verdict table prints
     * @param promisedBy the group protocols ({@code fifo}, {@code causal}, {@code total}) that promise it
     */
    Property(String name, Set<String> promisedBy) {
        this.name = name;
        this.promisedBy = Set.copyOf(promisedBy);
    }

    /** The name the verdict table prints. */
    public final String name() {
        return name;
    }

    /** Whether a group running {@code proto} promises this property. */
    public final boolean promisedBy(String proto) {
        return promisedBy.contains(proto);
    }

    public abstract Verdict check(GroupTrace group);

    /** Every property, in the order the table lists them. */
    public static List<Property> all() {
        return List.of(new CausalOrder(), new FifoOrder(), new TotalOrder(), new Integrity(), new Agreement());
    }
}
