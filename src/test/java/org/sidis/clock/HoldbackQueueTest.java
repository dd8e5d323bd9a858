package org.sidis.clock;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hold-back queue as a value: add, release in order, keep the rest — no actors. */
class HoldbackQueueTest {

  private static HoldbackQueue<String> with(long... numbers) {
    HoldbackQueue<String> q = HoldbackQueue.empty();
    for (long n : numbers) q = q.add(n, "m" + n);
    return q;
  }

  @Test
  void aMessageAfterAGapIsHeldBackUntilTheGapIsFilled() {
    HoldbackQueue<String> q = with(2, 3);
    HoldbackQueue.Release<String> r = q.release();
    assertEquals(List.of(), r.released(), "1 is missing: nothing goes");
    assertSame(q, r.rest());
    assertEquals(2, q.size());
    r = q.add(1, "m1").release();
    assertEquals(List.of("m1", "m2", "m3"), r.released());
    assertEquals(4, r.rest().next());
    assertTrue(r.rest().isEmpty());
  }

  @Test
  void addReturnsANewQueueAndLeavesTheOldOneAlone() {
    HoldbackQueue<String> a = with(3);
    HoldbackQueue<String> b = a.add(5, "m5");
    assertEquals(1, a.size());
    assertEquals(2, b.size());
    assertEquals(3, b.first());
    assertEquals(5, b.last());
    assertEquals("m5", b.get(5));
  }

  @Test
  void aDuplicateOrAMessageAlreadyReleasedChangesNothing() {
    HoldbackQueue<String> q = with(1, 2).release().rest().add(4, "m4"); // next is 3
    assertSame(q, q.add(4, "again"));
    assertSame(q, q.add(2, "late copy"));
    assertTrue(q.seen(2) && q.seen(4) && !q.seen(3));
    assertEquals("m4", q.get(4));
  }

  /** The run stops at the first message the rule holds back (total order's safe delivery, say). */
  @Test
  void releaseStopsAtTheFirstMessageTheRuleHoldsBackAndKeepsTheRest() {
    HoldbackQueue<String> q = with(1, 2, 3, 4);
    HoldbackQueue.Release<String> r = q.release(m -> !m.equals("m3"));
    assertEquals(List.of("m1", "m2"), r.released());
    assertEquals(3, r.rest().next());
    assertEquals(List.of("m3", "m4"), r.rest().held());
    assertEquals(List.of("m3", "m4"), r.rest().release().released(), "once the rule lets m3 go, m4 follows");
  }

  /** Whatever the arrival order, the releases together are 1..n in order, each once. */
  @Test
  void anyArrivalOrderIsReleasedInNumberOrderEachOnce() {
    for (long seed = 1; seed <= 50; seed++) {
      List<Long> arrivals = new ArrayList<>();
      for (long n = 1; n <= 40; n++) { arrivals.add(n); if (n % 7 == 0) arrivals.add(n); } // some twice
      Collections.shuffle(arrivals, new Random(seed));
      HoldbackQueue<String> q = HoldbackQueue.empty();
      List<String> out = new ArrayList<>();
      for (long n : arrivals) {
        HoldbackQueue.Release<String> r = q.add(n, "m" + n).release();
        out.addAll(r.released());
        q = r.rest();
      }
      List<String> expected = new ArrayList<>();
      for (long n = 1; n <= 40; n++) expected.add("m" + n);
      assertEquals(expected, out, "seed " + seed);
      assertTrue(q.isEmpty());
      assertEquals(41, q.next());
    }
  }

  /** The negative control for the test above: an order it must reject is seen as wrong. */
  @Test
  void withoutTheQueueTheArrivalOrderWouldShow() {
    List<Long> arrivals = new ArrayList<>();
    for (long n = 1; n <= 40; n++) arrivals.add(n);
    Collections.shuffle(arrivals, new Random(1));
    List<Long> sorted = new ArrayList<>(arrivals);
    Collections.sort(sorted);
    assertFalse(arrivals.equals(sorted), "the shuffle must disorder something, or the test above proves nothing");
  }

  @Test
  void startFromMovesTheNextDeliveryAndGivesUpWhatIsBelowIt() {
    HoldbackQueue.Release<String> r = with(2, 3, 6).startFrom(4);
    assertEquals(List.of("m2", "m3"), r.released(), "below the new start: given up, for the caller to trace");
    assertEquals(4, r.rest().next());
    assertEquals(List.of("m6"), r.rest().held());
    assertEquals(2, HoldbackQueue.<String>startingAt(5).startFrom(2).rest().next(), "back, too: nothing held is lost");
  }

  @Test
  void keepBelowCutsOffTheLaterMessages() {
    HoldbackQueue<String> q = with(2, 3, 6, 7).keepBelow(6);
    assertEquals(List.of("m2", "m3"), q.held());
    assertEquals(List.of("m3"), with(2, 3, 6).range(3, 5));
  }

  /** The in-order fast path ends where adding the next message and releasing it would. */
  @Test
  void passingTheNextMessageOfAnEmptyQueueIsAddingAndReleasingIt() {
    HoldbackQueue<String> q = with(1, 2).release().rest(); // next is 3, nothing held
    HoldbackQueue<String> passed = q.passNext();
    HoldbackQueue<String> added = q.add(3, "m3").release().rest();
    assertEquals(added.next(), passed.next());
    assertEquals(4, passed.next());
    assertTrue(passed.isEmpty() && passed.seen(3) && !passed.seen(4));
    assertEquals(3, q.next(), "the old queue is left alone");
    // A held message must not be passed by: the queue refuses rather than skip it.
    HoldbackQueue<String> holding = q.add(5, "m5");
    assertTrue(assertThrows(IllegalStateException.class, holding::passNext).getMessage().contains("held"));
  }

  @Test
  void badNumbersAreRefusedWithAClearError() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HoldbackQueue.startingAt(0)).getMessage().contains("from 1"));
    assertThrows(IllegalStateException.class, () -> HoldbackQueue.empty().first());
  }
}
