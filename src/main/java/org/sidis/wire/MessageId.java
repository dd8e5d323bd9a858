package org.sidis.wire;

import java.util.Optional;

/**
 * A multicast message's id, {@code <origin node>:<counter>}, where the counter is the origin's
 * per-group sequence number starting at 1. Within a group the id is unique, and the counters of one
 * origin are consecutive, which is what lets the checkers reason with "everything up to k" instead of
 * with sets.
 */
public record MessageId(String origin, int counter) implements Comparable<MessageId> {

    public MessageId {
        if (origin == null || origin.isEmpty() || counter < 1) {
            throw new IllegalArgumentException("a message id needs an origin and a counter >= 1");
        }
    }

    /** Parses {@code n1:42}; empty when the text does not have that form (the reader reports it). */
    public static Optional<MessageId> parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        String origin = text.substring(0, colon);
        String digits = text.substring(colon + 1);
        if (origin.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            int counter = Integer.parseInt(digits);
            return counter >= 1 ? Optional.of(new MessageId(origin, counter)) : Optional.empty();
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    public static MessageId of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a message id: " + text));
    }

    /** The same origin's message {@code counter}: ids of one origin are dense, so it exists if any later one does. */
    public MessageId withCounter(int otherCounter) {
        return new MessageId(origin, otherCounter);
    }

    @Override
    public int compareTo(MessageId other) {
        int byOrigin = origin.compareTo(other.origin);
        return byOrigin != 0 ? byOrigin : Integer.compare(counter, other.counter);
    }

    @Override
    public String toString() {
        return origin + ":" + counter;
    }
}
