package org.sidis.clock;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A vector clock: for each node, how many of its events are known. Immutable; every operation
 * returns a new clock. A node absent from the clock counts as 0, so clocks of different member
 * sets compare without padding — which is what lets a group grow and shrink.
 *
 * <p>Entries are kept sorted by node name, as two parallel arrays: a clock travels with every
 * causal message, so building, reading and serializing it must be cheap, and a group has a
 * handful of members, for which a sorted array beats a tree. It prints and serializes as an
 * object of node to count, {@code {"n1":3,"n2":1}}, the same everywhere.
 */
@JsonSerialize(using = VectorClock.Serializer.class)
@JsonDeserialize(using = VectorClock.Deserializer.class)
public final class VectorClock {

  /** How two clocks relate (Lamport's happened-before, lifted to vectors). */
  public enum Order { BEFORE, AFTER, EQUAL, CONCURRENT }

  public static final VectorClock EMPTY = new VectorClock(new String[0], new long[0]);

  private final String[] nodes; // sorted, distinct
  private final long[] counts; // all > 0

  private VectorClock(String[] nodes, long[] counts) {
    this.nodes = nodes;
    this.counts = counts;
  }

  public static VectorClock of(Map<String, Long> entries) {
    TreeMap<String, Long> sorted = new TreeMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      long v = Objects.requireNonNull(e.getValue(), "vector clock entry");
      if (v < 0) throw new IllegalArgumentException("negative vector clock entry [" + e.getKey() + "=" + v + "]");
      if (v > 0) sorted.put(Objects.requireNonNull(e.getKey(), "vector clock node"), v);
    }
    if (sorted.isEmpty()) return EMPTY;
    String[] n = new String[sorted.size()];
    long[] c = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      n[i] = e.getKey();
      c[i++] = e.getValue();
    }
    return new VectorClock(n, c);
  }

  public long get(String node) {
    int i = Arrays.binarySearch(nodes, node);
    return i >= 0 ? counts[i] : 0;
  }

  /** How many nodes have a non-zero entry. */
  public int size() {
    return nodes.length;
  }

  /** The i-th node in name order, for loops that must not allocate. */
  public String node(int i) {
    return nodes[i];
  }

  /** The i-th node's count. */
  public long count(int i) {
    return counts[i];
  }

  /** This clock with the node's entry raised by one: the node's next event. */
  public VectorClock increment(String node) {
    return with(node, get(node) + 1);
  }

  /** This clock with the node's entry set to {@code value}. */
  public VectorClock with(String node, long value) {
    if (value < 0) throw new IllegalArgumentException("negative vector clock entry [" + node + "=" + value + "]");
    Objects.requireNonNull(node, "vector clock node");
    int i = Arrays.binarySearch(nodes, node);
    if (i >= 0) {
      if (counts[i] == value) return this;
      if (value == 0) {
        String[] n = new String[nodes.length - 1];
        long[] c = new long[nodes.length - 1];
        System.arraycopy(nodes, 0, n, 0, i);
        System.arraycopy(counts, 0, c, 0, i);
        System.arraycopy(nodes, i + 1, n, i, nodes.length - i - 1);
        System.arraycopy(counts, i + 1, c, i, nodes.length - i - 1);
        return new VectorClock(n, c);
      }
      long[] c = counts.clone();
      c[i] = value;
      return new VectorClock(nodes, c);
    }
    if (value == 0) return this;
    int at = -i - 1;
    String[] n = new String[nodes.length + 1];
    long[] c = new long[nodes.length + 1];
    System.arraycopy(nodes, 0, n, 0, at);
    System.arraycopy(counts, 0, c, 0, at);
    n[at] = node;
    c[at] = value;
    System.arraycopy(nodes, at, n, at + 1, nodes.length - at);
    System.arraycopy(counts, at, c, at + 1, nodes.length - at);
    return new VectorClock(n, c);
  }

  /** The pointwise maximum: everything either clock knows. */
  public VectorClock merge(VectorClock other) {
    if (other.isCoveredBy(this)) return this;
    if (isCoveredBy(other)) return other;
    TreeMap<String, Long> all = new TreeMap<>(entries());
    other.entries().forEach((node, v) -> all.merge(node, v, Math::max));
    return of(all);
  }

  public Order compareTo(VectorClock other) {
    boolean le = isCoveredBy(other), ge = other.isCoveredBy(this);
    if (le && ge) return Order.EQUAL;
    if (le) return Order.BEFORE;
    if (ge) return Order.AFTER;
    return Order.CONCURRENT;
  }

  public boolean happenedBefore(VectorClock other) {
    return compareTo(other) == Order.BEFORE;
  }

  public boolean isConcurrentWith(VectorClock other) {
    return compareTo(other) == Order.CONCURRENT;
  }

  /** Whether every entry of this clock is at most the other's (this ≤ other). */
  public boolean isCoveredBy(VectorClock other) {
    for (int i = 0; i < nodes.length; i++) {
      if (counts[i] > other.get(nodes[i])) return false;
    }
    return true;
  }

  /** The entries in node order, as a read-only map. */
  public Map<String, Long> entries() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nodes.length; i++) m.put(nodes[i], counts[i]);
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorClock vc && Arrays.equals(vc.nodes, nodes) && Arrays.equals(vc.counts, counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(nodes) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nodes.length; i++) {
      if (i > 0) sb.append(',');
      sb.append('"').append(nodes[i]).append("\":").append(counts[i]);
    }
    return sb.append('}').toString();
  }

  /** Writes the object form field by field: no intermediate map on the wire's hot path. */
  static final class Serializer extends StdSerializer<VectorClock> {
    Serializer() {
      super(VectorClock.class);
    }

    @Override
    public void serialize(VectorClock vc, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject(vc, vc.nodes.length);
      for (int i = 0; i < vc.nodes.length; i++) {
        gen.writeFieldName(vc.nodes[i]);
        gen.writeNumber(vc.counts[i]);
      }
      gen.writeEndObject();
    }
  }

  /** Reads the object form token by token, refusing negative or non-integer entries. */
  static final class Deserializer extends StdDeserializer<VectorClock> {
    Deserializer() {
      super(VectorClock.class);
    }

    @Override
    public VectorClock deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return (VectorClock) ctxt.handleUnexpectedToken(VectorClock.class, p);
      }
      String[] n = new String[4];
      long[] c = new long[4];
      int size = 0;
      boolean sorted = true;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
          return (VectorClock) ctxt.handleUnexpectedToken(long.class, p);
        }
        long v = p.getLongValue();
        if (v < 0) throw ctxt.weirdNumberException(v, VectorClock.class, "negative vector clock entry for [" + name + "]");
        if (v == 0) continue;
        if (size == n.length) {
          n = Arrays.copyOf(n, size * 2);
          c = Arrays.copyOf(c, size * 2);
        }
        if (size > 0 && n[size - 1].compareTo(name) >= 0) sorted = false;
        n[size] = name;
        c[size++] = v;
      }
      if (!sorted) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) m.put(n[i], c[i]);
        return of(m);
      }
      return size == 0 ? EMPTY : new VectorClock(Arrays.copyOf(n, size), Arrays.copyOf(c, size));
    }
  }
}
