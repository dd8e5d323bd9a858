package org.sidis.net;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes can talk right now: the network split into sides, where two nodes hear each
 * other only when they are on the same side. Nodes named in no side form one more side
 * together, so {@code isolate(n3)} cuts n3 off from everyone else. Shared by every node of an
 * in-process run (the partition schedule of a benchmark changes it while nodes read it), so
 * the sides are swapped in as one immutable map.
 */
public final class Partitions {

  private volatile Map<String, Integer> sideOf = Map.of();

  public static Partitions none() {
    return new Partitions();
  }

  /** Splits the network into {@code sides} (and the rest); replaces any earlier split. */
  public void cut(Collection<? extends Collection<String>> sides) {
    Map<String, Integer> next = new HashMap<>();
    int i = 0;
    for (Collection<String> side : sides) {
      for (String node : side) {
        Integer before = next.put(node, i);
        if (before != null && before != i)
          throw new IllegalArgumentException("node [" + node + "] is on two sides of a partition: " + sides);
      }
      i++;
    }
    sideOf = Map.copyOf(next);
  }

  /** Cuts {@code nodes} off from everyone else. */
  public void isolate(Collection<String> nodes) {
    cut(List.of(nodes));
  }

  public void heal() {
    sideOf = Map.of();
  }

  public boolean canTalk(String a, String b) {
    Map<String, Integer> sides = sideOf;
    if (sides.isEmpty()) return true;
    return sides.getOrDefault(a, -1).equals(sides.getOrDefault(b, -1));
  }

  public boolean active() {
    return !sideOf.isEmpty();
  }

  @Override
  public String toString() {
    Map<Integer, Set<String>> bySide = new java.util.TreeMap<>();
    sideOf.forEach((n, s) -> bySide.computeIfAbsent(s, x -> new TreeSet<>()).add(n));
    return bySide.isEmpty() ? "no partition" : "partition " + bySide.values() + " | rest";
  }
}
