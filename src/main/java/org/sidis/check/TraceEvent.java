package org.sidis.check;

import org.sidis.trace.ActorNames;
import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.sidis.clock.VectorClock;

/**
 * One line of a trace file, as fixed by DESIGN.md ("Trace events: the contract").
 *
 * <p>The checkers never read the protocol's own vector clock ({@code vc}): they judge a protocol from
 * what it did (multicasts and deliveries in local order), or a protocol with a wrong clock would be
 * judged by that wrong clock. {@code vc}, {@code ts} and the line's other fields are kept for display
 * only (the report page, the ShiViz export); local order is {@code lseq}.
 *
 * @param group  the multicast group; null for events outside any group (node lifecycle)
 * @param msg    the message id; null for events that carry none
 * @param gseq   the global sequence number in total order; null where the protocol has none
 * @param vc     the protocol's own vector clock, for display only; null where the line has none (or a
 *               malformed one: a display-only field is no reason to lose the event)
 * @param extra  the line's fields outside the contract ({@code payload}, {@code reason}, {@code from},
 *               ...) as a compact JSON object, for display only; null when there are none
 * @param members the group's members, on {@code view} events; null elsewhere
 * @param file   the trace file the line came from, relative to the directory that was read
 * @param line   the line number in that file, from 1
 * @param attributes the whole line, kept for protocols whose checkers read their own fields
 *                   (gossip: {@code key}, {@code version}, {@code op}, {@code digest}, …); null for
 *                   the others, whose checkers need only the fixed fields
 */
public record TraceEvent(
        long ts,
        String node,
        String actor,
        String proto,
        String group,
        String event,
        MessageId msg,
        long lseq,
        Long gseq,
        VectorClock vc,
        String extra,
        java.util.List<String> members,
        Path file,
        int line,
        JsonNode attributes) {

    public TraceEvent(long ts, String node, String actor, String proto, String group, String event, MessageId msg,
            long lseq, Long gseq, Path file, int line) {
        this(ts, node, actor, proto, group, event, msg, lseq, gseq, null, null, null, file, line, null);
    }

    /** A text field of the line's own, or null (only for lines that keep their {@link #attributes}). */
    public String text(String field) {
        JsonNode v = attributes == null ? null : attributes.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    /** The application handed the message to the middleware, at its origin. */
    public boolean isMulticast() {
        return Events.Group.MULTICAST.equals(event);
    }

    /** The message arrived from the network; duplicates may log it several times. */
    public boolean isReceive() {
        return Events.Group.RECEIVE.equals(event);
    }

    /** The middleware handed the message to the application. */
    public boolean isDeliver() {
        return Events.Group.DELIVER.equals(event);
    }

    /** The events the multicast checkers are about; they all carry a group and a message id. */
    public boolean isMulticastFamily() {
        return isMulticast() || isReceive() || isDeliver();
    }

    /** The node's own start and stop lines: bookkeeping of the node, not a protocol event. */
    public boolean isNodeLifecycle() {
        return Events.Proto.NODE.equals(proto);
    }

    /** A node that shut down cleanly says so; without this line the node crashed. */
    public boolean isNodeStop() {
        return Events.Proto.NODE.equals(proto) && Events.Node.STOP.equals(event);
    }

    /**
     * Which start of its node wrote this line (issue 17): the incarnation its {@code actor} is
     * marked with ({@code /user/chat#2}, {@link ActorNames}); for a line without a mark, written
     * before the mark existed, the launcher's directory for a restart,
     * {@code trace/incarnation-<k>/}; else 1, the node's first start.
     */
    public int incarnation() {
        if (ActorNames.marked(actor)) {
            return ActorNames.incarnationOf(actor);
        }
        Path dir = file == null ? null : file.getParent();
        String d = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (d.startsWith(INCARNATION_DIR)) {
            try {
                return Math.max(ActorNames.FIRST, Integer.parseInt(d.substring(INCARNATION_DIR.length())));
            } catch (NumberFormatException someOtherDirectory) {
                return ActorNames.FIRST;
            }
        }
        return ActorNames.FIRST;
    }

    /** Where the launcher writes a restarted node's trace: {@code trace/incarnation-<k>/}. */
    private static final String INCARNATION_DIR = "incarnation-";

    public String where() {
        return file + ":" + line;
    }
}
