package org.sidis.multicast;

import org.junit.jupiter.api.Test;
import org.sidis.clock.VectorClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay's shape as a value, and dissemination along it by plain cores. */
class OverlayTest {

  private static List<String> nodes(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add("n" + i);
    return out;
  }

  /** Who receives the origin's message how many times, following nextHops from the origin. */
  private static Map<String, Integer> spread(Overlay o, String origin) {
    Map<String, Integer> copies = new HashMap<>();
    ArrayDeque<String[]> queue = new ArrayDeque<>();
    Set<String> forwarded = new HashSet<>();
    for (String h : o.nextHops(origin, origin, null)) queue.add(new String[] {origin, h});
    forwarded.add(origin);
    while (!queue.isEmpty()) {
      String[] hop = queue.poll();
      copies.merge(hop[1], 1, Integer::sum);
      if (forwarded.add(hop[1])) for (String h : o.nextHops(hop[1], origin, hop[0])) queue.add(new String[] {hop[1], h});
    }
    return copies;
  }

  private static int depth(Overlay o, String origin, String target) {
    int d = 0;
    Set<String> level = Set.of(origin);
    Set<String> seen = new HashSet<>(level);
    while (!level.contains(target)) {
      Set<String> next = new HashSet<>();
      for (String m : level) for (String h : o.nextHops(m, origin, null)) if (seen.add(h)) next.add(h);
      level = next;
      d++;
    }
    return d;
  }

  @Test
  void aTreeRootedAtTheOriginReachesEveryMemberExactlyOnce() {
    for (int n = 1; n <= 12; n++) {
      for (int k = 1; k <= 3; k++) {
        Overlay tree = Overlay.of(Overlay.Topology.TREE, k, nodes(n));
        for (String origin : nodes(n)) {
          Map<String, Integer> copies = spread(tree, origin);
          Set<String> others = new TreeSet<>(nodes(n));
          others.remove(origin);
          assertEquals(others, copies.keySet(), "n=" + n + " k=" + k + " origin " + origin);
          assertTrue(copies.values().stream().allMatch(c -> c == 1), "duplicates in a tree: " + copies);
        }
      }
    }
  }

  @Test
  void aBinaryTreeOfSevenIsTwoHopsDeep() {
    Overlay tree = Overlay.of(Overlay.Topology.TREE, 2, nodes(7));
    int deepest = 0;
    for (String m : nodes(7)) if (!m.equals("n3")) deepest = Math.max(deepest, depth(tree, "n3", m));
    assertEquals(2, deepest);
    assertEquals(List.of("n4", "n5"), tree.nextHops("n3", "n3", null), "the origin's children are the next two after it");
  }

  @Test
  void aMeshLinksEachMemberToItsRingNeighboursAndReachesEveryone() {
    Overlay mesh = Overlay.of(Overlay.Topology.MESH, 2, nodes(7));
    assertEquals(Set.of("n2", "n3", "n6", "n7"), mesh.neighbours("n1"));
    for (String origin : nodes(7)) {
      Map<String, Integer> copies = spread(mesh, origin);
      assertEquals(6, copies.size(), "reaches all but the origin: " + copies);
      assertTrue(copies.values().stream().anyMatch(c -> c > 1), "a mesh sends some copies twice; they are suppressed by id");
    }
  }

  @Test
  void linksAreTwoWay() {
    Overlay mesh = Overlay.of(Overlay.Topology.MESH, 2, nodes(9));
    for (String a : nodes(9)) for (String b : mesh.neighbours(a)) assertTrue(mesh.neighbours(b).contains(a), a + "-" + b);
  }

