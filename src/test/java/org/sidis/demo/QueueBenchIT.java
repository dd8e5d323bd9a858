package org.sidis.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sidis bench queue} from the packaged default jar: it measures sidis' queues, carries no
 * benchmark peer and says in one line how to get the Artemis baseline, and refuses bad input.
 */
class QueueBenchIT {

  @Test
  void theDefaultJarMeasuresSidisAndSaysHowToGetTheArtemisBaseline() throws Exception {
    SidisProcess run = SidisProcess.run(120, "bench", "queue", "--transient", "--size", "256", "--warmup", "0", "--duration", "1");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("sidis-queue-transient ") && run.output().contains("sidis-queue-transient-batched"), run.output());
    // Three alternated rounds by default, reported as medians.
    assertTrue(run.output().contains("round 3 of 3") && run.output().contains("medians of 3 alternated rounds"), run.output());
    assertTrue(run.output().contains("no baseline in this jar") && run.output().contains("mvn -B -Pbench-peers -DskipTests package"),
        run.output());
    assertFalse(run.output().contains("activemq-artemis"), run.output());
  }

  @Test
  void badQueueBenchArgumentsAreRefusedWithWhatIsNeeded() throws Exception {
    SidisProcess window = SidisProcess.run(60, "bench", "queue", "--window", "0");
    assertEquals(2, window.exitCode(), window.output());
    assertTrue(window.output().contains("--window"), window.output());
    SidisProcess rounds = SidisProcess.run(60, "bench", "queue", "--rounds", "0");
    assertEquals(2, rounds.exitCode(), rounds.output());
    assertTrue(rounds.output().contains("error: --rounds must be at least 1, got 0"), rounds.output());
    SidisProcess store = SidisProcess.run(60, "bench", "queue", "--persistent", "--config", "no-such-store.conf");
    assertEquals(2, store.exitCode(), store.output());
    assertTrue(store.output().contains("[no-such-store.conf] not found"), store.output());
  }
}
