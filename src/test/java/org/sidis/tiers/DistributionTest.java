package org.sidis.tiers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The switch's and the content-aware distributor's rules, driven as values: which server, when it replicates. */
class DistributionTest {

  private static ServerPool<String> pool(String... servers) {
    ServerPool<String> p = new ServerPool<>();
    for (String s : servers) p.up(s);
    return p;
  }

  private static List<String> choices(Distribution<String> d, ServerPool<String> p, int... keys) {
    List<String> out = new ArrayList<>();
    for (int k : keys) out.add(d.choose(k, p).orElse("-"));
    return out;
  }

  @Test
  void roundRobinHandsRequestsToTheServersInTurnWhateverTheyAskFor() {
    ServerPool<String> p = pool("a", "b", "c");
    assertEquals(List.of("a", "b", "c", "a", "b"), choices(new RoundRobinSwitch<>(), p, 7, 7, 7, 7, 7));
  }

  @Test
  void roundRobinSkipsAServerThatIsUnreachableAndTakesItBackWhenReachable() {
    ServerPool<String> p = pool("a", "b");
    RoundRobinSwitch<String> rr = new RoundRobinSwitch<>();
    p.unreachable("b");
    assertEquals(List.of("a", "a", "a"), choices(rr, p, 1, 2, 3));
    p.reachable("b");
    List<String> after = choices(rr, p, 1, 2);
    assertTrue(after.contains("b"), "b is reachable again but got nothing: " + after);
  }

  @Test
  void noServerUpMeansNoChoice() {
    ServerPool<String> p = pool();
    for (Policy policy : Policy.values()) {
      assertEquals(Optional.empty(), policy.<String>newDistribution(new LoadMarks(1, 4)).choose(3, p), policy.word());
    }
    ServerPool<String> down = pool("a");
    down.unreachable("a");
    assertEquals(Optional.empty(), new LeastLoadedSwitch<String>().choose(3, down));
  }

  @Test
  void leastLoadedPicksTheServerWithTheLowestReportedLoad() {
    ServerPool<String> p = pool("a", "b", "c");
    p.report("a", 5);
    p.report("b", 1);
    p.report("c", 3);
    assertEquals(List.of("b", "b"), choices(new LeastLoadedSwitch<>(), p, 1, 2));
  }

  @Test
  void leastLoadedCountsTheRequestsItSentSinceTheLastReport() {
    ServerPool<String> p = pool("a", "b");
    p.report("a", 0);
    p.report("b", 2);
    LeastLoadedSwitch<String> ll = new LeastLoadedSwitch<>();
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String s = ll.choose(i, p).orElseThrow();
      p.sent(s);
      picks.add(s);
    }
    // a goes 0 -> 1 -> 2 (now equal to b's 2), then the tie is shared: not all four go to a.
    assertEquals(List.of("a", "a"), picks.subList(0, 2));
    assertTrue(picks.contains("b"), "b (load 2) never chosen once a's own count reached 2: " + picks);
  }

  @Test
  void contentAwareKeepsADocumentOnOneServerAndSpreadsDocumentsOverServers() {
    ServerPool<String> p = pool("a", "b", "c");
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    List<String> first = new ArrayList<>();
    for (int key = 0; key < 3; key++) {
      String s = lard.choose(key, p).orElseThrow();
      p.sent(s); // each first request keeps its server busy, so the next document goes elsewhere
      first.add(s);
    }
    assertEquals(List.of("a", "b", "c"), first);
    for (int round = 0; round < 5; round++) {
      assertEquals(first, choices(lard, p, 0, 1, 2), "round " + round);
    }
    assertEquals(List.of("a"), lard.serverSet(0));
    assertEquals(0, lard.replications());
  }

  @Test
  void contentAwareStaysOnALoadedServerWhileNoOtherIsBelowTheLowMark() {
    ServerPool<String> p = pool("a", "b");
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    assertEquals("a", lard.choose(9, p).orElseThrow());
    p.report("a", 10); // above high ...
    p.report("b", 2);  // ... but b is not below low: a is busy, not overloaded
    assertEquals("a", lard.choose(9, p).orElseThrow());
    p.report("a", 6); // at the high mark, not above it
    p.report("b", 0);
    assertEquals("a", lard.choose(9, p).orElseThrow());
    assertEquals(0, lard.replications());
  }

  @Test
  void contentAwareReplicatesADocumentToASecondServerWhenItsServerIsOverloaded() {
    ServerPool<String> p = pool("a", "b", "c");
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    assertEquals("a", lard.choose(9, p).orElseThrow());
    p.report("a", 7);
    p.report("b", 4);
    p.report("c", 1); // below low: a is overloaded
    assertEquals("c", lard.choose(9, p).orElseThrow(), "the least loaded server of all takes the document");
    assertEquals(List.of("a", "c"), lard.serverSet(9));
    assertEquals(1, lard.replications());
    // From now on the least loaded of the set serves it, never b.
    p.report("c", 5);
    p.report("a", 3);
    assertEquals("a", lard.choose(9, p).orElseThrow());
    p.report("a", 5);
    p.report("c", 3);
    assertEquals("c", lard.choose(9, p).orElseThrow());
    // Other documents are not affected.
    assertEquals(List.of(), lard.serverSet(8));
  }

  @Test
  void contentAwareMovesADocumentWhoseServerLeft() {
    ServerPool<String> p = pool("a", "b");
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    assertEquals("a", lard.choose(4, p).orElseThrow());
    p.gone("a");
    lard.forget("a");
    assertEquals("b", lard.choose(4, p).orElseThrow());
    assertEquals(List.of("b"), lard.serverSet(4));
    p.up("a"); // back: the document stays where it now is
    assertEquals("b", lard.choose(4, p).orElseThrow());
  }

  @Test
  void contentAwareSkipsAnUnreachableServerOfTheSet() {
    ServerPool<String> p = pool("a", "b");
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    assertEquals("a", lard.choose(4, p).orElseThrow());
    p.unreachable("a");
    assertEquals("b", lard.choose(4, p).orElseThrow());
  }

  @Test
  void badWordsAndMarksAreRefusedNamingWhatIsWrong() {
    assertEquals(Policy.CONTENT_AWARE, Policy.parse("content-aware"));
    assertEquals(ReplyMode.HANDOFF, ReplyMode.parse("handoff"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policy.parse("random"));
    assertTrue(e.getMessage().contains("round-robin"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ReplyMode.parse("tcp"));
    assertThrows(IllegalArgumentException.class, () -> new LoadMarks(5, 5));
    assertThrows(IllegalArgumentException.class, () -> new LoadMarks(-1, 5));
  }
}
