package org.sidis.gossip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The graph flooding runs over (the notes' overlay network): every node computes its own
 * neighbours from the same member list and seed, so all nodes build the same graph without
 * talking about it.
 */
public enum Overlay {
  /** Everyone is everyone's neighbour: one hop, N−1 messages per update and node that forwards. */
  MESH,
  /** One hub with every other node as its neighbour: two hops, and the hub carries the load. */
  STAR,
  /**
   * About {@code degree} random neighbours per node: the union of {@code degree/2} random
   * Hamiltonian cycles, so the graph is connected and symmetric and its diameter grows as
   * log N.
   */
  RANDOM;

  public static Overlay parse(String s) {
    for (Overlay o : values()) if (o.name().equalsIgnoreCase(s.trim())) return o;
    throw new IllegalArgumentException("unknown overlay [" + s + "]; expected mesh, star or random");
  }

  /**
   * The neighbours of {@code self} among {@code members} (sorted the same way at every node).
   *
   * @param hub the star's hub; null or empty: the first member
   */
  public List<String> neighbours(String self, List<String> members, int degree, String hub, long seed) {
    if (!members.contains(self) || members.size() < 2) return List.of();
    switch (this) {
      case MESH -> {
        List<String> all = new ArrayList<>(members);
        all.remove(self);
        return List.copyOf(all);
      }
      case STAR -> {
        String center = hub == null || hub.isEmpty() || !members.contains(hub) ? members.get(0) : hub;
        if (!self.equals(center)) return List.of(center);
        List<String> all = new ArrayList<>(members);
        all.remove(self);
        return List.copyOf(all);
      }
      default -> {
        TreeSet<String> out = new TreeSet<>();
        int cycles = Math.max(1, degree / 2);
        for (int c = 0; c < cycles; c++) {
          List<String> ring = new ArrayList<>(members);
          Collections.shuffle(ring, new Random(seed * 1_000_003L + c));
          int i = ring.indexOf(self);
          out.add(ring.get((i + 1) % ring.size()));
          out.add(ring.get((i - 1 + ring.size()) % ring.size()));
        }
        out.remove(self);
        return List.copyOf(out);
      }
    }
  }
}
