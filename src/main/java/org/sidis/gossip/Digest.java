package org.sidis.gossip;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sidis.wire.CborSerializable;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a replica knows, in one line per origin (Scuttlebutt, van Renesse et al. 2008): for each
 * node that published updates, the highest {@code n} such that this replica has taken account
 * of every one of that origin's updates 1..n — stored them, or stored something newer for their
 * key. Two replicas that exchange digests first need to send each other only the updates above
 * the other's line, so the cost of a round grows with what changed, not with the store.
 */
public final class Digest implements CborSerializable {

  public static final Digest EMPTY = new Digest(new TreeMap<>());

  private final TreeMap<String, Long> seqs;

  private Digest(TreeMap<String, Long> seqs) {
    this.seqs = seqs;
  }

  /** A digest from a map; zero entries are left out (they say nothing). */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Digest of(Map<String, Long> seqs) {
    TreeMap<String, Long> copy = new TreeMap<>();
    if (seqs != null) {
      for (Map.Entry<String, Long> e : seqs.entrySet()) {
        if (e.getValue() == null || e.getValue() != 0) copy.put(e.getKey(), e.getValue());
      }
    }
    return new Digest(copy);
  }

  @JsonValue
  public Map<String, Long> asMap() {
    return Collections.unmodifiableMap(seqs);
  }

  /** The highest n of {@code origin} accounted for; 0 when none. */
  public long get(String origin) {
    Long n = seqs.get(origin);
    return n == null ? 0 : n;
  }

  public Set<String> origins() {
    return Collections.unmodifiableSet(seqs.keySet());
  }

  @JsonIgnore
  public int size() {
    return seqs.size();
  }

  @JsonIgnore
  public boolean isEmpty() {
    return seqs.isEmpty();
  }

  public Digest with(String origin, long n) {
    TreeMap<String, Long> copy = new TreeMap<>(seqs);
    if (n == 0) copy.remove(origin);
    else copy.put(origin, n);
    return new Digest(copy);
  }

  /** Whether this digest accounts for some update that {@code other} does not. */
  public boolean aheadOf(Digest other) {
    for (Map.Entry<String, Long> e : seqs.entrySet()) {
      if (e.getValue() > other.get(e.getKey())) return true;
    }
    return false;
  }

  /** Why this digest cannot be used, or null when it is well formed. */
  String defect() {
    for (Map.Entry<String, Long> e : seqs.entrySet()) {
      if (!Entry.validName(e.getKey())) return "digest names [" + e.getKey() + "], which is not a node name";
      if (e.getValue() == null || e.getValue() < 0)
        return "digest gives [" + e.getKey() + "] the count [" + e.getValue() + "]";
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.seqs.equals(seqs);
  }

  @Override
  public int hashCode() {
    return seqs.hashCode();
  }

  @Override
  public String toString() {
    return seqs.toString();
  }
}
