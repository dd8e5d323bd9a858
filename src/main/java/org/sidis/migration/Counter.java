package org.sidis.migration;

import java.util.HashMap;
import java.util.Map;

/**
 * The counter-like application state that moves with the actor: its value and, per client, the
 * last request applied and its result. A client that resends a request (it timed out while the
 * actor moved) gets the first answer again, never a second increment: nothing is applied twice.
 * Each client has one request in flight at a time, numbered 1, 2, … ({@code <client>:<n>}), so
 * the last one per client is all the memory exactly-once needs.
 */
public final class Counter {

  /** The last request of a client and the value it returned. */
  public record Last(long seq, long value) {}

  /** What a request came to. */
  public enum Outcome { APPLIED, REPEATED, STALE }

  /** A request's result: the value returned and whether this request changed the counter. */
  public record Result(Outcome outcome, long value) {}

  private long value;
  private final Map<String, Last> last;

  public Counter() {
    this(0, Map.of());
  }

  public Counter(long value, Map<String, Last> last) {
    this.value = value;
    this.last = new HashMap<>(last);
  }

  /** Applies request {@code seq} of {@code client}: once; a repeat returns the first answer. */
  public Result apply(String client, long seq) {
    Last l = last.get(client);
    if (l != null && seq == l.seq()) return new Result(Outcome.REPEATED, l.value());
    if (l != null && seq < l.seq()) return new Result(Outcome.STALE, -1);
    value++;
    last.put(client, new Last(seq, value));
    return new Result(Outcome.APPLIED, value);
  }

  public long value() {
    return value;
  }

  /** A copy of the per-client memory, to move with the value. */
  public Map<String, Last> lastByClient() {
    return Map.copyOf(last);
  }
}
