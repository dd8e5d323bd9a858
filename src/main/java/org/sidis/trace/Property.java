package org.sidis.trace;

import java.util.List;

/**
 * A property of group communication that a trace can be checked against. Each one is computed for
 * every group whatever the group's protocol promises, so a FIFO run still shows where it is not
 * causal; only {@link #promisedBy promised} properties can fail an inspection.
 */
public sealed interface Property permits CausalOrder, FifoOrder, TotalOrder, Integrity, Agreement {

    /** The name the verdict table prints. */
    String name();

    /** Whether a group running {@code proto} promises this property. */
    boolean promisedBy(String proto);

    Verdict check(GroupTrace group);

    /** Every property, in the order the table lists them. */
    static List<Property> all() {
        return List.of(new CausalOrder(), new FifoOrder(), new TotalOrder(), new Integrity(), new Agreement());
    }
}
