package org.sidis.multicast;

import org.sidis.clock.VectorClock;

import java.util.Set;

/** What a group member tells the application that subscribed to it. */
public sealed interface GroupEvent {

  String group();

  /**
   * A message handed to the application, in the group's order. {@code origin} is the node that
   * multicast it; {@code msgId} names the member, {@code <node>~<incarnation>:<seq>}, so the
   * messages of a node restarted under its name are told apart. {@code clock} is the message's
   * causal timestamp — its origin's vector clock when it was sent — and null in other groups.
   * {@code gseq} is its number in the group's total order, 0 in groups without one.
   */
  record Delivered(String group, String msgId, String origin, long seq, String payload, VectorClock clock, long gseq)
      implements GroupEvent {}

  /** The application's own messages up to {@code upToSeq} are delivered at every member of the view. */
  record Stable(String group, long upToSeq) implements GroupEvent {}

  /** The group's members changed (this node included), as node names. */
  record MembersChanged(String group, Set<String> members) implements GroupEvent {}

  /**
   * This member joined a total-order group after ordering began and is not admitted: it will
   * deliver nothing of the group (its multicasts are still ordered for the others).
   */
  record NotAdmitted(String group, String reason) implements GroupEvent {}
}