  @Test
  void anUnknownTopologyIsRefusedByName() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Overlay.Topology.parse("ring"));
    assertTrue(e.getMessage().contains("unknown overlay topology [ring]"));
  }

  // ------------------------------------------------------------------ dissemination by cores

  /** Plain cores wired by a FIFO in-memory network; links to departed members are cut. */
  static final class Net {
    final Map<String, MulticastCore> cores = new HashMap<>();
    final Map<String, List<String>> delivered = new HashMap<>();
    final ArrayDeque<Runnable> wire = new ArrayDeque<>();
    final Map<String, Integer> dataSent = new HashMap<>(); // "a->b" -> copies
    final Set<String> gone = new HashSet<>();
    long now;

    Net(Overlay.Topology topology, List<String> names) {
      for (String n : names) {
        delivered.put(n, new ArrayList<>());
        cores.put(n, new MulticastCore(n, MulticastSettings.defaults("g", Order.FIFO).withTopology(topology, 2), fx(n)));
      }
      for (MulticastCore c : cores.values()) c.onView(new TreeSet<>(names), now);
    }

    private void post(String to, Runnable r) {
      wire.add(() -> { if (!gone.contains(to)) r.run(); });
    }

    MulticastCore.Effects fx(String self) {
      return new MulticastCore.Effects() {
        @Override public void sendData(String peer, Data data) {
          dataSent.merge(self + "->" + peer, 1, Integer::sum);
          post(peer, () -> cores.get(peer).onData(self, data, now));
        }
        @Override public void sendHello(String peer, long firstSeq) { post(peer, () -> cores.get(peer).onHello(self, firstSeq)); }
        @Override public void sendNack(String peer, String origin, long from, long to) { post(peer, () -> cores.get(peer).onNack(self, origin, from, to, now)); }
        @Override public void sendStatus(String peer, Map<String, Long> d, Map<String, Long> r, long g) { post(peer, () -> cores.get(peer).onStatus(self, d, r, g, now)); }
        @Override public void sendOrdering(String peer, TotalOrder.Message m) { }
        @Override public void deliver(Data data, long gseq) { delivered.get(self).add(data.msgId()); }
        @Override public boolean tracing() { return false; }
        @Override public void stable(long upToSeq) { }
        @Override public void reject(String reason) { throw new AssertionError(self + " rejected: " + reason); }
        @Override public void trace(String event, String msgId, VectorClock vc, Long gseq, Map<String, ?> extra) { }
      };
    }

    void settle() {
      while (!wire.isEmpty()) wire.poll().run();
    }

    void run(int ticks) {
      for (int i = 0; i < ticks; i++) {
        now += 100;
        for (Map.Entry<String, MulticastCore> e : cores.entrySet()) if (!gone.contains(e.getKey())) e.getValue().tick(now);
        settle();
      }
    }
  }

  @Test
  void aTreeCarriesEachMessageOverEachLinkOnceAndTheOriginSendsOnlyToItsChildren() {
    Net net = new Net(Overlay.Topology.TREE, nodes(7));
    net.settle();
    net.dataSent.clear();
    net.cores.get("n1").multicast("hello");
    net.settle();
    for (String n : nodes(7)) assertEquals(List.of("n1:1"), net.delivered.get(n), n);
    assertEquals(6, net.dataSent.values().stream().mapToInt(Integer::intValue).sum(), "one copy per member: " + net.dataSent);
    assertEquals(Set.of("n1->n2", "n1->n3", "n2->n4", "n2->n5", "n3->n6", "n3->n7"), net.dataSent.keySet());
  }

  @Test
  void aMeshSuppressesDuplicatesAndDeliversOnce() {
    Net net = new Net(Overlay.Topology.MESH, nodes(7));
    net.settle();
    net.cores.get("n4").multicast("hello");
    net.settle();
    for (String n : nodes(7)) assertEquals(List.of("n4:1"), net.delivered.get(n), n);
  }

  @Test
  void messagesInFlightWhenATreeNodeLeavesAreRepairedAndNothingIsLost() {
    Net net = new Net(Overlay.Topology.TREE, nodes(7));
    net.settle();
    for (int k = 0; k < 5; k++) net.cores.get("n1").multicast("m" + k);
    // n2, an inner node of n1's tree, dies with everything still on the wire.
    net.gone.add("n2");
    Set<String> survivors = new TreeSet<>(nodes(7));
    survivors.remove("n2");
    for (String s : survivors) net.cores.get(s).onView(survivors, net.now);
    net.settle();
    for (int k = 5; k < 10; k++) net.cores.get("n1").multicast("m" + k);
    net.run(10); // statuses reveal the gaps, nacks repair them
    for (String s : survivors) {
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 10; i++) expected.add("n1:" + i);
      assertEquals(expected, net.delivered.get(s), s + " after the tree was rebuilt without n2");
    }
  }
}
