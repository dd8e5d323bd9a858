package org.sidis.tiers;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Leave;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

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

  @Test
  void everyReplyModeAndPolicyAnswersTheRightDocumentThroughTheRealHttpDoor() throws Exception {
    try (TiersTestCluster c = TiersTestCluster.start(TIERS, List.of("fe"), List.of("s1", "s2"))) {
      String front = c.fronts().get(0);
      c.awaitServers(front, 2);

      List<String> wrong = new ArrayList<>();
      int asked = 0;
      for (ReplyMode mode : ReplyMode.values()) {
        for (Policy policy : Policy.values()) {
          for (int i = 0; i < 30; i++) {
            int key = (i * 37) % 200;
            HttpResponse<String> r = c.get(front + "/doc/" + key + "?mode=" + mode.word() + "&policy=" + policy.word());
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

      JsonNode st = c.status(front);
      assertEquals(asked, st.get("requests").asLong());
      assertEquals(asked, st.get("answered").asLong());
      // Only relay's replies crossed the front end actor: 3 policies x 30 requests x 4096 bytes.
      assertEquals(3 * 30 * 4096L, st.get("replyBytesThroughFrontEnd").asLong());
      assertTrue(st.get("cacheHits").asLong() > 0, "the servers' caches never hit: " + st);

      // A server leaves the cluster: every request is still answered, by the one left.
      ActorTestKit s2 = c.kit("s2");
      Cluster.get(s2.system()).manager().tell(Leave.create(Cluster.get(s2.system()).selfMember().address()));
      c.awaitServers(front, 1);
      for (int key = 0; key < 20; key++) {
        HttpResponse<String> r = c.get(front + "/doc/" + key);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Documents.content(key, 4096), r.body());
        assertEquals("s1", r.headers().firstValue("Sidis-Server").orElse("?"));
      }
    }
  }

  @Test
  void theRequestsOfAServerThatShutsDownMidRequestAreRetriedOnTheOtherAndEachAnsweredOnce() throws Exception {
    // Reads take 8 s: the server that leaves cannot answer before it is gone, even on a loaded machine.
    Map<String, Object> slow = new java.util.HashMap<>(TIERS);
    slow.put("sidis.tiers.read-cost", "8s");
    slow.put("sidis.tiers.request-timeout", "40s");
    slow.put("sidis.tiers.policy", "round-robin");
    try (TiersTestCluster c = TiersTestCluster.start(slow, List.of("fe"), List.of("s1", "s2"))) {
      String front = c.fronts().get(0);
      ActorTestKit s2 = c.kit("s2");
      c.awaitServers(front, 2);

      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int key = 0; key < 6; key++) {
        String mode = key % 2 == 0 ? "relay" : "handoff";
        inFlight.add(c.http.sendAsync(HttpRequest.newBuilder(URI.create(front + "/doc/" + key + "?mode=" + mode))
            .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
      }
      // Wait until s2 holds some of them, then shut its ActorSystem down (it leaves the cluster).
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean s2Busy = false;
      while (!s2Busy && System.nanoTime() < deadline) {
        for (JsonNode srv : c.status(front).get("servers")) {
          if (srv.get("server").asText().startsWith(s2.system().address().toString()) && srv.get("load").asInt() > 0) s2Busy = true;
        }
        Thread.sleep(50);
      }
      assertTrue(s2Busy, "s2 never reported a load: " + c.status(front));
      c.shutDown("s2"); // it leaves the cluster while holding requests
      List<String> wrong = new ArrayList<>();
      for (int key = 0; key < 6; key++) {
        HttpResponse<String> r = inFlight.get(key).get(90, TimeUnit.SECONDS);
        if (r.statusCode() != 200 || !r.body().equals(Documents.content(key, 4096))) wrong.add(key + ": " + r.statusCode() + " " + r.body());
      }
      assertEquals(List.of(), wrong);
      JsonNode st = c.status(front);
      assertTrue(st.get("retried").asLong() >= 1, "s2's requests should have been retried: " + st);
      assertEquals(6, st.get("answered").asLong(), st.toString());
      assertEquals(0, st.get("refused").asLong(), st.toString());
    }
  }
}
