package org.sidis.tiers;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Leave;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.sidis.node.TestClusters;
import org.sidis.server.ServerSettings;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The three tiers as four ActorSystems in one JVM, a cluster over Artery on loopback: the front
 * end with its HTTP front door, two application servers with their own endpoints, the data tier.
 * A real HTTP client (java.net.http) asks the front door for documents in every reply mode and
 * policy and checks each answer against the document its key names.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES)
class TiersClusterTest {

  private static final Map<String, Object> TIERS = Map.of(
      "sidis.tiers.documents", 1000,
      "sidis.tiers.document-size", 4096,
      "sidis.tiers.read-cost", "1ms",
      "sidis.tiers.cache-size", 100,
      "sidis.tiers.front-port", 0,
      "sidis.tiers.request-timeout", "10s",
      "sidis.server.workers", 4);

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private static Config node(String name) {
    return TestClusters.nodeConfig(name, TIERS);
  }

  private static TiersSettings settings(ActorTestKit kit) {
    return TiersSettings.fromConfig(kit.system().settings().config().getConfig("sidis.tiers"));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode status(String front) throws Exception {
    HttpResponse<String> r = get(front + "/status");
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private void awaitServers(String front, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int routable = -1;
    while (System.nanoTime() < deadline) {
      routable = 0;
      for (JsonNode s : status(front).get("servers")) if (s.get("routable").asBoolean()) routable++;
      if (routable == n) return;
      Thread.sleep(100);
    }
    fail("the front door saw " + routable + " routable servers, expected " + n);
  }

  @Test
  void everyReplyModeAndPolicyAnswersTheRightDocumentThroughTheRealHttpDoor() throws Exception {
    ActorTestKit fe = ActorTestKit.create("sidis", node("fe"));
    ActorTestKit s1 = ActorTestKit.create("sidis", node("s1"));
    ActorTestKit s2 = ActorTestKit.create("sidis", node("s2"));
    ActorTestKit data = ActorTestKit.create("sidis", node("data"));
    FrontDoor door = null;
    try {
      TestClusters.joinAndAwaitUp(List.of(fe, s1, s2, data));
      TiersSettings settings = settings(fe);
      ServerSettings server = ServerSettings.fromConfig(fe.system().settings().config().getConfig("sidis.server"));
      data.spawn(DataTier.create(settings.documents(), settings.documentSize(), settings.readCost()), "data-tier");
      s1.spawn(AppServer.create("s1", settings, server), "app-server");
      s2.spawn(AppServer.create("s2", settings, server), "app-server");
      ActorRef<FrontEndCommand> frontEnd = fe.spawn(FrontEnd.create("fe", settings), "front-end");
      door = FrontDoor.bind(fe.system(), frontEnd, settings, "fe").toCompletableFuture().get(30, TimeUnit.SECONDS);
      String front = door.url();
      awaitServers(front, 2);

      List<String> wrong = new ArrayList<>();
      int asked = 0;
      for (ReplyMode mode : ReplyMode.values()) {
        for (Policy policy : Policy.values()) {
          for (int i = 0; i < 30; i++) {
            int key = (i * 37) % 200;
            HttpResponse<String> r = get(front + "/doc/" + key + "?mode=" + mode.word() + "&policy=" + policy.word());
            asked++;
            if (r.statusCode() != 200 || !r.body().equals(Documents.content(key, 4096))) {
              wrong.add(mode + "/" + policy + " key " + key + ": " + r.statusCode() + " " + r.body().substring(0, Math.min(80, r.body().length())));
            }
            if (mode == ReplyMode.REDIRECT) {
              assertNotEquals(URI.create(front).getPort(), r.uri().getPort(), "redirect must end at a server's own endpoint");
            }
          }
        }
      }
      assertEquals(List.of(), wrong, "wrong answers out of " + asked);

      JsonNode st = status(front);
      assertEquals(asked, st.get("requests").asLong());
      assertEquals(asked, st.get("answered").asLong());
      // Only relay's replies crossed the front end actor: 3 policies x 30 requests x 4096 bytes.
      assertEquals(3 * 30 * 4096L, st.get("replyBytesThroughFrontEnd").asLong());
      assertTrue(st.get("cacheHits").asLong() > 0, "the servers' caches never hit: " + st);

      // A server leaves the cluster: every request is still answered, by the one left.
      Cluster.get(s2.system()).manager().tell(Leave.create(Cluster.get(s2.system()).selfMember().address()));
      awaitServers(front, 1);
      for (int key = 0; key < 20; key++) {
        HttpResponse<String> r = get(front + "/doc/" + key);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Documents.content(key, 4096), r.body());
        assertEquals("s1", r.headers().firstValue("Sidis-Server").orElse("?"));
      }
    } finally {
      if (door != null) door.stop();
      TestClusters.shutdownAll(List.of(data, s2, s1, fe));
    }
  }

  @Test
  void theRequestsOfAServerThatShutsDownMidRequestAreRetriedOnTheOtherAndEachAnsweredOnce() throws Exception {
    // Reads take 8 s: the server that leaves cannot answer before it is gone, even on a loaded machine.
    Map<String, Object> slow = new java.util.HashMap<>(TIERS);
    slow.put("sidis.tiers.read-cost", "8s");
    slow.put("sidis.tiers.request-timeout", "40s");
    slow.put("sidis.tiers.policy", "round-robin");
    ActorTestKit fe = ActorTestKit.create("sidis", TestClusters.nodeConfig("fe", slow));
    ActorTestKit s1 = ActorTestKit.create("sidis", TestClusters.nodeConfig("s1", slow));
    ActorTestKit s2 = ActorTestKit.create("sidis", TestClusters.nodeConfig("s2", slow));
    ActorTestKit data = ActorTestKit.create("sidis", TestClusters.nodeConfig("data", slow));
    FrontDoor door = null;
    boolean s2Down = false;
    try {
      TestClusters.joinAndAwaitUp(List.of(fe, s1, s2, data));
      TiersSettings settings = settings(fe);
      ServerSettings server = ServerSettings.fromConfig(fe.system().settings().config().getConfig("sidis.server"));
      data.spawn(DataTier.create(settings.documents(), settings.documentSize(), settings.readCost()), "data-tier");
      s1.spawn(AppServer.create("s1", settings, server), "app-server");
      s2.spawn(AppServer.create("s2", settings, server), "app-server");
      ActorRef<FrontEndCommand> frontEnd = fe.spawn(FrontEnd.create("fe", settings), "front-end");
      door = FrontDoor.bind(fe.system(), frontEnd, settings, "fe").toCompletableFuture().get(30, TimeUnit.SECONDS);
      String front = door.url();
      awaitServers(front, 2);

      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int key = 0; key < 6; key++) {
        String mode = key % 2 == 0 ? "relay" : "handoff";
        inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(front + "/doc/" + key + "?mode=" + mode))
            .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
      }
      // Wait until s2 holds some of them, then shut its ActorSystem down (it leaves the cluster).
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean s2Busy = false;
      while (!s2Busy && System.nanoTime() < deadline) {
        for (JsonNode srv : status(front).get("servers")) {
          if (srv.get("server").asText().startsWith(s2.system().address().toString()) && srv.get("load").asInt() > 0) s2Busy = true;
        }
        Thread.sleep(50);
      }
      assertTrue(s2Busy, "s2 never reported a load: " + status(front));
      ActorTestKit.shutdown(s2.system(), Duration.ofSeconds(60), true); // it leaves the cluster while holding requests
      s2Down = true;
      List<String> wrong = new ArrayList<>();
      for (int key = 0; key < 6; key++) {
        HttpResponse<String> r = inFlight.get(key).get(90, TimeUnit.SECONDS);
        if (r.statusCode() != 200 || !r.body().equals(Documents.content(key, 4096))) wrong.add(key + ": " + r.statusCode() + " " + r.body());
      }
      assertEquals(List.of(), wrong);
      JsonNode st = status(front);
      assertTrue(st.get("retried").asLong() >= 1, "s2's requests should have been retried: " + st);
      assertEquals(6, st.get("answered").asLong(), st.toString());
      assertEquals(0, st.get("refused").asLong(), st.toString());
    } finally {
      if (door != null) door.stop();
      TestClusters.shutdownAll(s2Down ? List.of(data, s1, fe) : List.of(data, s1, fe, s2));
    }
  }
}
