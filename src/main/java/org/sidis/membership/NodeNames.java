package org.sidis.membership;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A node's name is published as its cluster role {@code sidis-node-<name>}: the one place that
 * turns what the Receptionist lists (actor refs) into what protocols speak of (node names).
 */
public final class NodeNames {

  public static final String ROLE_PREFIX = "sidis-node-";

  /** Node names in natural order: n2 before n10. */
  public static final Comparator<String> ORDER = NodeNames::compareNodeNames;

  private NodeNames() {}

  /** The cluster role that names {@code node}. */
  public static String role(String node) {
    return ROLE_PREFIX + node;
  }

  /** Listed refs by node name, and those whose member this node does not know yet (try again later). */
  public record Named<T>(Map<String, ActorRef<T>> named, Set<ActorRef<T>> notYet) {}

  /**
   * Names {@code refs} by their members' roles. With {@code reachableOnly}, refs on members
   * this node sees as unreachable are left out (neither named nor waiting).
   */
  public static <T> Named<T> name(ActorSystem<?> system, Collection<ActorRef<T>> refs, boolean reachableOnly) {
    Cluster cluster = Cluster.get(system);
    Map<Address, String> names = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      for (String r : m.getRoles()) {
        if (r.startsWith(ROLE_PREFIX)) names.put(m.address(), r.substring(ROLE_PREFIX.length()));
      }
    }
    Set<Address> unreachable = new HashSet<>();
    if (reachableOnly) for (Member m : cluster.state().getUnreachable()) unreachable.add(m.address());
    Address self = system.address();
    Map<String, ActorRef<T>> named = new HashMap<>();
    Set<ActorRef<T>> notYet = new HashSet<>();
    for (ActorRef<T> ref : refs) {
      Address a = ref.path().address();
      String name = a.hasLocalScope() ? names.get(self) : names.get(a);
      if (name == null) notYet.add(ref);
      else if (!unreachable.contains(a)) named.put(name, ref);
    }
    return new Named<>(named, notYet);
  }

  /**
   * The digit runs {@code a[i, endA)} and {@code b[j, endB)} by value, however long, without
   * building numbers: the run with more significant digits is larger, else the first differing
   * digit decides. (A BigInteger per comparison cost the 1000-node gossip simulation most of its
   * time in sorting views.)
   */
  private static int compareNumerals(String a, int i, int endA, String b, int j, int endB) {
    while (i < endA - 1 && Character.digit(a.charAt(i), 10) == 0) i++;
    while (j < endB - 1 && Character.digit(b.charAt(j), 10) == 0) j++;
    int byLength = Integer.compare(endA - i, endB - j);
    if (byLength != 0) return byLength;
    for (; i < endA; i++, j++) {
      int byDigit = Integer.compare(Character.digit(a.charAt(i), 10), Character.digit(b.charAt(j), 10));
      if (byDigit != 0) return byDigit;
    }
    return 0;
  }

  private static int compareNodeNames(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int endA = i;
        int endB = j;
        while (endA < a.length() && Character.isDigit(a.charAt(endA))) endA++;
        while (endB < b.length() && Character.isDigit(b.charAt(endB))) endB++;
        int byValue = compareNumerals(a, i, endA, b, j, endB);
        if (byValue != 0) return byValue;
        i = endA;
        j = endB;
      } else {
        if (x != y) return Character.compare(x, y);
        i++;
        j++;
      }
    }
    int byRest = Integer.compare(a.length() - i, b.length() - j);
    return byRest != 0 ? byRest : a.compareTo(b);
  }
}
