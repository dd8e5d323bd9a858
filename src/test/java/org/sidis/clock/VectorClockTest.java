package org.sidis.clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorClockTest {

  private static VectorClock vc(Object... nodeAndCount) {
    VectorClock c = VectorClock.EMPTY;
    for (int i = 0; i < nodeAndCount.length; i += 2) c = c.with((String) nodeAndCount[i], ((Number) nodeAndCount[i + 1]).longValue());
    return c;
  }

  @Test
  void aMissingNodeCountsAsZero() {
    assertEquals(0, vc("n1", 2).get("n2"));
    assertEquals(vc("n1", 2), vc("n1", 2, "n2", 0));
  }

  @Test
  void incrementReturnsANewClockAndLeavesTheOldOneAlone() {
    VectorClock a = vc("n1", 1);
    VectorClock b = a.increment("n1").increment("n2");
    assertEquals(1, a.get("n1"));
    assertEquals(vc("n1", 2, "n2", 1), b);
  }

  @Test
  void mergeTakesThePointwiseMaximum() {
    assertEquals(vc("n1", 3, "n2", 4, "n3", 1), vc("n1", 3, "n2", 1).merge(vc("n2", 4, "n3", 1)));
  }

  @Test
  void mergeWithWhatItAlreadyKnowsIsTheSameClock() {
    VectorClock a = vc("n1", 3, "n2", 1);
    assertSame(a, a.merge(vc("n1", 2)));
  }

  @Test
  void aClockBelowAnotherHappenedBeforeIt() {
    VectorClock a = vc("n1", 1);
    VectorClock b = vc("n1", 1, "n2", 1);
    assertTrue(a.happenedBefore(b));
    assertFalse(b.happenedBefore(a));
    assertEquals(VectorClock.Order.AFTER, b.compareTo(a));
    assertTrue(a.isCoveredBy(b));
    assertFalse(b.isCoveredBy(a));
  }

  @Test
  void clocksThatEachKnowSomethingTheOtherDoesNotAreConcurrent() {
    VectorClock a = vc("n1", 2, "n2", 1);
    VectorClock b = vc("n1", 1, "n2", 2);
    assertTrue(a.isConcurrentWith(b));
    assertEquals(VectorClock.Order.CONCURRENT, b.compareTo(a));
    assertFalse(a.happenedBefore(b) || b.happenedBefore(a));
  }

  @Test
  void equalClocksAreNeitherBeforeNorConcurrent() {
    assertEquals(VectorClock.Order.EQUAL, vc("n1", 1).compareTo(vc("n1", 1)));
    assertEquals(VectorClock.Order.EQUAL, VectorClock.EMPTY.compareTo(vc("n2", 0)));
  }

  @Test
  void negativeEntriesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("n1", -1L)));
    assertThrows(IllegalArgumentException.class, () -> VectorClock.EMPTY.with("n1", -3));
  }

  @Test
  void printsAndSerializesAsAnObjectOfNodeToCount() throws Exception {
    VectorClock c = vc("n2", 1, "n1", 3);
    assertEquals("{\"n1\":3,\"n2\":1}", c.toString());
    ObjectMapper json = new ObjectMapper();
    assertEquals("{\"n1\":3,\"n2\":1}", json.writeValueAsString(c));
    assertEquals(c, json.readValue("{\"n1\":3,\"n2\":1}", VectorClock.class));
    CBORMapper cbor = new CBORMapper();
    assertEquals(c, cbor.readValue(cbor.writeValueAsBytes(c), VectorClock.class));
  }
}
