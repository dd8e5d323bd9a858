package org.sidis.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The topic checker on hand-written trace files, read back the way `inspect` reads a run. */
class TopicTotalTest {

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();
    private long lseq;

    private TopicTotalTest put(String id, String... to) {
        String list = String.join(",", java.util.Arrays.stream(to).map(s -> "\"" + s + "\"").toList());
        lines.add(line("put", id, ",\"to\":[" + list + "]"));
        return this;
    }

    private TopicTotalTest get(String sub, boolean durable, String... ids) {
        for (String id : ids) lines.add(line("get", id, ",\"subscription\":\"" + sub + "\",\"durable\":" + durable + ",\"deliveries\":1"));
        return this;
    }

    private TopicTotalTest ack(String sub, String... ids) {
        for (String id : ids) lines.add(line("ack", id, ",\"subscription\":\"" + sub + "\""));
        return this;
    }

    private String line(String event, String id, String extra) {
        return "{\"ts\":1,\"node\":\"n1\",\"actor\":\"app\",\"proto\":\"topic\",\"group\":\"prices\",\"event\":\"" + event
            + "\",\"msg\":\"" + id + "\",\"lseq\":" + (++lseq) + extra + "}";
    }

    /** The trace so far, n1 stopping cleanly at the end (a crashed node's last receipts are judged apart). */
    private Verdict verdict() throws Exception {
        List<String> all = new ArrayList<>(lines);
        all.add(nodeLine("n1", "stop", 1));
        Files.write(dir.resolve("n1.jsonl"), all);
        Trace trace = TraceReader.read(dir);
        assertEquals(List.of(), trace.problems());
        List<Verdict> vs = TopicTotal.check(trace.events());
        assertEquals(1, vs.size());
        return vs.get(0);
    }

    @Test
    void holdsWhenEverySubscriptionTookItsCopyAndCopiesInTwoSubscriptionsAreNotDuplicates() throws Exception {
        put("p:1", "audit", "screen").put("p:2", "audit", "screen");
        get("audit", true, "p:1", "p:2", "p:2").ack("audit", "p:1", "p:2");
        get("screen", false, "p:1", "p:2");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.HELD, v.outcome(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("copies owed 4, copies received 4")), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.startsWith("duplicates 1")), v.details().toString());
    }

    @Test
    void aDurableCopyReceivedButNeverAcknowledgedIsLost() throws Exception {
        put("p:1", "audit").get("audit", true, "p:1");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome());
        assertTrue(v.details().get(0).contains("lost: p:1 for subscription audit — the topic gave it to the durable subscription"),
            v.details().toString());
    }

    @Test
    void aCopyOwedToASubscriptionThatNeverReceivedItIsLostAndOneNotOwedIsNot() throws Exception {
        put("p:1", "audit", "screen").put("p:2", "audit");
        get("audit", true, "p:1", "p:2").ack("audit", "p:1", "p:2");
        Verdict v = verdict();
        assertEquals(1, v.violations(), v.details().toString());
        assertTrue(v.details().get(0).contains("lost: p:1 for subscription screen"), v.details().toString());
    }

    @Test
    void catchesACopyNeverPublishedAndOneAcknowledgedTwice() throws Exception {
        put("p:1", "audit");
        get("audit", true, "p:1", "x:9").ack("audit", "p:1", "p:1", "x:9");
        Verdict v = verdict();
        assertEquals(2, v.violations(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("unexpected: x:9 for subscription audit")), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("acked twice: p:1 for subscription audit")), v.details().toString());
    }

    private static String nodeLine(String node, String event, long lseq) {
        return "{\"ts\":1,\"node\":\"" + node + "\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"" + event
            + "\",\"lseq\":" + lseq + "}";
    }

    private static String consumerLine(String node, String event, String id, long lseq) {
        return "{\"ts\":1,\"node\":\"" + node + "\",\"actor\":\"billing\",\"proto\":\"topic\",\"group\":\"prices\",\"event\":\""
            + event + "\",\"msg\":\"" + id + "\",\"lseq\":" + lseq + ",\"subscription\":\"billing\",\"durable\":true}";
    }

    @Test
    void aCopyReceivedAsTheLastActOfACrashedConsumerIsInDoubtNotLostButOneReceivedEarlierIsLost() throws Exception {
        put("p:1", "billing").put("p:2", "billing").put("p:3", "billing");
        Files.write(dir.resolve("n3.jsonl"), List.of(nodeLine("n3", "start", 1),
            consumerLine("n3", "get", "p:1", 1), consumerLine("n3", "get", "p:2", 2), consumerLine("n3", "ack", "p:2", 3),
            consumerLine("n3", "get", "p:3", 4)));
        Verdict v = verdict();
        assertEquals(1, v.violations(), v.details().toString());
        assertTrue(v.details().get(0).contains("lost: p:1 for subscription billing"), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.startsWith("in doubt 1 [p:3 for subscription billing]")), v.details().toString());
    }

    @Test
    void aCopyLeftUnacknowledgedByAConsumerThatStoppedCleanlyIsLost() throws Exception {
        put("p:1", "billing");
        Files.write(dir.resolve("n3.jsonl"), List.of(nodeLine("n3", "start", 1), consumerLine("n3", "get", "p:1", 1),
            nodeLine("n3", "stop", 2)));
        Verdict v = verdict();
        assertEquals(1, v.violations(), v.details().toString());
        assertTrue(v.details().get(0).contains("lost: p:1 for subscription billing"), v.details().toString());
    }
}
