package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sidis.tiers.Documents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19, "Show it": {@code demo tiers --keep-running} starts the data tier, the front end and
 * two application servers as separate JVMs, runs every reply mode and policy, and keeps the
 * front door up for any HTTP client until stdin closes; this test is such a client, outside
 * the cluster, and reads the JSON the demo writes.
 */
@org.junit.jupiter.api.Timeout(value = 8, unit = TimeUnit.MINUTES)
class TiersIT {

  @Test
  void anOutsideHttpClientGetsTheRightDocumentsFromTheKeptRunningFrontDoor() throws Exception {
    Path json = Path.of("target", "it-runs", "tiers-it.json").toAbsolutePath();
    Files.createDirectories(json.getParent());
    Files.deleteIfExists(json);
    try (KeptRunningDemo demo = KeptRunningDemo.start("tiers", "--servers", "2", "--requests", "60", "--reply-size", "4KiB", "--json",
        json.toString())) {
      Matcher door = demo.await(Pattern.compile("(?m)^front door: (http://127\\.0\\.0\\.1:\\d+/)$"), 300);
      String base = door.group(1);
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
      demo.await(Pattern.compile("keeping the cluster up"), 300);
      for (String mode : List.of("relay", "handoff", "redirect")) {
        for (int key : List.of(0, 5, 999)) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "doc/" + key + "?mode=" + mode))
              .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), mode + " " + key + ": " + r.body());
          assertEquals(Documents.content(key, 4096), r.body(), mode + " " + key);
        }
      }
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "doc/abc")).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode(), bad.body());
      HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "status")).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, status.statusCode(), status.body());
      assertEquals(2, new ObjectMapper().readTree(status.body()).path("servers").size(), status.body());

      String out = demo.stop(); // stdin closes: the demo stops its nodes and gives its verdict
      assertEquals(0, demo.exitValue(), out);
      assertTrue(out.contains("verdict: PASSED"), out);
      JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("rows");
      assertEquals(9, rows.size(), rows.toString());
      for (JsonNode row : rows) assertEquals(row.path("requests").asLong(), row.path("correct").asLong(), row.toString());
    }
  }
}
