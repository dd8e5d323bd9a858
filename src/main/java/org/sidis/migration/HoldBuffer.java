package org.sidis.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests that arrive while the actor is stopped to switch: held in arrival order and handed
 * on in that order — to the target once it confirmed, or back to the actor itself when the move
 * aborted — so a move neither loses nor reorders a request. Bounded: a request beyond
 * {@code capacity} is refused with a clear answer instead of growing the heap without limit.
 */
public final class HoldBuffer<T> {

  private final int capacity;
  private final List<T> held = new ArrayList<>();
  private int maxHeld;

  public HoldBuffer(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("hold capacity must be >= 1, got " + capacity);
    this.capacity = capacity;
  }

  /** Holds {@code request}; false when the buffer is full (the caller refuses it, clearly). */
  public boolean hold(T request) {
    if (held.size() >= capacity) return false;
    held.add(request);
    maxHeld = Math.max(maxHeld, held.size());
    return true;
  }

  /** Every held request in arrival order; the buffer is empty afterwards. */
  public List<T> release() {
    List<T> out = List.copyOf(held);
    held.clear();
    return out;
  }

  public int size() {
    return held.size();
  }

  /** The most requests held at once. */
  public int maxHeld() {
    return maxHeld;
  }
}
