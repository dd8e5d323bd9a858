package org.sidis.migration;

/**
 * The move protocol's state machine at the source: serving → copying (rounds) → switching →
 * done, or aborted when the target fails before it confirmed the switch. It counts rounds and
 * pages sent and measures total time (start to switch) and downtime (stop to switch), from the
 * clock readings the shell gives it — no clock of its own, so tests drive time. An illegal step
 * is an {@link IllegalStateException} naming both phases: a protocol bug, never a silent skip.
 */
public final class Move {

  private final long id;
  private final String target;
  private final RoundPlanner planner;
  private final long startedNanos;
  private Phase phase = Phase.SERVING;
  private int round;
  private long pagesSent;
  private long stoppedNanos = -1;
  private long switchedNanos = -1;

  public Move(long id, String target, RoundPlanner planner, long nowNanos) {
    this.id = id;
    this.target = target;
    this.planner = planner;
    this.startedNanos = nowNanos;
  }

  public long id() {
    return id;
  }

  public String target() {
    return target;
  }

  public Phase phase() {
    return phase;
  }

  public int round() {
    return round;
  }

  public long pagesSent() {
    return pagesSent;
  }

  public RoundPlanner planner() {
    return planner;
  }

  /** Begins the first copy: a round while serving (pre-copy) or the stop (stop-and-copy). */
  public Phase begin(long nowNanos) {
    return planner.first() == RoundPlanner.Step.ANOTHER_ROUND ? startRound() : stop(nowNanos);
  }

  /** A round finished with {@code dirty} pages written meanwhile: another round, or the stop. */
  public Phase roundDone(int dirty, long nowNanos) {
    require(Phase.COPYING);
    return planner.afterRound(round, dirty) == RoundPlanner.Step.ANOTHER_ROUND ? startRound() : stop(nowNanos);
  }

  /** {@code n} pages went to the target. */
  public void sent(int n) {
    pagesSent += n;
  }

  /** The target confirmed the switch: the actor runs there now. */
  public void switched(long nowNanos) {
    go(Phase.DONE);
    switchedNanos = nowNanos;
  }

  /** The target failed before it confirmed: the actor serves on here. */
  public void abort() {
    go(Phase.ABORTED);
  }

  /** Stop to switch, in ms (the time requests were held); -1 before the switch. */
  public double downtimeMs() {
    return switchedNanos < 0 || stoppedNanos < 0 ? -1 : (switchedNanos - stoppedNanos) / 1e6;
  }

  /** Start to switch, in ms; -1 before the switch. */
  public double totalMs() {
    return switchedNanos < 0 ? -1 : (switchedNanos - startedNanos) / 1e6;
  }

  /** How long the actor has been stopped so far, in ms (0 while it serves). */
  public double stoppedForMs(long nowNanos) {
    return stoppedNanos < 0 ? 0 : (nowNanos - stoppedNanos) / 1e6;
  }

  private Phase startRound() {
    go(Phase.COPYING);
    round++;
    return phase;
  }

  private Phase stop(long nowNanos) {
    go(Phase.SWITCHING);
    stoppedNanos = nowNanos;
    return phase;
  }

  private void require(Phase expected) {
    if (phase != expected) throw new IllegalStateException("move " + id + " is " + phase + ", not " + expected);
  }

  private void go(Phase next) {
    if (!phase.next().contains(next)) throw new IllegalStateException("move " + id + " cannot go from " + phase + " to " + next);
    phase = next;
  }
}
