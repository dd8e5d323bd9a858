package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervision demo for real: four JVMs, failures injected into the server's actors while
 * clients run; supervisors restart them, every call succeeds and the queue loses nothing.
 */
class SupervisionIT {

  @Test
  void crashedActorsAreRestartedWhileClientsSeeNoError() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "supervision", "--messages", "400", "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("RPC: 400 of 400 calls succeeded, 0 failed"), run.output());
    Matcher workers = Pattern.compile("restarts traced: \\{.*worker=(\\d+)").matcher(run.output());
    assertTrue(workers.find() && Integer.parseInt(workers.group(1)) > 0, "workers were restarted: " + run.output());
    assertTrue(run.output().contains("lost 0, unexpected 0"), run.output());
    assertTrue(run.output().contains("verdict: PASSED"), run.output());
  }
}
