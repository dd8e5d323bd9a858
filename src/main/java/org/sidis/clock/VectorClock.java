package org.sidis.clock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A vector clock: for each node, how many of its events are known. Immutable; every operation
 * returns a new clock. A node absent from the map counts as 0, so clocks of different member
 * sets compare without padding — which is what lets a group grow and shrink.
 *
 * <p>Entries are kept sorted by node name so a clock prints, serializes and traces the same way
 * everywhere ({@code {"n1":3,"n2":1}}).
 */
public final class VectorClock {

  /** How two clocks relate (Lamport's happened-before, lifted to vectors). */
  public enum Order { BEFORE, AFTER, EQUAL, CONCURRENT }

  public static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

  private final TreeMap<String, Long> entries;

  private VectorClock(TreeMap<String, Long> entries) {
    this.entries = entries;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static VectorClock of(Map<String, Long> entries) {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      long v = Objects.requireNonNull(e.getValue(), "vector clock entry");
      if (v < 0) throw new IllegalArgumentException("negative vector clock entry [" + e.getKey() + "=" + v + "]");
      if (v > 0) copy.put(Objects.requireNonNull(e.getKey(), "vector clock node"), v);
    }
    return copy.isEmpty() ? EMPTY : new VectorClock(copy);
  }

  public long get(String node) {
    return entries.getOrDefault(node, 0L);
  }

  /** This clock with the node's entry raised by one: the node's next event. */
  public VectorClock increment(String node) {
    return with(node, get(node) + 1);
  }

  /** This clock with the node's entry set to {@code value}. */
  public VectorClock with(String node, long value) {
    if (value < 0) throw new IllegalArgumentException("negative vector clock entry [" + node + "=" + value + "]");
    if (get(node) == value) return this;
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    if (value == 0) copy.remove(node); else copy.put(node, value);
    return new VectorClock(copy);
  }

  /** The pointwise maximum: everything either clock knows. */
  public VectorClock merge(VectorClock other) {
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    other.entries.forEach((node, v) -> copy.merge(node, v, Math::max));
    return copy.equals(entries) ? this : new VectorClock(copy);
  }

  public Order compareTo(VectorClock other) {
    boolean less = false, greater = false;
    TreeMap<String, Long> all = new TreeMap<>(entries);
    other.entries.forEach(all::putIfAbsent);
    for (String node : all.keySet()) {
      long a = get(node), b = other.get(node);
      if (a < b) less = true;
      if (a > b) greater = true;
    }
    if (less && greater) return Order.CONCURRENT;
    if (less) return Order.BEFORE;
    if (greater) return Order.AFTER;
    return Order.EQUAL;
  }

  public boolean happenedBefore(VectorClock other) {
    return compareTo(other) == Order.BEFORE;
  }

  public boolean isConcurrentWith(VectorClock other) {
    return compareTo(other) == Order.CONCURRENT;
  }

  /** Whether every entry of this clock is at most the other's (this ≤ other). */
  public boolean isCoveredBy(VectorClock other) {
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      if (e.getValue() > other.get(e.getKey())) return false;
    }
    return true;
  }

  @JsonValue
  public Map<String, Long> entries() {
    return Collections.unmodifiableMap(entries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorClock vc && vc.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    entries.forEach((n, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(n).append("\":").append(v));
    return sb.append('}').toString();
  }
}
