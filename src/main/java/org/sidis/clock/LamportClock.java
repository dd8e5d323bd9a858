package org.sidis.clock;

import java.util.Comparator;
import java.util.Objects;

/**
 * A Lamport clock: one counter per process that orders events consistently with
 * happened-before (Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
 * CACM 21(7), 1978). Immutable; every step returns a new clock.
 *
 * <p>The paper's two implementation rules:
 * <ul>
 *   <li><b>IR1</b> — each process increments its clock between any two successive events
 *       ({@link #tick}); a send is an event, and the message carries the clock after the tick
 *       as its timestamp ({@link #send}).</li>
 *   <li><b>IR2</b> — on receiving a message with timestamp T<sub>m</sub>, the receiver sets its
 *       clock greater than or equal to its present value and greater than T<sub>m</sub>
 *       ({@link #receive}: max(C, T<sub>m</sub>) + 1, the receive being an event of its own).</li>
 * </ul>
 * These give the clock condition: if a → b then C(a) &lt; C(b). The converse does not hold —
 * that is what {@link VectorClock} adds. Ties between processes are broken by an arbitrary total
 * order of process names ({@link Stamp#order}), Lamport's relation ⇒, which turns the partial
 * order into a total one.
 */
public final class LamportClock {

  public static final LamportClock ZERO = new LamportClock(0);

  private final long time;

  private LamportClock(long time) {
    this.time = time;
  }

  public static LamportClock at(long time) {
    if (time < 0) throw new IllegalArgumentException("a Lamport clock counts events from 0, got [" + time + "]");
    return time == 0 ? ZERO : new LamportClock(time);
  }

  public long time() {
    return time;
  }

  /** IR1: a local event happened. */
  public LamportClock tick() {
    return new LamportClock(Math.addExact(time, 1));
  }

  /** IR1 for a send: the clock after the send event; its {@link #time} is the message's timestamp. */
  public LamportClock send() {
    return tick();
  }

  /** IR2: a message stamped {@code timestamp} was received; the receive is an event after both. */
  public LamportClock receive(long timestamp) {
    if (timestamp < 0) throw new IllegalArgumentException("a Lamport timestamp is never negative, got [" + timestamp + "]");
    return new LamportClock(Math.addExact(Math.max(time, timestamp), 1));
  }

  /** The larger of two clocks, with no event of its own (IR2 without the receive's tick). */
  public LamportClock merge(LamportClock other) {
    return other.time > time ? other : this;
  }

  /** An event's timestamp and process: Lamport's total order ⇒ compares time, then process. */
  public record Stamp(long time, String node) {
    public Stamp {
      Objects.requireNonNull(node, "a stamp names its process");
    }

    /** ⇒: by time, ties broken by {@code nodes} (any total order of process names, the same everywhere). */
    public static Comparator<Stamp> order(Comparator<String> nodes) {
      return Comparator.comparingLong(Stamp::time).thenComparing(Stamp::node, nodes);
    }
  }

  /** This clock's time as the stamp of an event of {@code node}. */
  public Stamp stamp(String node) {
    return new Stamp(time, node);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LamportClock c && c.time == time;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(time);
  }

  @Override
  public String toString() {
    return "L" + time;
  }
}
