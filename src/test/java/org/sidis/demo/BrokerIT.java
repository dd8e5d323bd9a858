package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

  @Test
  void aNodeRefusesAGatewayBeyondLoopbackWithoutATokenAndTls() throws Exception {
    int nodePort;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      nodePort = s.getLocalPort();
    }
    SidisProcess run = SidisProcess.run(60, "node", "--name", "n1", "--port", String.valueOf(nodePort),
        "--set", "sidis.node.services=[queues]", "--set", "sidis.mom.gateway.enabled=on", "--set", "sidis.mom.gateway.host=\"198.18.0.1\"");
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(run.output().strip().startsWith("error: sidis.mom.gateway.host = \"198.18.0.1\" is not a loopback address"), run.output());
    assertTrue(run.output().contains("has token: false, has TLS: false"), run.output());
  }

  /**
   * Issue 18, "Show it": {@code demo broker --keep-running} prints the gateway's address and
   * token file once it is up, and any HTTP client can use it with the token until stdin closes.
   */
  @Test
  void theKeptRunningGatewayServesAnyHttpClientUntilStdinCloses() throws Exception {
    try (KeptRunningDemo demo = KeptRunningDemo.start("broker", "--messages", "100")) {
      Matcher gateway = demo.await(Pattern.compile("(?m)^gateway: (http://127\\.0\\.0\\.1:\\d+/) token-file: (\\S+)$"), 240);
      String base = gateway.group(1);
      String token = Files.readString(Path.of(gateway.group(2))).trim();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(URI.create(base + "queues/outside")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, stranger.statusCode(), stranger.body());
      // Once the run's own work is done the cluster stays up: a client still PUTs, GETs and ACKs.
      demo.await(Pattern.compile("keeping the cluster up"), 240);
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "queues/outside")).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("from curl")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, put.statusCode(), put.body());
      HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "queues/outside?timeout=5s")).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, got.statusCode(), got.body());
      assertEquals("from curl", got.body());
      String ack = "{\"token\": \"" + got.headers().firstValue("Sidis-Delivery-Token").orElseThrow() + "\"}";
      HttpResponse<String> acked = http.send(HttpRequest.newBuilder(URI.create(base + "queues/outside/ack/"
              + got.headers().firstValue("Sidis-Message-Id").orElseThrow())).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(ack)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, acked.statusCode(), acked.body());
      String out = demo.stop(); // stdin closes: the demo stops its nodes and judges the run
      assertEquals(0, demo.exitValue(), out);
      assertTrue(out.contains("[queue outside] total queue: held"), out);
      assertTrue(out.contains("verdict: PASSED"), out);
    }
  }

}
