package org.sidis.gossip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The digest as a value: one line per origin, zeros say nothing, comparisons, the wire. */
class DigestTest {

  @Test
  void zeroLinesAreLeftOutSoTwoDigestsThatSayTheSameAreEqual() {
    Map<String, Long> withZero = new HashMap<>(Map.of("n1", 3L, "n2", 0L));
    assertEquals(Digest.of(Map.of("n1", 3L)), Digest.of(withZero));
    assertEquals(1, Digest.of(withZero).size());
    assertEquals(0, Digest.of(withZero).get("n2"));
    assertTrue(Digest.of(null).isEmpty());
  }

  @Test
  void withReturnsANewDigestAndLeavesTheOldOneAlone() {
    Digest a = Digest.of(Map.of("n1", 3L));
    Digest b = a.with("n2", 5).with("n1", 0);
    assertEquals(Map.of("n1", 3L), a.asMap());
    assertEquals(Map.of("n2", 5L), b.asMap());
  }

  @Test
  void aheadOfMeansSomeOriginFurtherNotJustDifferent() {
    Digest mine = Digest.of(Map.of("n1", 3L, "n2", 1L));
    Digest theirs = Digest.of(Map.of("n1", 2L, "n2", 4L));
    assertTrue(mine.aheadOf(theirs), "n1: 3 > 2");
    assertTrue(theirs.aheadOf(mine), "n2: 4 > 1 — concurrent digests are each ahead of the other");
    assertFalse(mine.aheadOf(mine.with("n3", 1)), "knowing less of nothing is not being ahead");
    assertFalse(Digest.EMPTY.aheadOf(mine));
    assertTrue(mine.aheadOf(Digest.EMPTY));
  }

  @Test
  void aMalformedDigestIsNamedNotTrusted() {
    assertNull(Digest.of(Map.of("n1", 3L)).defect());
    assertNotNull(Digest.of(Map.of("n1", -1L)).defect(), "a negative count");
    Map<String, Long> nullCount = new HashMap<>();
    nullCount.put("n1", null);
    assertNotNull(Digest.of(nullCount).defect(), "a null count");
    assertNotNull(Digest.of(Map.of("not a name!", 1L)).defect(), "a line for something that is not a node name");
  }

  @Test
  void itCrossesTheWireAsAMapAndComesBackEqual() throws Exception {
    Digest d = Digest.of(Map.of("n1", 3L, "n2~mx67kgue", 9L));
    for (ObjectMapper mapper : new ObjectMapper[] {new ObjectMapper(), new CBORMapper()}) {
      byte[] bytes = mapper.writeValueAsBytes(d);
      assertEquals(d, mapper.readValue(bytes, Digest.class), mapper.getClass().getSimpleName());
    }
  }
}
