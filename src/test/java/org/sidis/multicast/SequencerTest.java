package org.sidis.multicast;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The sequencer's rule as a value: one number per message, one message per number, within its epoch. */
class SequencerTest {

  private static TotalOrder.Key k(String origin, long seq) {
    return new TotalOrder.Key(origin, seq);
  }

  @Test
  void numbersConsecutivelyFromItsFirstNumberInTheGivenOrder() {
    Sequencer s = new Sequencer(3, 8);
    List<TotalOrder.Assignment> a = s.number(List.of(k("n2", 1), k("n1", 4)), 0);
    assertEquals(List.of(new TotalOrder.Assignment(3, 8, "n2", 1), new TotalOrder.Assignment(3, 9, "n1", 4)), a);
    assertEquals(10, s.next());
  }

  @Test
  void aMessageAskedTwiceIsNumberedOnce() {
    Sequencer s = new Sequencer(1, 1);
    s.number(List.of(k("n2", 1)), 0);
    assertEquals(List.of(new TotalOrder.Assignment(1, 2, "n3", 1)), s.number(List.of(k("n2", 1), k("n3", 1)), 0));
    assertEquals(List.of(), s.number(List.of(k("n3", 1)), 0));
  }

  @Test
  void whatTheMemberDeliveredIsForgotten() {
    Sequencer s = new Sequencer(1, 1);
    s.number(List.of(k("n2", 1), k("n2", 2), k("n2", 3)), 0);
    assertEquals(3, s.remembered());
    s.number(List.of(), 2);
    assertEquals(1, s.remembered());
  }

  @Test
  void anEpochOrFirstNumberBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Sequencer(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Sequencer(1, 0));
  }
}
