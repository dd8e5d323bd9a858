package org.sidis.multicast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The overlay a group disseminates over (the notes' application-level multicast): who passes
 * a message on to whom. Built from the sorted member list alone, so every member computes the
 * same overlay from the same view, and rebuilt whenever the view changes. Immutable.
 *
 * <ul>
 *   <li>{@link Topology#DIRECT}: the origin sends to every member (no overlay).
 *   <li>{@link Topology#TREE}: a k-ary tree rooted at the origin — the member list rotated so
 *       the origin comes first, member i's children are k·i+1 … k·i+k. Each member gets each
 *       message once; depth ⌈log_k N⌉.
 *   <li>{@link Topology#MESH}: each member is linked to the next k members of the ring of the
 *       sorted list (and so, links being two-way, to the k before it). A member forwards what
 *       it sees first to all its neighbours but the sender; copies that arrive again are
 *       suppressed by message id. No root to lose, more copies on the wire.
 * </ul>
 */
public final class Overlay {

  public enum Topology {
    DIRECT, TREE, MESH;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Topology parse(String s) {
      for (Topology t : values()) if (t.id().equalsIgnoreCase(s.trim())) return t;
      throw new IllegalArgumentException("unknown overlay topology [" + s + "]; expected direct, tree or mesh");
    }
  }

  private final Topology topology;
  private final int fanout;
  private final List<String> members; // in MemberNames.ORDER

  private Overlay(Topology topology, int fanout, Collection<String> members) {
    if (fanout < 1) throw new IllegalArgumentException("overlay fanout must be at least 1, got [" + fanout + "]");
    this.topology = topology;
    this.fanout = fanout;
    this.members = List.copyOf(MemberNames.sorted(members)); // in the room's one member order
  }

  public static Overlay of(Topology topology, int fanout, Collection<String> members) {
    return new Overlay(topology, fanout, members);
  }

  public Topology topology() {
    return topology;
  }

  /**
   * Where {@code self} sends a message of {@code origin} that it got from {@code from} (null
   * when {@code self} is the origin).
   */
  public List<String> nextHops(String self, String origin, String from) {
    int n = members.size();
    int me = members.indexOf(self);
    if (me < 0) return List.of();
    List<String> out = new ArrayList<>();
    switch (topology) {
      case DIRECT -> {
        if (self.equals(origin)) for (String m : members) if (!m.equals(self)) out.add(m);
      }
      case TREE -> {
        int root = members.indexOf(origin);
        if (root < 0) return List.of(); // an origin outside the view: the reliable layer repairs
        int i = Math.floorMod(me - root, n); // position in the tree rooted at the origin
        for (int c = fanout * i + 1; c <= fanout * i + fanout && c < n; c++) out.add(members.get((root + c) % n));
      }
      case MESH -> {
        for (String neighbour : neighbours(self)) {
          if (!neighbour.equals(from) && !neighbour.equals(origin)) out.add(neighbour);
        }
      }
    }
    return out;
  }

  /** A member's links in the mesh: the k after it on the ring and the k before it. */
  public Set<String> neighbours(String self) {
    int n = members.size();
    int me = members.indexOf(self);
    Set<String> out = new TreeSet<>(MemberNames.ORDER);
    if (me < 0) return out;
    for (int d = 1; d <= fanout && d < n; d++) {
      out.add(members.get((me + d) % n));
      out.add(members.get(Math.floorMod(me - d, n)));
    }
    out.remove(self);
    return out;
  }

  @Override
  public String toString() {
    return "Overlay[" + topology.id() + ", fanout " + fanout + ", " + members + "]";
  }
}
