package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervision demo for real: four JVMs, failures injected into the server's actors while
 * clients run — the concurrent server's workers, the queue manager and the total-order group's
 * sequencer actor; supervisors restart them, every call succeeds, the queue loses nothing
 * acknowledged, and the checkers pass the group (nothing lost, no gseq twice).
 */
class SupervisionIT {

  @Test
  void crashedActorsAreRestartedWhileClientsSeeNoError() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "supervision", "--messages", "400", "--runs-dir", "target/it-runs",
        // More crashes of the queue manager than the demo's default, so that 400 jobs surely see some.
        "--set", "sidis.fault.inject.queue-manager=0.01",
        // And of the sequencer's, so that its few hundred numbering requests surely see some.
        "--set", "sidis.fault.inject.sequencer=0.05");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("RPC: 400 of 400 calls succeeded, 0 failed"), run.output());
    Matcher workers = Pattern.compile("restarts traced: \\{.*worker=(\\d+)").matcher(run.output());
    assertTrue(workers.find() && Integer.parseInt(workers.group(1)) > 0, "workers were restarted: " + run.output());
    Matcher managers = Pattern.compile("restarts traced: \\{.*queue-manager=(\\d+)").matcher(run.output());
    assertTrue(managers.find() && Integer.parseInt(managers.group(1)) > 0, "the queue manager was restarted: " + run.output());
    Matcher sequencers = Pattern.compile("restarts traced: \\{.*sequencer=(\\d+)").matcher(run.output());
    assertTrue(sequencers.find() && Integer.parseInt(sequencers.group(1)) > 0, "the sequencer was restarted: " + run.output());
    assertTrue(run.output().contains("lost 0, unexpected 0"), run.output());
    assertTrue(run.output().contains("verdict: PASSED"), run.output());
  }
}
