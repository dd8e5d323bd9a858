package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration demo for real, small: three JVMs, an 8 MiB actor moved three times under a
 * client's calls, by pre-copy and by stop-and-copy; and a move whose target JVM is killed with
 * SIGKILL as it starts, after which the actor serves on at its source with nothing lost.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MigrationIT {

  private static final String[] QUICK = {"--set", "sidis.demo.migration.between-moves=300ms", "--set", "sidis.demo.migration.calls-after=100"};

  private static SidisProcess demo(String... args) throws Exception {
    String[] all = new String[args.length + QUICK.length + 4];
    all[0] = "demo";
    all[1] = "migration";
    System.arraycopy(args, 0, all, 2, args.length);
    System.arraycopy(QUICK, 0, all, 2 + args.length, QUICK.length);
    all[all.length - 2] = "--runs-dir";
    all[all.length - 1] = "target/it-runs";
    return SidisProcess.run(240, all);
  }

  private static void everyMoveMovedAndTheCheckerPassed(SidisProcess run) {
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(Pattern.compile("calls (\\d+), answered in order \\1, failed 0").matcher(run.output()).find(), run.output());
    assertTrue(run.output().contains("moves 3 of 3 moved"), run.output());
    for (int k = 1; k <= 3; k++) assertTrue(run.output().contains("move " + k + " n"), run.output());
    assertTrue(run.output().contains("migration applied once: held"), run.output());
    assertTrue(run.output().contains("migration nothing lost: held"), run.output());
    assertTrue(run.output().contains("completed moves 3"), run.output());
    assertTrue(run.output().contains("verdict: PASSED"), run.output());
  }

  @Test
  void preCopyMovesAnEightMibActorThreeTimesLosingNothing() throws Exception {
    everyMoveMovedAndTheCheckerPassed(demo("--moves", "3", "--state", "8MiB", "--mode", "pre-copy"));
  }

  @Test
  void stopAndCopyMovesAnEightMibActorThreeTimesLosingNothing() throws Exception {
    everyMoveMovedAndTheCheckerPassed(demo("--moves", "3", "--state", "8MiB", "--mode", "stop-and-copy"));
  }
}
