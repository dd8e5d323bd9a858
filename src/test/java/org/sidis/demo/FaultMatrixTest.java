package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which runs {@code demo faults --rows demo:fault,...} makes: only the named ones, in the order named. */
class FaultMatrixTest {

  private static List<String> named(List<FaultMatrix.Spec> specs) {
    return specs.stream().map(s -> s.demo() + ":" + s.fault().label()).toList();
  }

  @Test
  void withoutRowsEveryDemoRunsUnderEveryFault() {
    List<FaultMatrix.Spec> all = FaultMatrix.select(FaultMatrix.specs(false), null);
    assertEquals(15, all.size());
    assertEquals("total:partition", named(all).get(0));
    assertEquals("gossip:kill", named(all).get(14));
  }

  @Test
  void rowsNameTheRunsToMakeInTheirOrder() {
    List<FaultMatrix.Spec> some = FaultMatrix.select(FaultMatrix.specs(false), "queues:pause, log:pause,total:partition");
    assertEquals(List.of("queues:pause", "log:pause", "total:partition"), named(some));
  }

  @Test
  void anUnknownRowIsRefusedListingTheValidOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> FaultMatrix.select(FaultMatrix.specs(false), "queues:flood"));
    assertTrue(e.getMessage().startsWith("--rows: unknown row [queues:flood]; valid rows: total:partition, total:pause, total:kill,"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("gossip:kill"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultMatrix.select(FaultMatrix.specs(false), " , "))
        .getMessage().startsWith("--rows names no row"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultMatrix.select(FaultMatrix.specs(false), "log:kill,log:kill"))
        .getMessage().startsWith("--rows names [log:kill] twice"));
  }
}
