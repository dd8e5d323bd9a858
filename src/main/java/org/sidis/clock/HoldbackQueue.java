package org.sidis.clock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hold-back queue: messages numbered 1, 2, 3… arrive in any order and are handed up in
 * number order, each only once every earlier one was (Tanenbaum &amp; van Steen's FIFO-ordered
 * multicast; the same queue holds total order's messages by their global number and, with a
 * deliverability rule, causal order's — Birman, Schiper and Stephenson 1991). Immutable; every
 * operation returns a new queue.
 *
 * <p>The queue knows the number the next delivery must carry ({@link #next}). {@link #release}
 * hands up, in order, the run of held messages from {@code next} on for which the caller's
 * deliverability rule holds and keeps the rest; a message below {@code next} or held already
 * is a duplicate and changes nothing. Entries are two sorted parallel arrays: a hold-back
 * queue holds a handful of messages between two releases, for which an array beats a tree.
 *
 * @param <T> what is held (a message, an assignment)
 */
public final class HoldbackQueue<T> {

  private static final long[] NO_NUMBERS = new long[0];
  private static final Object[] NO_ITEMS = new Object[0];
  private static final HoldbackQueue<?> EMPTY_FROM_1 = new HoldbackQueue<>(1, NO_NUMBERS, NO_ITEMS);

  private final long next;
  private final long[] numbers; // sorted, distinct, all >= next
  private final Object[] items;

  private HoldbackQueue(long next, long[] numbers, Object[] items) {
    this.next = next;
    this.numbers = numbers;
    this.items = items;
  }

  /** An empty queue whose next delivery is number 1. */
  @SuppressWarnings("unchecked")
  public static <T> HoldbackQueue<T> empty() {
    return (HoldbackQueue<T>) EMPTY_FROM_1;
  }

  /** An empty queue whose next delivery is number {@code next}. */
  public static <T> HoldbackQueue<T> startingAt(long next) {
    if (next < 1) throw new IllegalArgumentException("a hold-back queue numbers from 1, got next [" + next + "]");
    return next == 1 ? empty() : new HoldbackQueue<>(next, NO_NUMBERS, NO_ITEMS);
  }

  /**
   * The queue after its next message was handed up without ever being held: the in-order
   * common case of a stream with nothing held back, which needs neither {@link #add} nor
   * {@link #release} and copies no entries. Only an empty queue may be passed over so — a held
   * message would otherwise be skipped.
   */
  public HoldbackQueue<T> passNext() {
    if (!isEmpty()) throw new IllegalStateException("the next message of " + this + " cannot pass held messages by");
    return new HoldbackQueue<>(next + 1, NO_NUMBERS, NO_ITEMS);
  }

  /** What a release handed up (in order) and the queue that is left. */
  public record Release<T>(List<T> released, HoldbackQueue<T> rest) {}

  /** The number the next delivery must carry: everything below it was released. */
  public long next() {
    return next;
  }

  public int size() {
    return numbers.length;
  }

  public boolean isEmpty() {
    return numbers.length == 0;
  }

  /** Whether message {@code number} is held here. */
  public boolean holds(long number) {
    return Arrays.binarySearch(numbers, number) >= 0;
  }

  /** Whether {@code number} was released or is held: a second copy of it changes nothing. */
  public boolean seen(long number) {
    return number < next || holds(number);
  }

  /** Message {@code number}, or null when it is not held. */
  @SuppressWarnings("unchecked")
  public T get(long number) {
    int i = Arrays.binarySearch(numbers, number);
    return i >= 0 ? (T) items[i] : null;
  }

  /** The lowest number held; the queue must not be empty. */
  public long first() {
    if (isEmpty()) throw new IllegalStateException("an empty hold-back queue has no first message");
    return numbers[0];
  }

  /** The highest number held; the queue must not be empty. */
  public long last() {
    if (isEmpty()) throw new IllegalStateException("an empty hold-back queue has no last message");
    return numbers[numbers.length - 1];
  }

  /** Holds {@code item} as number {@code number}; a duplicate (released or held already) changes nothing. */
  public HoldbackQueue<T> add(long number, T item) {
    if (number < next) return this;
    int i = Arrays.binarySearch(numbers, number);
    if (i >= 0) return this;
    int at = -i - 1;
    long[] n = new long[numbers.length + 1];
    Object[] it = new Object[items.length + 1];
    System.arraycopy(numbers, 0, n, 0, at);
    System.arraycopy(items, 0, it, 0, at);
    n[at] = number;
    it[at] = item;
    System.arraycopy(numbers, at, n, at + 1, numbers.length - at);
    System.arraycopy(items, at, it, at + 1, items.length - at);
    return new HoldbackQueue<>(next, n, it);
  }

  /** Releases the consecutive run from {@link #next} on; the rest waits for what is missing. */
  public Release<T> release() {
    return release(t -> true);
  }

  /**
   * Releases, in number order, the held messages from {@link #next} on while each is there and
   * {@code deliverable} holds for it; stops at the first missing or undeliverable one, which
   * holds back everything after it.
   */
  @SuppressWarnings("unchecked")
  public Release<T> release(Predicate<? super T> deliverable) {
    int k = 0;
    while (k < numbers.length && numbers[k] == next + k && deliverable.test((T) items[k])) k++;
    if (k == 0) return new Release<>(List.of(), this);
    List<T> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) out.add((T) items[i]);
    HoldbackQueue<T> rest = k == numbers.length
        ? new HoldbackQueue<>(next + k, NO_NUMBERS, NO_ITEMS)
        : new HoldbackQueue<>(next + k, Arrays.copyOfRange(numbers, k, numbers.length), Arrays.copyOfRange(items, k, items.length));
    return new Release<>(Collections.unmodifiableList(out), rest);
  }

  /**
   * The queue with its next delivery at {@code next}, forward or back: held messages below it
   * are given up (returned as released, for the caller to trace), the rest are kept.
   */
  @SuppressWarnings("unchecked")
  public Release<T> startFrom(long next) {
    if (next < 1) throw new IllegalArgumentException("a hold-back queue numbers from 1, got next [" + next + "]");
    int k = 0;
    while (k < numbers.length && numbers[k] < next) k++;
    List<T> below = new ArrayList<>(k);
    for (int i = 0; i < k; i++) below.add((T) items[i]);
    return new Release<>(Collections.unmodifiableList(below),
        new HoldbackQueue<>(next, Arrays.copyOfRange(numbers, k, numbers.length), Arrays.copyOfRange(items, k, items.length)));
  }

  /** The queue without the messages numbered {@code from} or later (a cut: those are void). */
  public HoldbackQueue<T> keepBelow(long from) {
    int k = 0;
    while (k < numbers.length && numbers[k] < from) k++;
    if (k == numbers.length) return this;
    return new HoldbackQueue<>(next, Arrays.copyOf(numbers, k), Arrays.copyOf(items, k));
  }

  /** The held messages numbered {@code from..to}, in order. */
  @SuppressWarnings("unchecked")
  public List<T> range(long from, long to) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < numbers.length; i++) if (numbers[i] >= from && numbers[i] <= to) out.add((T) items[i]);
    return out;
  }

  /** Every held message, in number order. */
  public List<T> held() {
    return range(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Override
  public String toString() {
    return "HoldbackQueue(next " + next + ", held " + Arrays.toString(numbers) + ")";
  }
}
