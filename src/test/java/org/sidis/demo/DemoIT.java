package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's main command, for real: three JVMs form a cluster on loopback, run the causal
 * chat over a delaying, lossy network, stop, and the verdict says causal order held. The same
 * workload with FIFO order shows what causal order is for.
 */
@org.junit.jupiter.api.Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES) // whole demos of 3-5 JVMs, each run bounded by SidisProcess (<= 300 s)
class DemoIT {

  @Test
  void theCausalDemoRunsThreeJvmsAndItsVerdictSaysCausalOrderHeld() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "causal", "--nodes", "3", "--messages", "1500",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("causal order: held at 3/3 nodes — 1500 messages, 0 violations"), run.output());
    assertTrue(run.output().contains("agreement: held at 3/3 nodes — 1500 messages, 0 violations"), run.output());
    assertTrue(run.output().contains("crashed nodes (no stop event): none"), run.output());

    // The run directory alone is enough to check the run again.
    Path runDir = runDirOf(run.output());
    for (String node : new String[] {"n1", "n2", "n3"}) {
      assertTrue(Files.size(runDir.resolve("trace").resolve(node + ".jsonl")) > 0, node + " trace");
      assertTrue(Files.size(runDir.resolve("logs").resolve(node + ".log")) > 0, node + " log");
    }
    Report again = Inspection.of(runDir);
    assertTrue(again.passed(), again.table());
  }

  @Test
  void theSameChatWithFifoOrderOnlyKeepsFifoButBreaksCausalOrder() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "fifo", "--nodes", "3", "--messages", "1500",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), "FIFO kept its promises:\n" + run.output());
    assertTrue(run.output().contains("fifo order: held at 3/3 nodes — 1500 messages, 0 violations"), run.output());
    assertTrue(Pattern.compile("causal order: VIOLATED .* \\(not promised by fifo\\)").matcher(run.output()).find(),
        "replies overtake their causes without causal order:\n" + run.output());
  }

  @Test
  void theOverlayDemoRelaysOverATreeOfFiveJvmsAndFifoOrderHolds() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "overlay", "--nodes", "5", "--messages", "800", "--topology", "tree",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("fifo order: held at 5/5 nodes — 800 messages, 0 violations"), run.output());
    Matcher hops = Pattern.compile("overlay tree: 800 messages, .* hops per delivery mean [\\d.]+ max (\\d+)").matcher(run.output());
    assertTrue(hops.find(), run.output());
    assertTrue(Integer.parseInt(hops.group(1)) >= 2, "inner tree nodes relayed:\n" + run.output());
  }

  @Test
  void theTotalOrderDemoKillsTheSequencerAndTotalOrderStillHolds() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "total", "--nodes", "4", "--messages", "1600",
        "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("SIGKILL n1, the sequencer"), run.output());
    assertTrue(Pattern.compile("total order: held at 4/4 nodes — \\d+ messages, 0 violations").matcher(run.output()).find(), run.output());
    assertTrue(Pattern.compile("agreement: held at 3/3 nodes — \\d+ messages, 0 violations").matcher(run.output()).find(), run.output());
    assertTrue(run.output().contains("crashed nodes (no stop event): n1"), run.output());
    Matcher failover = Pattern.compile("first delivery in the new epoch after (\\d+) ms").matcher(run.output());
    assertTrue(failover.find(), run.output());
  }

  private static Path runDirOf(String output) {
    Matcher m = Pattern.compile("logs and traces in (\\S+)").matcher(output);
    assertTrue(m.find(), output);
    return Path.of(m.group(1));
  }
}
