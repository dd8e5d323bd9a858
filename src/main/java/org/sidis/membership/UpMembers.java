package org.sidis.membership;

import akka.cluster.UniqueAddress;

import java.util.HashSet;
import java.util.Set;

/**
 * The members a node has seen come Up and not yet leave, counted from its own membership events
 * one at a time. {@code Cluster.state()} is a snapshot kept by another subscriber and lags the
 * events a node receives: counted from it at each MemberUp, n1 reported 0, 1, 1 members up and
 * never 3, and the launcher, waiting for 3, never started its nemesis (issue 17). Members are
 * told apart by unique address, so a node restarted on its old host and port is a new member.
 */
public record UpMembers(Set<UniqueAddress> addresses) {

  public static final UpMembers NONE = new UpMembers(Set.of());

  public UpMembers {
    addresses = Set.copyOf(addresses);
  }

  /** After an event that says whether the member at {@code address} is Up ({@code up}) or not (joining, leaving, down, removed). */
  public UpMembers with(UniqueAddress address, boolean up) {
    if (addresses.contains(address) == up) return this;
    Set<UniqueAddress> next = new HashSet<>(addresses);
    if (up) next.add(address);
    else next.remove(address);
    return new UpMembers(next);
  }

  public int count() {
    return addresses.size();
  }
}
