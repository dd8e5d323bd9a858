package org.sidis.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench all runs a failed workload once more, says so, and lets the second failure stand. */
class BenchAllTwiceTest {

  @Test
  void aWorkloadThatPassesRunsOnceAndIsNotNamed() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<Integer> said = new ArrayList<>();
    int code = BenchAllCommand.twice(() -> { runs.incrementAndGet(); return 0; }, c -> c == 0, said::add);
    assertEquals(0, code);
    assertEquals(1, runs.get());
    assertEquals(List.of(), said);
  }

  @Test
  void aFirstFailureIsSaidAndRunAgainAndTheSecondRunDecides() throws Exception {
    int[] codes = {1, 0};
    AtomicInteger runs = new AtomicInteger();
    List<Integer> said = new ArrayList<>();
    int code = BenchAllCommand.twice(() -> codes[runs.getAndIncrement()], c -> c == 0, said::add);
    assertEquals(0, code, "the second run passed");
    assertEquals(2, runs.get());
    assertEquals(List.of(1), said, "the first failure's exit code is said before the second run");
  }

  @Test
  void twoFailuresFailAndThereIsNoThirdRun() throws Exception {
    int[] codes = {1, -1, 0};
    AtomicInteger runs = new AtomicInteger();
    List<Integer> said = new ArrayList<>();
    int code = BenchAllCommand.twice(() -> codes[runs.getAndIncrement()], c -> c == 0, said::add);
    assertEquals(-1, code, "the second run's failure stands");
    assertEquals(2, runs.get());
    assertEquals(List.of(1), said);
  }
}
