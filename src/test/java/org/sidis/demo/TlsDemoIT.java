package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo causal --tls}: the launcher makes a CA and node keys in the run directory, every
 * node speaks Artery over mutual TLS, and the causal chat's checkers pass as over plain TCP.
 */
@org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class TlsDemoIT {

  @Test
  void theCausalDemoOverMutualTlsPassesItsCheckers() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "causal", "--messages", "600", "--tls", "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("causal order: held at 3/3 nodes — 600 messages, 0 violations"), run.output());
    Matcher m = Pattern.compile("logs and traces in (\\S+)").matcher(run.output());
    assertTrue(m.find(), "the run directory is named:\n" + run.output());
    Path runDir = Path.of(m.group(1));
    assertTrue(Files.isRegularFile(runDir.resolve("tls").resolve("ca.pem")), "the run's CA in " + runDir.resolve("tls"));
    for (String node : new String[] {"n1", "n2", "n3"}) {
      String cmd = Files.readString(runDir.resolve("logs").resolve(node + ".cmd"));
      assertTrue(cmd.contains("--tls " + runDir.resolve("tls").toAbsolutePath()), node + " was started with the run's keys: " + cmd);
      String log = Files.readString(runDir.resolve("logs").resolve(node + ".log"));
      assertTrue(log.contains("Remoting started with transport [Artery tls-tcp]"), node + " speaks TLS; its log:\n" + log);
      assertTrue(!log.contains("refused an inbound connection"), node + " refused no one; its log:\n" + log);
    }
  }
}
