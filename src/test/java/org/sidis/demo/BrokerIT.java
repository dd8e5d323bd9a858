package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker and pub/sub demos for real, from the packaged jar: three JVMs (four for pubsub,
 * one of them killed with SIGKILL), checked by the queue and topic checkers; and a node that
 * refuses a malformed broker rule at start, naming it.
 */
@org.junit.jupiter.api.Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES) // whole demos of 3-5 JVMs, each run bounded by SidisProcess (<= 300 s)
class BrokerIT {

  @Test
  void theBrokerDemoRoutesTransformsAndLosesNothing() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "broker", "--messages", "600", "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    String out = run.output();
    assertTrue(out.contains("wrongly refused or routed 0, timed out 0"), out);
    assertTrue(out.contains("malformed 0, out of per-customer order 0"), out);
    assertTrue(out.contains("refused 24 (every 25-th is not JSON)"), out);
    assertTrue(out.contains("gateway (HTTP): sent through the broker 90, refused as expected 10, PUT 50, GET+ACK 50\n"), out);
    for (String q : new String[] {"orders-eu", "orders-us", "unrouted", "http-in"}) {
      assertTrue(out.contains("[queue " + q + "] total queue: held"), q + ": " + out);
    }
    assertTrue(out.contains("[topic prices] total topic: held"), out);
    assertTrue(out.contains("lost 0, unexpected 0"), out);
    assertTrue(out.contains("verdict: PASSED"), out);
  }

  @Test
  void thePubsubDemoKeepsADurableSubscriptionsMessagesWhileItsSubscriberIsDown() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "pubsub", "--messages", "1000", "--runs-dir", "target/it-runs");
    assertEquals(0, run.exitCode(), run.output());
    String out = run.output();
    assertTrue(out.contains("SIGKILL n3, billing's consumer"), out);
    assertTrue(out.contains("starting n4, billing's next consumer"), out);
    assertTrue(out.contains("crashed nodes (no stop event): n3"), out);
    assertTrue(out.contains("subscriptions [audit, billing, screen] (durable [audit, billing]), copies owed 3000"), out);
    assertTrue(out.contains("[topic prices] total topic: held"), out);
    assertTrue(out.contains("verdict: PASSED"), out);
  }

  @Test
  void aNodeWithAMalformedBrokerRuleRefusesToStartNamingTheRuleFileAndLine() throws Exception {
    Path conf = Files.createTempFile("bad-broker", ".conf");
    Files.writeString(conf, """
        sidis.mom.broker.rules = [
          { name = fine, to = "queue:a" }
          { name = typo, match = { field = region, eqals = eu }, to = "queue:b" }
        ]
        """);
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = s.getLocalPort();
    }
    SidisProcess run = SidisProcess.run(60, "node", "--name", "n1", "--port", String.valueOf(port), "--config", conf.toString(),
        "--set", "sidis.node.services=[queues]");
    Files.deleteIfExists(conf);
    assertEquals(2, run.exitCode(), run.output());
    String line = run.output().strip();
    assertTrue(line.startsWith("error: sidis.mom.broker.rules[1] (name \"typo\") in " + conf.getFileName())
        || line.startsWith("error: sidis.mom.broker.rules[1] (name \"typo\") in " + conf), line);
    assertTrue(line.contains(": 3: match: unknown key [eqals]"), line);
    assertEquals(1, line.lines().count(), run.output());
  }

  @Test
  void aNodeWhoseGatewayPortIsTakenSaysSoBeforeStarting() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int nodePort;
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        nodePort = s.getLocalPort();
      }
      SidisProcess run = SidisProcess.run(60, "node", "--name", "n1", "--port", String.valueOf(nodePort),
          "--set", "sidis.node.services=[queues]", "--set", "sidis.mom.gateway.enabled=on",
          "--set", "sidis.mom.gateway.port=" + taken.getLocalPort());
      assertEquals(2, run.exitCode(), run.output());
      assertTrue(run.output().strip().startsWith("error: the gateway (sidis.mom.gateway.port): port " + taken.getLocalPort()
          + " on 127.0.0.1 is already in use"), run.output());
    }
  }
}
