package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queues demo for real: three JVMs; the queue manager's is killed with SIGKILL while
 * acknowledged messages wait only in its store, and restarted; after the final drain the
 * total-queue checker finds nothing lost and nothing unexpected.
 */
@org.junit.jupiter.api.Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES) // whole demos of 3-5 JVMs, each run bounded by SidisProcess (<= 300 s)
class QueuesDemoIT {

  @Test
  void aPersistentQueueLosesNothingWhenItsManagerIsKilledAndRestarted() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "queues", "--messages", "2000", "--runs-dir", "target/it-runs");
    String out = run.output();
    assertEquals(0, run.exitCode(), out);
    Matcher kill = Pattern.compile("SIGKILL n1, the queue manager, after (\\d+) of 2000 PUTs were acknowledged and (\\d+) processed")
        .matcher(out);
    assertTrue(kill.find(), out);
    assertTrue(Long.parseLong(kill.group(1)) > Long.parseLong(kill.group(2)),
        "some acknowledged messages must have been only in the store when n1 died: " + out);
    assertTrue(out.contains("restarted n1: same name, same store"), out);
    // Launcher.restart: one command line per incarnation in n1.cmd, the second's output beside the first's.
    Matcher dir = Pattern.compile("run directory (\\S+)").matcher(out);
    assertTrue(dir.find(), out);
    java.nio.file.Path logs = java.nio.file.Path.of(dir.group(1), "logs");
    assertEquals(2, java.nio.file.Files.readAllLines(logs.resolve("n1.cmd")).size(), "n1.cmd: " + logs);
    assertTrue(java.nio.file.Files.isRegularFile(logs.resolve("n1.2.stdout")), "n1.2.stdout in " + logs);
    Matcher counts = Pattern.compile("attempted (\\d+), acknowledged (\\d+), dequeued (\\d+), consumer-acknowledged (\\d+),"
        + " lost (\\d+), unexpected (\\d+), acked twice (\\d+)").matcher(out);
    assertTrue(counts.find(), out);
    assertEquals("2000", counts.group(2), "every PUT acknowledged: " + out);
    assertEquals("2000", counts.group(3), "every message dequeued: " + out);
    assertEquals("0", counts.group(5), "lost: " + out);
    assertEquals("0", counts.group(6), "unexpected: " + out);
    assertEquals("0", counts.group(7), "acked twice: " + out);
    assertTrue(out.contains("crashed nodes (no stop event): n1"), out);
    assertTrue(out.contains("verdict: PASSED"), out);
  }

  @Test
  void theQueuesDemoRunsExactlyThreeNodes() throws Exception {
    SidisProcess run = SidisProcess.run(60, "demo", "queues", "--nodes", "2");
    assertEquals(2, run.exitCode(), run.output());
    assertEquals("error: demo queues runs exactly 3 nodes (queue manager, producer, consumers), got --nodes 2", run.output().strip());
  }

  @Test
  void theQueuesDemoNeedsEnoughMessagesToKillItsManagerMidRun() throws Exception {
    SidisProcess run = SidisProcess.run(60, "demo", "queues", "--messages", "3", "--runs-dir", "target/it-runs");
    assertEquals(2, run.exitCode(), run.output());
    assertEquals("error: demo queues needs --messages of at least 10, so that n1 is killed mid-run; got 3", run.output().strip());
  }
}
