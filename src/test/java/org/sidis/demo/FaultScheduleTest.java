package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.sidis.demo.FaultSchedule.Fault;
import org.sidis.demo.FaultSchedule.Kind;
import org.sidis.demo.FaultSchedule.Mode;
import org.sidis.demo.FaultSchedule.Shape;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The nemesis's faults, drawn from a seed: repeatable, every shape, never a partition where none can be cut. */
class FaultScheduleTest {

  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

  private static List<Fault> draw(long seed, Mode mode, List<String> nodes, boolean partitions, int count) {
    FaultSchedule s = new FaultSchedule(seed, mode, nodes, "n1", partitions);
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < count; i++) faults.add(s.next());
    return faults;
  }

  @Test
  void theSameSeedGivesTheSameFaultsAndAnotherSeedOthers() {
    assertEquals(draw(7, Mode.MIX, FIVE, true, 40), draw(7, Mode.MIX, FIVE, true, 40));
    // Negative control: were the schedule to ignore its seed, this would pass by accident above.
    assertNotEquals(draw(7, Mode.MIX, FIVE, true, 40), draw(8, Mode.MIX, FIVE, true, 40));
  }

  @Test
  void partitionsGoRoundTheShapesIsolatingThePrimaryFirst() {
    List<Fault> faults = draw(1, Mode.PARTITION, FIVE, true, 8);
    assertEquals(List.of(Shape.ISOLATE_PRIMARY, Shape.HALVES, Shape.BRIDGE, Shape.ISOLATE,
        Shape.ISOLATE_PRIMARY, Shape.HALVES, Shape.BRIDGE, Shape.ISOLATE), faults.stream().map(Fault::shape).toList());
    assertEquals(List.of(List.of("n1"), List.of("n2", "n3", "n4", "n5")), faults.get(0).sides());
    for (Fault f : faults) {
      Set<String> a = new HashSet<>(f.sides().get(0)), b = new HashSet<>(f.sides().get(1));
      assertTrue(!a.isEmpty() && !b.isEmpty(), "both sides hold a node: " + f.describe());
      a.retainAll(b);
      assertTrue(a.isEmpty(), "no node on both sides: " + f.describe());
    }
  }

  @Test
  void aBridgeLeavesOneNodeThatBothSidesStillSee() {
    Fault bridge = draw(3, Mode.PARTITION, List.of("n1", "n2", "n3"), true, 3).get(2);
    assertEquals(Shape.BRIDGE, bridge.shape());
    assertEquals(1, bridge.bridgeNodes().size(), bridge.describe());
    assertEquals(1, bridge.sides().get(0).size(), bridge.describe());
    assertEquals(1, bridge.sides().get(1).size(), bridge.describe());
  }

  @Test
  void twoNodesHaveNoBridgeSoTheyAreSplitInHalvesInstead() {
    Fault third = draw(3, Mode.PARTITION, List.of("n1", "n2"), true, 3).get(2);
    assertEquals(Shape.HALVES, third.shape());
  }

  @Test
  void mixOnHostsThatCannotBeCutNeverPartitionsYetPausesAndKills() {
    List<Fault> faults = draw(5, Mode.MIX, FIVE, false, 200);
    assertTrue(faults.stream().noneMatch(f -> f.kind() == Kind.PARTITION));
    assertTrue(faults.stream().anyMatch(f -> f.kind() == Kind.PAUSE));
    assertTrue(faults.stream().anyMatch(f -> f.kind() == Kind.KILL));
    // Negative control: the same mix where partitions are possible does draw them.
    assertTrue(draw(5, Mode.MIX, FIVE, true, 200).stream().anyMatch(f -> f.kind() == Kind.PARTITION));
  }

  @Test
  void pausesAndKillsStrikeOneNodeOfTheRunAndReachEveryNode() {
    Set<String> struck = new HashSet<>();
    for (Fault f : draw(11, Mode.PAUSE, FIVE, false, 100)) {
      assertEquals(Kind.PAUSE, f.kind());
      assertEquals(1, f.nodes().size());
      struck.addAll(f.nodes());
    }
    assertEquals(Set.copyOf(FIVE), struck);
  }

  /**
   * The role that matters (n1: the sequencer, the queue manager, the event log) is struck by the
   * first pause and the first kill, as it is isolated by the first partition: a matrix row with one
   * fault must test it (issue 17: drawn from the seed, the one pause or kill of a row often missed it).
   */
  @Test
  void theFirstPauseAndTheFirstKillStrikeThePrimary() {
    for (long seed = 0; seed < 50; seed++) {
      assertEquals(List.of("n1"), new FaultSchedule(seed, Mode.PAUSE, FIVE, "n1", false).next().nodes(), "seed " + seed);
      assertEquals(List.of("n1"), new FaultSchedule(seed, Mode.KILL, FIVE, "n1", false).next().nodes(), "seed " + seed);
      assertEquals(List.of("n3"), new FaultSchedule(seed, Mode.KILL, FIVE, "n3", false).next().nodes(), "seed " + seed);
      FaultSchedule mix = new FaultSchedule(seed, Mode.MIX, FIVE, "n1", true);
      Set<Kind> first = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        Fault f = mix.next();
        if (f.kind() != Kind.PARTITION && first.add(f.kind())) assertEquals(List.of("n1"), f.nodes(), "seed " + seed + ": " + f.describe());
      }
    }
    // Negative control: after the first, pauses go elsewhere too (the seed picks), or this passed by a fixed target.
    Set<String> later = new HashSet<>();
    draw(11, Mode.PAUSE, FIVE, false, 100).stream().skip(1).forEach(f -> later.addAll(f.nodes()));
    assertEquals(Set.copyOf(FIVE), later);
  }

  @Test
  void aPartitionWhereNoneCanBeCutIsRefusedWithTheOptionToUse() {
    var e = assertThrows(IllegalArgumentException.class, () -> new FaultSchedule(1, Mode.PARTITION, FIVE, "n1", false));
    assertEquals("--nemesis partition needs hosts that can be partitioned: --hosts netns", e.getMessage());
    assertEquals("--nemesis must be partition, pause, kill or mix, got [flood]",
        assertThrows(IllegalArgumentException.class, () -> Mode.parse("flood")).getMessage());
  }

  @Test
  void aFaultIsOneJsonLineWithItsTimesKindAndNodes() throws Exception {
    Fault f = draw(1, Mode.PARTITION, List.of("n1", "n2", "n3"), true, 1).get(0);
    String line = Nemesis.line(new Nemesis.Injected(f, 1_000_000L, 9_000_000L));
    var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
    assertEquals(1_000_000L, n.path("start_ts").asLong());
    assertEquals(9_000_000L, n.path("end_ts").asLong());
    assertEquals("partition", n.path("kind").asText());
    assertEquals("isolate-primary", n.path("shape").asText());
    assertEquals("[\"n1\",\"n2\",\"n3\"]", n.path("nodes").toString());
    assertEquals("[[\"n1\"],[\"n2\",\"n3\"]]", n.path("sides").toString());
    assertTrue(!line.contains("\n"), "one line: " + line);
  }
}
