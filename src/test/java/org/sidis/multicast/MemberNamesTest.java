package org.sidis.multicast;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberNamesTest {

  @Test
  void membersSortByNodeInNodeOrderThenByIncarnation() {
    List<String> sorted = List.copyOf(MemberNames.sorted(Set.of("n10~a", "n1~b", "n2~z", "n1~a", "n9", "n11~0")));
    assertEquals(List.of("n1~a", "n1~b", "n2~z", "n9", "n10~a", "n11~0"), sorted);
  }

  /** The negative control: plain String order is the one that put n10 first. */
  @Test
  void plainStringOrderWouldNameAnotherFirst() {
    Set<String> members = Set.of("n1~a", "n10~b", "n2~c");
    assertEquals("n10~b", new java.util.TreeSet<>(members).first());
    assertEquals("n1~a", MemberNames.first(members));
    assertTrue(MemberNames.before("n2", "n10"));
  }

  @Test
  void aMemberNameSplitsIntoNodeAndIncarnation() {
    assertEquals("n3", MemberNames.nodeOf("n3~k9"));
    assertEquals("k9", MemberNames.incarnationOf("n3~k9"));
    assertEquals("n3", MemberNames.nodeOf("n3"));
    assertEquals("", MemberNames.incarnationOf("n3"));
  }
}
