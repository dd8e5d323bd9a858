package org.sidis.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiers checker on hand-written front-end and server traces, read back as a run directory:
 * a run that keeps every promise passes, and each kind of broken run (a request never answered,
 * answered twice, the wrong document, a document no server served, a request served twice) is
 * caught — the negative controls that show the checker can fail.
 */
class TiersCallsTest {

  @TempDir
  Path run;

  private final Map<String, StringBuilder> files = new HashMap<>();
  private final Map<String, Integer> lseq = new HashMap<>();

  private TiersCallsTest line(String node, String event, String msg, String fields) {
    int n = lseq.merge(node, 1, Integer::sum);
    files.computeIfAbsent(node, k -> new StringBuilder()).append(String.format(
        "{\"ts\":%d,\"node\":\"%s\",\"actor\":\"/user/x\",\"proto\":\"tiers\",\"group\":\"tiers\",\"event\":\"%s\",\"msg\":\"%s\","
            + "\"lseq\":%d%s}%n", 1000 + n, node, event, msg, n, fields.isEmpty() ? "" : "," + fields));
    return this;
  }

  private TiersCallsTest request(String msg, int key) {
    return line("front", "request", msg, "\"key\":" + key + ",\"mode\":\"relay\",\"policy\":\"round-robin\"");
  }

  private TiersCallsTest route(String msg, int key, String server, int attempt) {
    return line("front", "route", msg, "\"key\":" + key + ",\"server\":\"http://" + server + "\",\"attempt\":" + attempt);
  }

  private TiersCallsTest serve(String server, String msg, int key, String crc) {
    return line(server, "serve", msg, "\"url\":\"http://" + server + "\",\"status\":200,\"key\":" + key + ",\"bytes\":64,\"crc\":\""
        + crc + "\",\"server\":\"" + server + "\"");
  }

  private TiersCallsTest reply(String msg, int key, String server, String crc) {
    return line("front", "reply", msg, "\"status\":200,\"key\":" + key + ",\"bytes\":64,\"crc\":\"" + crc + "\",\"server\":\""
        + server + "\"");
  }

  private TiersCallsTest refused(String msg, int status) {
    return line("front", "reply", msg, "\"status\":" + status);
  }

  /** A request for {@code key} routed to {@code server}, served and answered with document {@code crc}. */
  private TiersCallsTest served(String msg, int key, String server, String crc) {
    return request(msg, key).route(msg, key, server, 1).serve(server, msg, key, crc).reply(msg, key, server, crc);
  }

  private Report inspect(String... crashed) throws IOException {
    for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
      StringBuilder text = new StringBuilder(f.getValue());
      if (!List.of(crashed).contains(f.getKey())) {
        text.append(String.format("{\"ts\":9999,\"node\":\"%s\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\",\"lseq\":1}%n",
            f.getKey()));
      }
      Files.writeString(run.resolve(f.getKey() + ".jsonl"), text);
    }
    return Inspection.of(run);
  }

  @Test
  void holdsForAnsweredRequestsARetryARefusalAndARedirect() throws IOException {
    served("front:1", 5, "s1", "aa").served("front:2", 6, "s2", "bb");
    // front:3's first server left before answering: retried on s2, answered once; s1's late serve was routed there too.
    request("front:3", 7).route("front:3", 7, "s1", 1).route("front:3", 7, "s2", 2).serve("s2", "front:3", 7, "cc")
        .serve("s1", "front:3", 7, "cc").reply("front:3", 7, "s2", "cc");
    request("front:4", 8).refused("front:4", 503);
    request("front:5", 9).line("front", "reply", "front:5", "\"status\":307,\"location\":\"http://s1/doc/9\"")
        .line("s1", "serve", "direct-tiers-server-x:1", "\"url\":\"http://s1\",\"status\":200,\"key\":9,\"bytes\":64,\"crc\":\"dd\","
            + "\"server\":\"s1\",\"direct\":true");
    Report report = inspect();
    assertTrue(report.passed(), report.table());
    assertEquals(Verdict.Outcome.HELD, report.verdict("tiers", TiersCalls.ANSWERED_ONCE).outcome(), report.table());
    assertEquals(Verdict.Outcome.HELD, report.verdict("tiers", TiersCalls.ANSWERED_CORRECTLY).outcome(), report.table());
    assertEquals(Verdict.Outcome.HELD, report.verdict("tiers", TiersCalls.SERVED_ONCE).outcome(), report.table());
    assertTrue(report.table().contains("requests 5, answered with status {200=3, 307=1, 503=1}"), report.table());
    assertTrue(report.table().contains("served by two servers after a retry 1"), report.table());
  }

  @Test
  void catchesARequestNeverAnsweredAndOneAnsweredTwice() throws IOException {
    request("front:1", 1).route("front:1", 1, "s1", 1);
    served("front:2", 2, "s1", "aa").refused("front:2", 504);
    Report report = inspect();
    assertFalse(report.passed(), report.table());
    Verdict v = report.verdict("tiers", TiersCalls.ANSWERED_ONCE);
    assertEquals(2, v.violations(), report.table());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:1 (key 1, relay, round-robin) was never answered")),
        v.details().toString());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:2 was answered 2 times")), v.details().toString());
  }

  @Test
  void excusesTheRequestsInFlightAtAFrontEndThatCrashed() throws IOException {
    served("front:1", 1, "s1", "aa").request("front:2", 2).route("front:2", 2, "s1", 1);
    Report report = inspect("front");
    assertEquals(Verdict.Outcome.HELD, report.verdict("tiers", TiersCalls.ANSWERED_ONCE).outcome(), report.table());
    assertTrue(report.table().contains("in flight when their front end crashed 1"), report.table());
  }

  @Test
  void catchesTheWrongKeyAndADocumentNoServerServed() throws IOException {
    request("front:1", 1).route("front:1", 1, "s1", 1).serve("s1", "front:1", 2, "aa").reply("front:1", 2, "s1", "aa");
    request("front:2", 3).route("front:2", 3, "s1", 1).serve("s1", "front:2", 3, "bb").reply("front:2", 3, "s1", "XX");
    Report report = inspect();
    Verdict v = report.verdict("tiers", TiersCalls.ANSWERED_CORRECTLY);
    assertEquals(2, v.violations(), report.table());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:1 asked for key 1 and got document 2")), v.details().toString());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:2 got key 3 (64 bytes, crc XX) from s1")), v.details().toString());
    assertFalse(report.passed());
  }

  @Test
  void catchesARequestServedTwiceAtOneServerAndOneServedWhereItWasNotRouted() throws IOException {
    served("front:1", 1, "s1", "aa").serve("s1", "front:1", 1, "aa");
    request("front:2", 2).route("front:2", 2, "s1", 1).serve("s2", "front:2", 2, "bb").reply("front:2", 2, "s2", "bb");
    Report report = inspect();
    Verdict v = report.verdict("tiers", TiersCalls.SERVED_ONCE);
    assertEquals(2, v.violations(), report.table());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:1 served 2 times at http://s1 but routed there 1 times")),
        v.details().toString());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("request front:2 served 1 times at http://s2 but routed there 0 times")),
        v.details().toString());
    assertFalse(report.passed());
  }
}
