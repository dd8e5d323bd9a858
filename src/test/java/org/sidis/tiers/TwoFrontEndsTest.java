package org.sidis.tiers;

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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19, "Membership": the front end as two nodes in front of the same servers. Five
 * ActorSystems in one JVM on loopback — two front ends, each with its own HTTP front door, two
 * application servers, the data tier. One workload is split across both doors, as DNS
 * round-robin or an L4 balancer would split it: every answer must be the right document, each
 * door must see both servers and each server must serve requests of both doors.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES)
class TwoFrontEndsTest {

  private static final Map<String, Object> TIERS = Map.of(
      "sidis.tiers.documents", 1000,
      "sidis.tiers.document-size", 2048,
      "sidis.tiers.read-cost", "1ms",
      "sidis.tiers.cache-size", 100,
      "sidis.tiers.front-port", 0,
      "sidis.tiers.request-timeout", "20s",
      "sidis.server.workers", 4);

  @Test
  void oneWorkloadSplitAcrossTwoFrontDoorsIsAnsweredRightlyAndEachServerServesBoth() throws Exception {
    try (TiersTestCluster c = TiersTestCluster.start(TIERS, List.of("fe1", "fe2"), List.of("s1", "s2"))) {
      HttpClient http = c.http;
      List<String> fronts = c.fronts();
      assertNotEquals(fronts.get(0), fronts.get(1));
      for (String front : fronts) c.awaitServers(front, 2);

      // The workload: every reply mode and policy, request i to door i % 2, all of a mode/policy in flight at once.
      int perRow = 40;
      List<String> wrong = new ArrayList<>();
      List<Set<String>> serversOfDoor = List.of(new TreeSet<>(), new TreeSet<>());
      long[] sent = new long[2];
      for (ReplyMode mode : ReplyMode.values()) {
        for (Policy policy : Policy.values()) {
          List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
          for (int i = 0; i < perRow; i++) {
            int key = (i * 53) % 300;
            sent[i % 2]++;
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(fronts.get(i % 2) + "/doc/" + key + "?mode=" + mode.word()
                + "&policy=" + policy.word())).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
          }
          for (int i = 0; i < perRow; i++) {
            int key = (i * 53) % 300;
            HttpResponse<String> r = inFlight.get(i).get(90, TimeUnit.SECONDS);
            if (r.statusCode() != 200 || !r.body().equals(Documents.content(key, 2048))) {
              wrong.add(mode + "/" + policy + " door " + (i % 2 + 1) + " key " + key + ": " + r.statusCode());
            }
            serversOfDoor.get(i % 2).add(r.headers().firstValue("Sidis-Server").orElse("?"));
          }
        }
      }
      assertEquals(List.of(), wrong);
      assertEquals(Set.of("s1", "s2"), serversOfDoor.get(0), "the servers that answered door 1's requests");
      assertEquals(Set.of("s1", "s2"), serversOfDoor.get(1), "the servers that answered door 2's requests");
      for (int d = 0; d < 2; d++) {
        JsonNode st = c.status(fronts.get(d));
        // Each front end counted its own share and nothing of the other's, and answered each request once.
        assertEquals(sent[d], st.get("requests").asLong(), st.toString());
        assertEquals(sent[d], st.get("answered").asLong(), st.toString());
        assertEquals(0, st.get("duplicatesDropped").asLong(), st.toString());
        assertEquals(2, st.get("servers").size(), st.toString());
      }
    }
  }
}
