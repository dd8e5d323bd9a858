package org.sidis.migration;

/**
 * Pre-copy's stopping rule (Clark et al. 2005, §3): after each round of copying, stop the actor
 * and copy the rest when the pages dirtied meanwhile are few enough to copy in a short pause, or
 * when {@code maxRounds} rounds have run — a state written faster than it can be copied never
 * gets quiet, and must still finish moving. Stop-and-copy is the planner that stops at once.
 * An immutable value.
 *
 * @param mode       how the move goes
 * @param stopPages  stop when at most this many pages are dirty after a round
 * @param maxRounds  stop after this many copying rounds whatever remains (at least 1)
 */
public record RoundPlanner(MoveMode mode, int stopPages, int maxRounds) {

  public RoundPlanner {
    if (mode == null) throw new IllegalArgumentException("a planner needs a move mode");
    if (stopPages < 0) throw new IllegalArgumentException("stop-pages must be >= 0, got " + stopPages);
    if (maxRounds < 1) throw new IllegalArgumentException("max-rounds must be >= 1, got " + maxRounds);
  }

  /** What to do next. */
  public enum Step {
    /** Copy the dirty pages in another round while the actor keeps serving. */
    ANOTHER_ROUND,
    /** Stop the actor, copy the remaining dirty pages and switch. */
    STOP_AND_SWITCH
  }

  /** Before any round: stop-and-copy stops at once; pre-copy starts copying while serving. */
  public Step first() {
    return mode == MoveMode.STOP_AND_COPY ? Step.STOP_AND_SWITCH : Step.ANOTHER_ROUND;
  }

  /** After round {@code round} (from 1) finished with {@code dirty} pages written meanwhile. */
  public Step afterRound(int round, int dirty) {
    if (round < 1) throw new IllegalArgumentException("rounds count from 1, got " + round);
    if (dirty <= stopPages || round >= maxRounds) return Step.STOP_AND_SWITCH;
    return Step.ANOTHER_ROUND;
  }
}
