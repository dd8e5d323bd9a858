package org.sidis.membership;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node-name order: digit runs by value (n2 before n10), the rest by character, equal values by text — as a value test. */
class NodeNamesTest {

  @Test
  void digitRunsCompareByValueAndTheRestByCharacter() {
    List<String> names = new ArrayList<>(List.of("n10", "n2", "n1", "m5", "n02", "n1a", "n100000000000000000000000", "n99999999999999999999999"));
    names.sort(NodeNames.ORDER);
    assertEquals(List.of("m5", "n1", "n1a", "n02", "n2", "n10", "n99999999999999999999999", "n100000000000000000000000"), names);
  }

  @Test
  void theOrderIsATotalOrderConsistentWithEquals() {
    assertEquals(0, NodeNames.ORDER.compare("n7", "n7"));
    // Equal by value, different strings: never 0, and antisymmetric (text breaks the tie: n02 before n2).
    int ab = NodeNames.ORDER.compare("n2", "n02");
    assertTrue(ab != 0 && Integer.signum(ab) == -Integer.signum(NodeNames.ORDER.compare("n02", "n2")));
    assertTrue(NodeNames.ORDER.compare("n0", "n00") != 0);
  }
}
