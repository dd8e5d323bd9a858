package org.sidis.gossip;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.sidis.wire.CborSerializable;

import java.util.Optional;

/**
 * The version of a stored entry: a Lamport timestamp and the node that wrote it. Versions are
 * totally ordered — by timestamp, then by writer name — so every replica picks the same
 * winner for a key without asking anyone (last writer wins). A node stamps a write with one
 * more than the largest timestamp it has seen, so a write made after seeing another version
 * always supersedes it.
 */
public record Version(@JsonProperty("t") long ts, @JsonProperty("w") String writer) implements Comparable<Version>, CborSerializable {

  @Override
  public int compareTo(Version other) {
    int byTs = Long.compare(ts, other.ts);
    return byTs != 0 ? byTs : writer.compareTo(other.writer);
  }

  /** Whether this version supersedes {@code other}; every version supersedes none (null). */
  public boolean newerThan(Version other) {
    return other == null || compareTo(other) > 0;
  }

  /** Why this version cannot be accepted, or null when it is well formed. */
  @JsonIgnore
  String defect() {
    if (writer == null || writer.isBlank()) return "version without writer";
    if (ts < 1) return "version " + this + " with a timestamp below 1";
    return null;
  }

  /** {@code 12@n3}: the form traces use. */
  @Override
  public String toString() {
    return ts + "@" + writer;
  }

  /** Parses {@link #toString()}'s form; empty when the text does not have it. */
  public static Optional<Version> parse(String text) {
    if (text == null) return Optional.empty();
    int at = text.indexOf('@');
    if (at <= 0 || at == text.length() - 1) return Optional.empty();
    try {
      long ts = Long.parseLong(text.substring(0, at));
      return ts >= 1 ? Optional.of(new Version(ts, text.substring(at + 1))) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
