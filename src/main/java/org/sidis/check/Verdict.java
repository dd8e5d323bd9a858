package org.sidis.check;

import org.sidis.wire.MessageId;
import java.util.List;
import java.util.Objects;

/**
 * What one property check found in one group.
 *
 * @param property     the property's name, as the table prints it ("causal order")
 * @param proto        the protocol the group runs, which decides whether the property is promised
 * @param promised     whether that protocol promises the property; a broken unpromised property is
 *                     shown but does not fail the inspection
 * @param nodesChecked the nodes the property binds (all members for safety, correct ones for agreement)
 * @param nodesHeld    those of them at which it held
 * @param messages     distinct messages multicast or delivered in the group (updates, in a gossip store)
 * @param violations   offences counted (one per offending delivery, or per missing node-message pair)
 * @param details      the first few offences, each with the involved node's order around it, then notes
 * @param offences     the first offences (up to a thousand) as values, for tools and the diagram to point at
 * @param unit         what {@code messages} counts, as the headline names it: "messages", "updates"
 */
public record Verdict(
        String property,
        String group,
        String proto,
        boolean promised,
        Outcome outcome,
        int nodesChecked,
        int nodesHeld,
        int messages,
        int violations,
        List<String> details,
        List<Offence> offences,
        String unit) {

    public enum Outcome { HELD, VIOLATED, NOT_APPLICABLE }

    /**
     * One offence, as values: at {@code node}, something happened to {@code msg} that the property
     * forbids (delivered early, twice, never, or without a multicast); {@code involved} are the other
     * messages it is about (the causes, or the skipped predecessor that should have come first), and
     * {@code what} is the checker's sentence for it.
     */
    public record Offence(String node, MessageId msg, List<MessageId> involved, String what) {
        public Offence {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(msg, "msg");
            involved = List.copyOf(involved);
        }
    }

    public Verdict {
        details = List.copyOf(details);
        offences = List.copyOf(offences);
    }

    public Verdict(String property, String group, String proto, boolean promised, Outcome outcome, int nodesChecked,
            int nodesHeld, int messages, int violations, List<String> details) {
        this(property, group, proto, promised, outcome, nodesChecked, nodesHeld, messages, violations, details, List.of(), "messages");
    }

    public Verdict(String property, String group, String proto, boolean promised, Outcome outcome, int nodesChecked,
            int nodesHeld, int messages, int violations, List<String> details, List<Offence> offences) {
        this(property, group, proto, promised, outcome, nodesChecked, nodesHeld, messages, violations, details, offences, "messages");
    }

    /** Only a promised property that was broken fails the inspection. */
    public boolean failsInspection() {
        return promised && outcome == Outcome.VIOLATED;
    }

    /** "causal order: held at 3/3 nodes — 3000 messages, 0 violations", plus a note when unpromised. */
    public String headline() {
        String status = switch (outcome) {
            case HELD -> "held at " + nodesHeld + "/" + nodesChecked + " nodes";
            case VIOLATED -> "VIOLATED at " + (nodesChecked - nodesHeld) + "/" + nodesChecked + " nodes";
            case NOT_APPLICABLE -> "not applicable";
        };
        return property + ": " + status + " — " + messages + " " + unit + ", " + violations + " violations"
                + (promised ? "" : " (not promised by " + proto + ")");
    }
}
