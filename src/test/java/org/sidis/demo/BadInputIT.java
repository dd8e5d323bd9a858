package org.sidis.demo;

import org.sidis.cli.DemoCommand;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input on the command line gets one clear error line and a non-zero exit, never a stack trace. */
class BadInputIT {

  @Test
  void aDemoWithNoNodesIsRefused() throws Exception {
    SidisProcess run = SidisProcess.run(60, "demo", "causal", "--nodes", "0", "--runs-dir", "target/it-runs");
    assertEquals(2, run.exitCode(), run.output());
    assertEquals("error: --nodes must be at least 1, got 0", run.output().strip());
  }

  @Test
  void anUnknownDemoIsRefusedWithTheKnownOnes() throws Exception {
    SidisProcess run = SidisProcess.run(60, "demo", "gossip-party");
    assertEquals(2, run.exitCode(), run.output());
    assertEquals("error: unknown demo [gossip-party]; known: " + String.join(", ", DemoCommand.DEMOS), run.output().strip());
    assertTrue(run.output().contains("causal, fifo, total"), run.output());
  }

  @Test
  void aNodeOnAPortAlreadyInUseSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SidisProcess run = SidisProcess.run(60, "node", "--name", "n1", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(2, run.exitCode(), run.output());
      assertTrue(run.output().strip().startsWith("error: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"),
          run.output());
      assertEquals(1, run.output().strip().lines().count(), run.output());
    }
  }

  @Test
  void inspectingATraceWithABrokenLineNamesTheLineAndChecksTheRest() throws Exception {
    Path dir = Files.createTempDirectory("sidis-broken");
    Files.writeString(dir.resolve("n1.jsonl"), String.join("\n",
        "{\"ts\":1,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"start\",\"lseq\":1}",
        "{\"ts\":2,\"node\":\"n1\",\"actor\":\"/user/m\",\"proto\":\"fifo\",\"group\":\"g\",\"event\":\"multicast\",\"msg\":\"n1:1\",\"lseq\":1}",
        "this is not json",
        "{\"ts\":3,\"node\":\"n1\",\"actor\":\"/user/m\",\"proto\":\"fifo\",\"group\":\"g\",\"event\":\"deliver\",\"msg\":\"n1:1\",\"lseq\":2}",
        "{\"ts\":4,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\",\"lseq\":2}", ""));
    SidisProcess run = SidisProcess.run(60, "inspect", dir.toString());
    assertTrue(run.output().contains("n1.jsonl:3"), run.output());
    assertTrue(run.output().contains("integrity: held at 1/1 nodes — 1 messages, 0 violations"), run.output());
  }

  @Test
  void aNodeWhoseQueueStoreIsCorruptExitsWithTheStoresError() throws Exception {
    Path store = Files.createTempDirectory("sidis-corrupt");
    byte[] garbage = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(store.resolve("n1.mv.db"), garbage);
    SidisProcess run = SidisProcess.run(120, "node", "--name", "n1", "--port", "0",
        "--set", "sidis.node.services=[queues]", "--set", "sidis.node.store-dir=\"" + store + "\"",
        "--set", "sidis.trace.enabled=off");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("error: service actor [queue-manager] of node [n1] failed"), run.output());
    assertTrue(run.output().contains("the queue store cannot be opened: MVStoreException: Store header is corrupt"), run.output());
  }
}
