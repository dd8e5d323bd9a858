package org.sidis.node;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;

import java.util.Collection;
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
}
