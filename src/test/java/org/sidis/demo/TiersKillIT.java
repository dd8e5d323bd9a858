package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.TiersCalls;
import org.sidis.check.Verdict;
import org.sidis.tiers.Documents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19, "Membership": two front ends (each its own JVM and front door) before two
 * application servers; an HTTP client outside the cluster alternates between the two doors, in
 * relay and handoff, while one application server's JVM is killed with SIGKILL. Every request
 * must get the right document — the killed server's unanswered ones retried once on another
 * server after the cluster downs it — and the trace checker must find every request answered
 * exactly once and nothing served where it was not routed.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES)
class TiersKillIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SIZE = 4096;

  @Test
  void everyRequestThroughEitherDoorIsAnsweredRightOnceWhenAnAppServerJvmIsKilled() throws Exception {
    // A read cost of 100 ms keeps requests in flight at every server when one is killed; the
    // request timeout outlasts the split-brain resolver's downing, so they are retried, not 504.
    try (KeptRunningDemo demo = KeptRunningDemo.start("tiers", "--servers", "2", "--front-ends", "2", "--requests", "10",
        "--reply-size", "4KiB", "--set", "sidis.tiers.read-cost=100ms", "--set", "sidis.tiers.request-timeout=40s")) {
      demo.await(Pattern.compile("keeping the cluster up"), 240);
      List<String> doors = demo.all(Pattern.compile("(?m)^front door: (http://127\\.0\\.0\\.1:\\d+)/$")).stream()
          .map(m -> m.group(1)).toList();
      assertEquals(2, doors.size(), demo.output());
      Path runDir = Path.of(demo.await(Pattern.compile("run directory (\\S+)"), 5).group(1));
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong answered = new AtomicLong();
      List<String> wrong = Collections.synchronizedList(new ArrayList<>());
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int me = t;
        Thread client = new Thread(() -> {
          Random random = new Random(me);
          for (long i = 0; running.get(); i++) {
            int key = random.nextInt(1000);
            String door = doors.get((int) ((me + i) % 2));
            String mode = i % 2 == 0 ? "relay" : "handoff";
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(door + "/doc/" + key + "?mode=" + mode
                  + "&policy=round-robin")).timeout(Duration.ofSeconds(90)).GET().build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200 && r.body().equals(Documents.content(key, SIZE))) answered.incrementAndGet();
              else wrong.add(door + " " + mode + " key " + key + ": " + r.statusCode() + " " + r.body().substring(0,
                  Math.min(200, r.body().length())));
            } catch (IOException e) {
              wrong.add(door + " " + mode + " key " + key + ": " + e);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "tiers-client-" + t);
        client.start();
        clients.add(client);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (answered.get() < 30 && System.nanoTime() < deadline) Thread.sleep(100);
      ProcessHandle victim = demo.nodes().stream()
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("sidis.node.services=[tiers-server]")).orElse(false))
          .findFirst().orElseThrow(() -> new AssertionError("no app server JVM among " + demo.nodes()));
      long before = answered.get();
      assertTrue(victim.destroyForcibly(), "SIGKILL"); // destroyForcibly is SIGKILL on Linux
      // Until both front ends have retried the victim's requests and route to the one left.
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
      while (System.nanoTime() < deadline && !(routable(http, doors, 1) && retried(http, doors) > 0)) Thread.sleep(250);
      Thread.sleep(1000);
      running.set(false);
      for (Thread c : clients) c.join(TimeUnit.SECONDS.toMillis(100));
      long retried = retried(http, doors);

      assertTrue(wrong.isEmpty(), "every request must get the right document: " + wrong);
      assertTrue(answered.get() > before, "requests went on after the kill: " + before + " then " + answered.get());
      assertTrue(retried > 0, "the killed server held requests, retried on another server: " + retried);
      assertTrue(routable(http, doors, 1), "both front ends route to the server left");

      String out = demo.stop();
      Report report = Inspection.of(runDir);
      for (String property : List.of(TiersCalls.ANSWERED_ONCE, TiersCalls.ANSWERED_CORRECTLY, TiersCalls.SERVED_ONCE)) {
        assertEquals(Verdict.Outcome.HELD, report.verdict("tiers", property).outcome(), report.table() + "\n" + out);
      }
      assertTrue(report.table().contains("crashed nodes (no stop event): n"), "the killed server left no stop line: " + report.table());
    }
  }

  private static JsonNode status(HttpClient http, String door) throws IOException, InterruptedException {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(door + "/status")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static long retried(HttpClient http, List<String> doors) throws IOException, InterruptedException {
    long sum = 0;
    for (String door : doors) sum += status(http, door).path("retried").asLong();
    return sum;
  }

  private static boolean routable(HttpClient http, List<String> doors, int n) throws IOException, InterruptedException {
    for (String door : doors) {
      int up = 0;
      for (JsonNode s : status(http, door).path("servers")) if (s.path("routable").asBoolean()) up++;
      if (up != n) return false;
    }
    return true;
  }
}
