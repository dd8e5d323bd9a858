package org.sidis.clock;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The implementation rules IR1 and IR2 of Lamport (1978), as values, without actors. */
class LamportClockTest {

  @Test
  void tickReturnsANewClockOneLaterAndLeavesTheOldOneAlone() {
    LamportClock a = LamportClock.ZERO;
    LamportClock b = a.tick().tick();
    assertEquals(0, a.time());
    assertEquals(2, b.time());
  }

  @Test
  void aReceiveIsLaterThanBothTheReceiverAndTheMessage() {
    assertEquals(8, LamportClock.at(3).receive(7).time(), "behind the message: jump past its timestamp");
    assertEquals(10, LamportClock.at(9).receive(2).time(), "ahead of the message: still one event later");
    assertEquals(5, LamportClock.at(4).receive(4).time());
  }

  @Test
  void mergeTakesTheLaterClockWithoutAnEventOfItsOwn() {
    assertEquals(LamportClock.at(7), LamportClock.at(3).merge(LamportClock.at(7)));
    assertEquals(LamportClock.at(7), LamportClock.at(7).merge(LamportClock.at(3)));
  }

  /**
   * The clock condition: a send happens before its receive, and the chain p → q → r with the
   * local events between keeps every later event of the chain at a larger time.
   */
  @Test
  void theClockConditionHoldsAlongAChainOfMessages() {
    LamportClock p = LamportClock.ZERO.tick().tick(); // two local events at p
    p = p.send();
    long m1 = p.time();
    LamportClock q = LamportClock.ZERO.tick(); // q's own event, concurrent with p's
    q = q.receive(m1);
    assertTrue(q.time() > m1);
    q = q.send();
    long m2 = q.time();
    LamportClock r = LamportClock.at(100); // r is far ahead: its clock never goes back
    r = r.receive(m2);
    assertEquals(101, r.time());
    assertTrue(r.time() > m2 && m2 > m1);
  }

  /** ⇒ is total: equal times are ordered by process name, the same way everywhere. */
  @Test
  void stampsOrderByTimeThenByProcess() {
    Comparator<LamportClock.Stamp> order = LamportClock.Stamp.order(Comparator.naturalOrder());
    List<LamportClock.Stamp> stamps = new ArrayList<>(List.of(
        new LamportClock.Stamp(2, "n1"), new LamportClock.Stamp(1, "n3"), new LamportClock.Stamp(2, "n0")));
    stamps.sort(order);
    assertEquals(List.of(new LamportClock.Stamp(1, "n3"), new LamportClock.Stamp(2, "n0"), new LamportClock.Stamp(2, "n1")), stamps);
    assertEquals(new LamportClock.Stamp(4, "n2"), LamportClock.at(4).stamp("n2"));
  }

  @Test
  void negativeTimesAreRefusedWithAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LamportClock.at(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LamportClock.ZERO.receive(-5));
  }
}
