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
    Path jar = Path.of("target", "sidis.jar");
    Path log = Files.createTempFile("sidis-tiers", ".out");
    Path json = Path.of("target", "it-runs", "tiers-it.json").toAbsolutePath();
    Files.createDirectories(json.getParent());
    Files.deleteIfExists(json);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(), "demo", "tiers",
        "--servers", "2", "--requests", "60", "--reply-size", "4KiB", "--json", json.toString(), "--runs-dir", "target/it-runs",
        "--keep-running").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Matcher door = await(log, Pattern.compile("(?m)^front door: (http://127\\.0\\.0\\.1:\\d+/)$"), 300);
      String base = door.group(1);
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
      await(log, Pattern.compile("keeping the cluster up"), 300);
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

      p.getOutputStream().close(); // stdin closes: the demo stops its nodes and gives its verdict
      assertTrue(p.waitFor(180, TimeUnit.SECONDS), () -> "the demo did not stop after stdin closed:\n" + read(log));
      String out = read(log);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("verdict: PASSED"), out);
      JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("rows");
      assertEquals(9, rows.size(), rows.toString());
      for (JsonNode row : rows) assertEquals(row.path("requests").asLong(), row.path("correct").asLong(), row.toString());
    } finally {
      List<ProcessHandle> nodes = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      nodes.forEach(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(log);
    }
  }

  private static Matcher await(Path log, Pattern pattern, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Matcher m = pattern.matcher(read(log));
      if (m.find()) return m;
      if (System.nanoTime() > deadline) fail("no line matching " + pattern + " within " + seconds + " s:\n" + read(log));
      Thread.sleep(200);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
