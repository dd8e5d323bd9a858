package org.sidis.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A move whose target dies: the demo kills n2's JVM with SIGKILL as the actor starts moving there
 * (64 MiB, one chunk in flight, so the copy is still under way); the move must abort, the actor
 * keep serving at n1, and the client see every call answered in order — nothing lost.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MigrationKillIT {

  @Test
  void aTargetKilledMidMoveLeavesTheActorServingAtItsSource() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "migration", "--moves", "1", "--state", "64MiB", "--mode", "pre-copy",
        "--set", "sidis.demo.migration.kill-target=on", "--set", "sidis.migration.window=1", "--set", "sidis.migration.chunk-size=64KiB",
        "--set", "sidis.demo.migration.between-moves=300ms", "--set", "sidis.demo.migration.calls-after=300",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("SIGKILL n2 (the target of move 1, while it receives the state)"), run.output());
    assertTrue(run.output().contains("move 1 n1 → n2: not moved"), run.output());
    assertTrue(java.util.regex.Pattern.compile("calls (\\d+), answered in order \\1, failed 0").matcher(run.output()).find(), run.output());
    assertTrue(run.output().contains("migration nothing lost: held"), run.output());
    assertTrue(run.output().contains("migration applied once: held"), run.output());
    assertTrue(run.output().contains("served on at its source"), run.output());
  }
}
