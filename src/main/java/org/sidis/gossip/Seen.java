package org.sidis.gossip;

import java.util.TreeSet;

/**
 * The update numbers of one origin a replica has taken account of: everything up to
 * {@link #prefix()} — the digest line — and the numbers above it that arrived out of order
 * (rumors and floods travel different paths). When the gap below them fills, the line moves up.
 */
final class Seen {
  private long prefix;
  private final TreeSet<Long> above = new TreeSet<>();

  long prefix() {
    return prefix;
  }

  boolean contains(long seq) {
    return seq <= prefix || above.contains(seq);
  }

  /** Takes account of {@code seq}; false when it was already accounted for. */
  boolean add(long seq) {
    if (contains(seq)) return false;
    above.add(seq);
    settle();
    return true;
  }

  /** Takes account of everything up to {@code seq} (a delta's {@code upTo}). */
  void advanceTo(long seq) {
    if (seq <= prefix) return;
    prefix = seq;
    above.headSet(seq, true).clear();
    settle();
  }

  int outOfOrder() {
    return above.size();
  }

  private void settle() {
    while (!above.isEmpty() && above.first() == prefix + 1) {
      prefix = above.pollFirst();
    }
  }
}
