package org.sidis.trace;

/**
 * The {@code actor} field of a restarted node's lines: the actor's path marked with the node's
 * incarnation, {@code /user/multicast-chat#2} (issue 17). A node the launcher starts again under
 * its name is a new process whose actors count {@code lseq} from 1 again; the mark makes each
 * start's actors distinct actors of the contract, so one run's trace files read together (the
 * shared linter, which keys {@code lseq} by node and actor across every file it is given; the
 * checkers) never mistake the new count for the old one going backwards. The first start keeps
 * the bare path, so a run without restarts reads exactly as before. {@code #} cannot occur in an
 * Akka actor path (Akka itself writes an actor's own incarnation, its uid, after a {@code #}),
 * and the trace's other actor names ({@code node}, a simulation's {@code <run>/<node>}) have none.
 */
public final class ActorNames {

  /** Separates the actor's path from its node's incarnation. */
  public static final char INCARNATION_MARK = '#';

  /** The first start of a node: its actors carry no mark. */
  public static final int FIRST = 1;

  private ActorNames() {}

  /** {@code actor} as the {@code incarnation}-th start of its node names it. */
  public static String of(String actor, int incarnation) {
    if (incarnation < FIRST) throw new IllegalArgumentException("incarnation " + incarnation + " of [" + actor + "] is not 1 or more");
    return incarnation == FIRST ? actor : actor + INCARNATION_MARK + incarnation;
  }

  /** The incarnation an actor name carries, {@link #FIRST} without a (well-formed) mark. */
  public static int incarnationOf(String actor) {
    int at = actor == null ? -1 : actor.lastIndexOf(INCARNATION_MARK);
    if (at < 0 || at == actor.length() - 1) return FIRST;
    try {
      int k = Integer.parseInt(actor.substring(at + 1));
      return k >= FIRST ? k : FIRST;
    } catch (NumberFormatException notAMark) {
      return FIRST;
    }
  }

  /** Whether {@code actor} carries a well-formed incarnation mark. */
  public static boolean marked(String actor) {
    return incarnationOf(actor) > FIRST;
  }

  /** The actor's path without its incarnation mark. */
  public static String pathOf(String actor) {
    return marked(actor) ? actor.substring(0, actor.lastIndexOf(INCARNATION_MARK)) : actor;
  }
}
