package org.sidis.migration;

import java.util.EnumSet;
import java.util.Set;

/**
 * The phases of one move as the moving actor's source sees it: it serves while copying (pre-copy's
 * rounds), stops to switch (the downtime), and ends moved or, when the target failed, aborted
 * with the actor serving where it was.
 */
public enum Phase {
  SERVING, COPYING, SWITCHING, DONE, ABORTED;

  /** The phases a move may go to from this one. */
  public Set<Phase> next() {
    return switch (this) {
      case SERVING -> EnumSet.of(COPYING, SWITCHING, ABORTED); // the target may decline before any copy
      case COPYING -> EnumSet.of(COPYING, SWITCHING, ABORTED);
      case SWITCHING -> EnumSet.of(DONE, ABORTED);
      case DONE, ABORTED -> EnumSet.noneOf(Phase.class);
    };
  }

  /** Whether the actor applies requests in this phase (it stops only to switch). */
  public boolean serves() {
    return this == SERVING || this == COPYING || this == ABORTED;
  }
}
