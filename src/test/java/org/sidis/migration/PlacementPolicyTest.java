package org.sidis.migration;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The placement policies as plain values: what each decides from a view, and when it leaves things alone. */
class PlacementPolicyTest {

  private static final PlacementPolicy BALANCE = new PlacementPolicy.LoadBalancing(2.0);
  private static final PlacementPolicy LOCALITY = new PlacementPolicy.Locality(0.6, 10);

  private static PlacementView loads(double n1, double n2, double n3) {
    return PlacementView.empty().withNodeLoad("n1", n1).withNodeLoad("n2", n2).withNodeLoad("n3", n3);
  }

  @Test
  void loadBalancingMovesFromTheMostToTheLeastLoadedNodeTheActorClosestToHalfTheGap() {
    PlacementView v = loads(10, 6, 2).withActor("a", "n1", 1).withActor("b", "n1", 3.5).withActor("c", "n1", 7).withActor("d", "n2", 4);
    Placement p = BALANCE.decide(v, Set.of()).orElseThrow();
    // gap 8: b (3.5) is closest to 4; c (7) narrows it too but less evenly; d is not on the most loaded node
    assertEquals(new Placement("b", "n1", "n3", Placement.Reason.LOAD, p.detail()), p);
    assertTrue(p.detail().contains("n1 load 10.00") && p.detail().contains("n3 load 2.00"), p.detail());
  }

  @Test
  void loadBalancingLeavesALoadWithinTheGapAlone() {
    PlacementView v = loads(5, 4, 3.5).withActor("a", "n1", 1);
    assertEquals(Optional.empty(), BALANCE.decide(v, Set.of()), "a gap of 1.5 is under min-load-gap 2");
    // negative control: the same actor on a wider gap moves
    assertTrue(BALANCE.decide(loads(6, 4, 3.5).withActor("a", "n1", 1), Set.of()).isPresent());
  }

  @Test
  void loadBalancingNeverMovesAnActorHeavierThanTheGapSoTheNodesDoNotSwapRoles() {
    PlacementView v = loads(10, 7, 7).withActor("big", "n1", 5);
    assertEquals(Optional.empty(), BALANCE.decide(v, Set.of()), "moving 5 across a gap of 3 would make n2 the most loaded, and back");
  }

  @Test
  void aBusyActorIsNotChosenAndAViewAfterTheMoveIsBalanced() {
    PlacementView v = loads(10, 2, 6).withActor("a", "n1", 4).withActor("b", "n1", 3);
    assertEquals("b", BALANCE.decide(v, Set.of("a")).orElseThrow().actor());
    Placement p = BALANCE.decide(v, Set.of()).orElseThrow();
    assertEquals("a", p.actor());
    PlacementView after = v.after(p);
    assertEquals(6, after.load("n1"));
    assertEquals(6, after.load("n2"));
    assertEquals("n2", after.where("a"));
    assertEquals(Optional.empty(), BALANCE.decide(after, Set.of()), "balanced after the move: no ping-pong");
  }

  @Test
  void localityMovesAnActorNextToTheNodeThatCallsItMost() {
    PlacementView v = loads(1, 1, 1).withActor("a", "n1", 1).withCalls("a", "n3", 80).withCalls("a", "n1", 15).withCalls("a", "n2", 5);
    Placement p = LOCALITY.decide(v, Set.of()).orElseThrow();
    assertEquals(new Placement("a", "n1", "n3", Placement.Reason.LOCALITY, "80 of its 100 calls came from n3"), p);
    assertTrue(LOCALITY.decide(v.after(p), Set.of()).isEmpty(), "the call counts start again after a move");
  }

  @Test
  void localityWantsAClearMajorityEnoughCallsAndAHostAsTarget() {
    PlacementView base = loads(1, 1, 1).withActor("a", "n1", 1);
    assertTrue(LOCALITY.decide(base.withCalls("a", "n3", 50).withCalls("a", "n2", 50), Set.of()).isEmpty(), "no majority of 60 %");
    assertTrue(LOCALITY.decide(base.withCalls("a", "n3", 9), Set.of()).isEmpty(), "9 calls are under min-calls 10");
    assertTrue(LOCALITY.decide(base.withCalls("a", "n1", 90).withCalls("a", "n3", 10), Set.of()).isEmpty(), "it runs where it is called");
    assertTrue(LOCALITY.decide(base.withCalls("a", "client", 100), Set.of()).isEmpty(), "the client node hosts nothing");
    assertTrue(LOCALITY.decide(base.withCalls("a", "n3", 100), Set.of("a")).isEmpty(), "a busy actor stays");
    // negative control: the same view without any of those objections moves it
    assertTrue(LOCALITY.decide(base.withCalls("a", "n3", 100), Set.of()).isPresent());
  }

  @Test
  void aHostThatReportsNoLoadOfItsOwnCarriesItsActorsSum() {
    PlacementView v = PlacementView.empty().withHost("n2").withActor("a", "n1", 5).withActor("b", "n1", 4).withActor("c", "n1", 1);
    assertEquals(10, v.load("n1"));
    assertEquals(0, v.load("n2"));
    assertEquals(Set.of("n1", "n2"), v.hosts());
    Placement p = BALANCE.decide(v, Set.of()).orElseThrow();
    assertEquals("a", p.actor(), "5 is half the gap of 10");
    assertEquals(5, v.after(p).load("n1"));
    assertEquals(5, v.after(p).load("n2"));
  }

  @Test
  void placementSettingsNameTheirPoliciesAndRefuseAnUnknownOne() {
    com.typesafe.config.Config base = org.sidis.node.Node.defaults().resolve().getConfig("sidis.migration.placement");
    PlacementSettings s = PlacementSettings.fromConfig(base);
    assertEquals(List.of(new PlacementPolicy.LoadBalancing(50), new PlacementPolicy.Locality(0.6, 20)), s.policies());
    com.typesafe.config.Config bad = com.typesafe.config.ConfigFactory.parseString("policies = [load, nearest]").withFallback(base);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlacementSettings.fromConfig(bad));
    assertEquals("sidis.migration.placement.policies: unknown policy [nearest]: expected load, locality", e.getMessage());
    com.typesafe.config.Config share = com.typesafe.config.ConfigFactory.parseString("min-share = 0.4").withFallback(base);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PlacementSettings.fromConfig(share)).getMessage()
        .startsWith("sidis.migration.placement: min-share must be in (0.5, 1]"));
  }

  @Test
  void badSettingsAndReportsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> new PlacementPolicy.LoadBalancing(0));
    assertThrows(IllegalArgumentException.class, () -> new PlacementPolicy.Locality(0.5, 10));
    assertThrows(IllegalArgumentException.class, () -> new PlacementPolicy.Locality(0.7, 0));
    assertThrows(IllegalArgumentException.class, () -> PlacementView.empty().withNodeLoad("n1", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> PlacementView.empty().withCalls("a", "n1", -1));
    assertThrows(IllegalArgumentException.class, () -> new Placement("a", "n1", "n1", Placement.Reason.LOAD, ""));
  }
}
