package org.sidis.migration;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The plain cores of strong mobility, without actors: paged state, round planner, move phases, hold buffer, counter. */
class CoresTest {

  @Test
  void pagedStateTracksDirtyPagesAndTakingClearsThem() {
    PagedState s = new PagedState(64, 10);
    assertEquals(0, s.dirtyCount());
    s.write(3, 0, 42);
    s.write(7, 5, 1);
    s.write(3, 1, 9);
    assertArrayEquals(new int[] {3, 7}, s.takeDirty());
    assertEquals(0, s.dirtyCount());
    assertEquals(42, s.read(3, 0));
    assertEquals(9, s.read(3, 1));
    assertEquals(10, s.takeAll().length);
    assertThrows(IllegalArgumentException.class, () -> s.write(10, 0, 1), "page out of range is a clear error");
    assertThrows(IllegalArgumentException.class, () -> PagedState.ofSize(0, 64));
    assertEquals(2, PagedState.ofSize(65, 64).pageCount());
  }

  @Test
  void copyingRoundsOfDirtyPagesWhileWritingConvergesToTheSameBytes() {
    Random r = new Random(7);
    PagedState source = new PagedState(64, 50);
    for (int i = 0; i < 200; i++) source.write(r.nextInt(50), r.nextInt(8), r.nextLong());
    PagedState target = new PagedState(64, 50);
    int[] round = source.takeAll();
    for (int k = 0; k < 4; k++) {
      for (int p : round) {
        target.install(p, source.page(p), 0);
        source.write(r.nextInt(50), r.nextInt(8), r.nextLong()); // the owner keeps writing while copying
      }
      assertFalse(source.sameContent(target), "writes during the round must leave work for the next one");
      round = source.takeDirty();
    }
    for (int p : round) target.install(p, source.page(p), 0); // the stopped remainder
    assertTrue(source.sameContent(target), "after the final dirty pages the copy must equal the source");
  }

  @Test
  void plannerStopsWhenTheRemainderIsSmallOrAfterMaxRounds() {
    RoundPlanner pre = new RoundPlanner(MoveMode.PRE_COPY, 4, 5);
    assertEquals(RoundPlanner.Step.ANOTHER_ROUND, pre.first());
    assertEquals(RoundPlanner.Step.ANOTHER_ROUND, pre.afterRound(1, 100));
    assertEquals(RoundPlanner.Step.STOP_AND_SWITCH, pre.afterRound(2, 4));
    // a state never quiet: 1000 dirty pages every round, still stops at round 5
    int rounds = 1;
    while (pre.afterRound(rounds, 1000) == RoundPlanner.Step.ANOTHER_ROUND) rounds++;
    assertEquals(5, rounds);
    assertEquals(RoundPlanner.Step.STOP_AND_SWITCH, new RoundPlanner(MoveMode.STOP_AND_COPY, 4, 5).first());
    assertThrows(IllegalArgumentException.class, () -> new RoundPlanner(MoveMode.PRE_COPY, 4, 0));
    assertEquals(MoveMode.PRE_COPY, MoveMode.parse("pre-copy"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> MoveMode.parse("live"));
    assertTrue(bad.getMessage().contains("stop-and-copy, pre-copy"), bad.getMessage());
  }

  @Test
  void moveGoesServingCopyingSwitchingDoneAndMeasuresDowntimeAndTotal() {
    Move m = new Move(1, "n2", new RoundPlanner(MoveMode.PRE_COPY, 2, 10), 0);
    assertEquals(Phase.COPYING, m.begin(0));
    assertEquals(1, m.round());
    assertEquals(Phase.COPYING, m.roundDone(50, 10_000_000));
    assertEquals(2, m.round());
    assertEquals(Phase.SWITCHING, m.roundDone(1, 20_000_000));
    assertFalse(m.phase().serves(), "a switching actor holds requests");
    m.switched(23_000_000);
    assertEquals(Phase.DONE, m.phase());
    assertEquals(3.0, m.downtimeMs(), 1e-9);
    assertEquals(23.0, m.totalMs(), 1e-9);
    assertThrows(IllegalStateException.class, m::abort, "a done move cannot abort");
  }

  @Test
  void stopAndCopyStopsAtOnceAndAnAbortedMoveServesAgain() {
    Move m = new Move(2, "n2", new RoundPlanner(MoveMode.STOP_AND_COPY, 2, 10), 0);
    assertEquals(Phase.SWITCHING, m.begin(5));
    assertThrows(IllegalStateException.class, () -> m.roundDone(0, 6), "no rounds once stopped");
    m.abort();
    assertEquals(Phase.ABORTED, m.phase());
    assertTrue(m.phase().serves());
    assertEquals(-1, m.downtimeMs());
  }

  @Test
  void holdBufferReleasesInArrivalOrderAndRefusesBeyondCapacity() {
    HoldBuffer<String> b = new HoldBuffer<>(3);
    assertTrue(b.hold("c1:1"));
    assertTrue(b.hold("c2:1"));
    assertTrue(b.hold("c1:2"));
    assertFalse(b.hold("c3:1"), "a full buffer refuses");
    assertEquals(List.of("c1:1", "c2:1", "c1:2"), b.release());
    assertEquals(0, b.size());
    assertEquals(3, b.maxHeld());
  }

  @Test
  void counterAppliesEachRequestOnceAndRepeatsTheFirstAnswer() {
    Counter c = new Counter();
    assertEquals(new Counter.Result(Counter.Outcome.APPLIED, 1), c.apply("n3", 1));
    assertEquals(new Counter.Result(Counter.Outcome.APPLIED, 2), c.apply("n4", 1));
    assertEquals(new Counter.Result(Counter.Outcome.REPEATED, 1), c.apply("n3", 1));
    assertEquals(new Counter.Result(Counter.Outcome.APPLIED, 3), c.apply("n3", 2));
    assertEquals(Counter.Outcome.STALE, c.apply("n3", 1).outcome());
    Counter moved = new Counter(c.value(), c.lastByClient());
    assertEquals(new Counter.Result(Counter.Outcome.REPEATED, 3), moved.apply("n3", 2), "the memory moves with the value");
    assertEquals(4, moved.apply("n4", 2).value());
    assertEquals(Map.of("n3", new Counter.Last(2, 3), "n4", new Counter.Last(2, 4)), moved.lastByClient());
  }
}
