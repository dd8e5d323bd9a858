package org.sidis.multicast;

import org.sidis.membership.NodeNames;

import java.util.Collection;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * A group member's name is its node's name qualified by the node's incarnation,
 * {@code <node>~<inc>} (see {@link GroupMember}); tests and the in-process simulation also use
 * bare node names. {@link #ORDER} is the one order of members in this room: whoever is "first"
 * — the sequencer of total order, the even split's tie-break, the member that leads a
 * hand-over — is first in it, on every member alike.
 */
public final class MemberNames {

  /** Separates a node's name from its incarnation in a member name, as in gossip's update origins. */
  public static final char INCARNATION_SEPARATOR = '~';

  /**
   * Members by their node in the project's node order ({@link NodeNames#ORDER}: n2 before n10),
   * then by incarnation. Plain String order put n10 before n2 and {@code n10~b} before
   * {@code n1~a} ('0' sorts before '~'), so with ten nodes or more it named another member
   * first than the rest of sidis does.
   */
  public static final Comparator<String> ORDER =
      Comparator.comparing(MemberNames::nodeOf, NodeNames.ORDER).thenComparing(MemberNames::incarnationOf);

  private MemberNames() {}

  public static String of(String node, String incarnation) {
    return node + INCARNATION_SEPARATOR + incarnation;
  }

  /** The node a member name belongs to: the name without its incarnation. */
  public static String nodeOf(String member) {
    int at = member.indexOf(INCARNATION_SEPARATOR);
    return at < 0 ? member : member.substring(0, at);
  }

  /** The incarnation a member name carries, or "" for a bare node name. */
  public static String incarnationOf(String member) {
    int at = member.indexOf(INCARNATION_SEPARATOR);
    return at < 0 ? "" : member.substring(at + 1);
  }

  /** Members in {@link #ORDER}, whatever set they came in. */
  public static TreeSet<String> sorted(Collection<String> members) {
    TreeSet<String> out = new TreeSet<>(ORDER);
    out.addAll(members);
    return out;
  }

  /** The first of {@code members} in {@link #ORDER}. */
  public static String first(Collection<String> members) {
    return sorted(members).first();
  }

  /** Whether {@code a} comes before {@code b} in {@link #ORDER}. */
  public static boolean before(String a, String b) {
    return ORDER.compare(a, b) < 0;
  }
}
