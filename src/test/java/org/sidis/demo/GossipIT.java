package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gossip demo for real: five JVMs share a replicated store over a lossy, duplicating
 * network, write and delete, and the checkers find every replica converged with no deleted key
 * back — by anti-entropy alone, and by rumor mongering with anti-entropy as a backup.
 */
@org.junit.jupiter.api.Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES) // whole demos of 3-5 JVMs, each run bounded by SidisProcess (<= 300 s)
class GossipIT {

  @Test
  void fiveJvmsConvergeByPushPullAntiEntropy() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "gossip", "--nodes", "5", "--mode", "push-pull", "--messages", "500",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("convergence: held at 5/5 nodes — 500 updates, 0 violations"), run.output());
    assertTrue(run.output().contains("no resurrection: held at 5/5 nodes — 500 updates, 0 violations"), run.output());
    assertTrue(run.output().contains("crashed nodes (no stop event): none"), run.output());
    Report again = Inspection.of(runDirOf(run.output()));
    assertTrue(again.passed(), again.table());
  }

  @Test
  void fiveJvmsConvergeByRumorMongeringWithAntiEntropyAsABackup() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "gossip", "--nodes", "5", "--mode", "rumor", "--messages", "500",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("store kv (gossip rumor): n1, n2, n3, n4, n5"), run.output());
    assertTrue(run.output().contains("convergence: held at 5/5 nodes — 500 updates, 0 violations"), run.output());
  }

  private static Path runDirOf(String output) {
    Matcher m = Pattern.compile("logs and traces in (\\S+)").matcher(output);
    assertTrue(m.find(), output);
    return Path.of(m.group(1));
  }
}
