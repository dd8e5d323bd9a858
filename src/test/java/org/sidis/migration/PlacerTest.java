package org.sidis.migration;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.sidis.node.TestKits;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.migration.Placer.ActorAt;
import org.sidis.migration.Placer.Calls;
import org.sidis.migration.Placer.Decided;
import org.sidis.migration.Placer.NodeLoad;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The placer's shell with probes standing in for the actors' locators: it orders the moves its
 * policies decide from the reports, one at a time per actor, and not again while the actor cools
 * down after a move.
 */
class PlacerTest {

  // No trace: the placer traces its decisions, and a default kit would write trace/n1.jsonl into the
  // working directory (PlacerTraceTest reads them back from a temporary directory).
  private final ActorTestKit kit = TestKits.local("PlacerTest");

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static MoveOutcome moved(Locator.Move m, String from) {
    return new MoveOutcome(1, true, from, m.targetNode(), m.mode().word(), 5, 50, 1, 10, 0, null);
  }

  private ActorRef<Placer.Command> placer(List<PlacementPolicy> policies, Map<String, ActorRef<Locator.Command>> locators, Duration cooldown) {
    return kit.spawn(Placer.create(policies, locators, MoveMode.PRE_COPY, Duration.ofMillis(50), cooldown, Duration.ofSeconds(5)));
  }

  @Test
  void movesAnActorFromTheMostLoadedNodeToTheLeastAndStopsWhenBalanced() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    TestProbe<Locator.Command> b = kit.createTestProbe();
    TestProbe<Decided> decided = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(List.of(new PlacementPolicy.LoadBalancing(2)), Map.of("a", a.getRef(), "b", b.getRef()),
        Duration.ofMillis(200));
    p.tell(new Placer.Subscribe(decided.getRef()));
    p.tell(new NodeLoad("n1", 10));
    p.tell(new NodeLoad("n2", 2));
    p.tell(new ActorAt("a", "n1", 4));
    p.tell(new ActorAt("b", "n1", 1));
    Locator.Move m = a.expectMessageClass(Locator.Move.class);
    assertEquals("n2", m.targetNode(), "a (4) is closest to half the gap of 8");
    assertEquals(MoveMode.PRE_COPY, m.mode());
    assertEquals(Placement.Reason.LOAD, decided.receiveMessage().placement().reason());
    m.replyTo().tell(moved(m, "n1"));
    Decided end = decided.receiveMessage();
    assertTrue(end.outcome().moved(), end.toString());
    // n1 6, n2 6 in the placer's view after the move: nothing more to do, for a or for b
    a.expectNoMessage(Duration.ofMillis(500));
    b.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void ordersNoSecondMoveWhileOneIsUnderWayOrCoolingDown() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    TestProbe<Decided> decided = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(List.of(new PlacementPolicy.Locality(0.6, 10)), Map.of("a", a.getRef()), Duration.ofMillis(700));
    p.tell(new Placer.Subscribe(decided.getRef()));
    p.tell(new NodeLoad("n1", 1));
    p.tell(new NodeLoad("n2", 1));
    p.tell(new ActorAt("a", "n1", 1));
    p.tell(new Calls("a", Map.of("n2", 100L)));
    Locator.Move first = a.expectMessageClass(Locator.Move.class);
    assertEquals("n2", first.targetNode());
    a.expectNoMessage(Duration.ofMillis(300)); // under way: ticks pass, no second order
    first.replyTo().tell(moved(first, "n1"));
    decided.receiveMessage();
    assertTrue(decided.receiveMessage().outcome().moved()); // the placer has the outcome: reports from here on are after the move
    // the reports now say n1 calls it most: locality wants it back, but only after the cooldown
    p.tell(new ActorAt("a", "n2", 1));
    p.tell(new Calls("a", Map.of("n1", 100L, "n2", 0L)));
    a.expectNoMessage(Duration.ofMillis(400));
    Locator.Move back = a.expectMessageClass(Locator.Move.class, Duration.ofSeconds(3));
    assertEquals("n1", back.targetNode());
  }

  @Test
  void ordersOneMoveAtATimeSoASecondActorIsNotMovedOnAViewTheFirstMoveMadeStale() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    TestProbe<Locator.Command> b = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(List.of(new PlacementPolicy.LoadBalancing(2)), Map.of("a", a.getRef(), "b", b.getRef()),
        Duration.ofMillis(300));
    p.tell(new ActorAt("a", "n1", 5));
    p.tell(new ActorAt("b", "n1", 5));
    p.tell(new Placer.Host("n2"));
    Locator.Move first = a.expectMessageClass(Locator.Move.class); // n1 10 (its actors' sum), n2 0: a or b, a comes first by name
    assertEquals("n2", first.targetNode());
    b.expectNoMessage(Duration.ofMillis(400)); // moving a makes it 5 and 5: b must wait for that to show
    first.replyTo().tell(moved(first, "n1"));
    b.expectNoMessage(Duration.ofMillis(600)); // balanced after the move
  }

  @Test
  void aFailedMoveLeavesTheActorWhereItWasAndIsTriedAgainAfterTheCooldown() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    TestProbe<Decided> decided = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(List.of(new PlacementPolicy.LoadBalancing(2)), Map.of("a", a.getRef()), Duration.ofMillis(200));
    p.tell(new Placer.Subscribe(decided.getRef()));
    p.tell(new NodeLoad("n1", 9));
    p.tell(new NodeLoad("n2", 1));
    p.tell(new ActorAt("a", "n1", 3));
    Locator.Move m = a.expectMessageClass(Locator.Move.class);
    m.replyTo().tell(new MoveOutcome(1, false, "n1", "n2", "pre-copy", -1, -1, 0, 0, 0, "target terminated"));
    decided.receiveMessage();
    Decided end = decided.receiveMessage();
    assertFalse(end.outcome().moved());
    Locator.Move again = a.expectMessageClass(Locator.Move.class, Duration.ofSeconds(3));
    assertEquals("n2", again.targetNode(), "the view still has a at n1, 9 against 1");
  }

  @Test
  void aBadReportIsIgnoredAndThePlacerServesOn() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(List.of(new PlacementPolicy.LoadBalancing(2)), Map.of("a", a.getRef()), Duration.ofMillis(200));
    p.tell(new NodeLoad("n1", -3));
    p.tell(new NodeLoad("n1", 9));
    p.tell(new NodeLoad("n2", 1));
    p.tell(new ActorAt("a", "n1", 3));
    assertEquals("n2", a.expectMessageClass(Locator.Move.class).targetNode());
  }

  @Test
  void decidesNothingBeforeMinHostsHostsHaveReportedSoTheLeastLoadedIsAmongThem() {
    TestProbe<Locator.Command> a = kit.createTestProbe();
    ActorRef<Placer.Command> p = kit.spawn(Placer.create(List.of(new PlacementPolicy.LoadBalancing(2)), Map.of("a", a.getRef()),
        MoveMode.PRE_COPY, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5), 3));
    p.tell(new NodeLoad("n1", 10));
    p.tell(new NodeLoad("n3", 5));
    p.tell(new ActorAt("a", "n1", 3));
    a.expectNoMessage(Duration.ofMillis(300)); // n1 and n3 only: n3 would be the least loaded it knows of
    p.tell(new Placer.Host("n2"));
    assertEquals("n2", a.expectMessageClass(Locator.Move.class).targetNode());
  }
}
