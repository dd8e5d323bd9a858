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

/** The migration checker on hand-written client and actor traces, each broken one way (negative controls). */
class MigrationCallsTest {

    @TempDir
    Path run;

    private final Map<String, StringBuilder> files = new HashMap<>();
    private final Map<String, Integer> lseq = new HashMap<>();

    private MigrationCallsTest line(String node, String event, String msg, String fields) {
        int n = lseq.merge(node, 1, Integer::sum);
        files.computeIfAbsent(node, k -> new StringBuilder()).append(String.format(
                "{\"ts\":%d,\"node\":\"%s\",\"actor\":\"/x\",\"proto\":\"migration\",\"group\":\"counter\",\"event\":\"%s\",%s"
                        + "\"lseq\":%d%s}%n", 1000 + n, node, event, msg == null ? "" : "\"msg\":\"" + msg + "\",", n,
                fields.isEmpty() ? "" : "," + fields));
        return this;
    }

    /** Client c calls msg, the actor applies it at host as value v, and c gets v back. */
    private MigrationCallsTest served(String msg, String host, long v) {
        return call(msg).apply(host, msg, v).reply(msg, v, host);
    }

    private MigrationCallsTest call(String msg) {
        return line("c", "call", msg, "");
    }

    private MigrationCallsTest apply(String host, String msg, long v) {
        return line(host, "apply", msg, "\"value\":" + v);
    }

    private MigrationCallsTest reply(String msg, long v, String at) {
        return line("c", "reply", msg, "\"value\":" + v + ",\"at\":\"" + at + "\"");
    }

    private MigrationCallsTest moved(String from, String to) {
        return line(from, "move-start", null, "\"peer\":\"" + to + "\",\"role\":\"source\"")
                .line(to, "move-start", null, "\"peer\":\"" + from + "\",\"role\":\"target\"")
                .line(to, "move-switch", null, "\"peer\":\"" + from + "\",\"downtime_ms\":1.5,\"role\":\"target\"")
                .line(from, "move-switch", null, "\"peer\":\"" + to + "\",\"downtime_ms\":2.0,\"role\":\"source\"")
                .line(to, "move-done", null, "\"peer\":\"" + from + "\",\"role\":\"target\"")
                .line(from, "move-done", null, "\"peer\":\"" + to + "\",\"role\":\"source\"");
    }

    private Report inspect(String... crashed) throws IOException {
        for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
            StringBuilder text = new StringBuilder(f.getValue());
            if (!List.of(crashed).contains(f.getKey())) {
                text.append(String.format("{\"ts\":9999,\"node\":\"%s\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\",\"lseq\":1}%n", f.getKey()));
            }
            Files.writeString(run.resolve(f.getKey() + ".jsonl"), text);
        }
        return Inspection.of(run);
    }

    @Test
    void holdsWhenEveryCallIsAppliedOnceAcrossAMoveAndRepliedWithItsValue() throws IOException {
        served("c:1", "n1", 1).served("c:2", "n1", 2).moved("n1", "n2").served("c:3", "n2", 3).moved("n2", "n1").served("c:4", "n1", 4);
        Report report = inspect();
        assertTrue(report.passed(), report.table());
        for (String p : List.of(MigrationCalls.NOTHING_LOST, MigrationCalls.APPLIED_ONCE, MigrationCalls.REPLIES_MATCH, MigrationCalls.MONOTONIC)) {
            assertEquals(Verdict.Outcome.HELD, report.verdict("counter", p).outcome(), p + "\n" + report.table());
        }
        assertTrue(report.table().contains("completed moves 2"), report.table());
    }

    @Test
    void catchesACallWithoutAReply() throws IOException {
        served("c:1", "n1", 1).call("c:2").apply("n1", "c:2", 2);
        Report report = inspect();
        Verdict v = report.verdict("counter", MigrationCalls.NOTHING_LOST);
        assertEquals(1, v.violations(), report.table());
        assertTrue(v.details().get(0).contains("call c:2 at c never got a reply (it was applied at n1)"), v.details().toString());
        assertFalse(report.passed());
    }

    @Test
    void excusesTheCallInFlightOfACrashedClient() throws IOException {
        served("c:1", "n1", 1).call("c:2");
        assertEquals(Verdict.Outcome.HELD, inspect("c").verdict("counter", MigrationCalls.NOTHING_LOST).outcome());
    }

    @Test
    void catchesARequestAppliedOnBothNodesOfAMove() throws IOException {
        call("c:1").apply("n1", "c:1", 1).moved("n1", "n2").apply("n2", "c:1", 2).reply("c:1", 1, "n1");
        Report report = inspect();
        Verdict v = report.verdict("counter", MigrationCalls.APPLIED_ONCE);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        assertTrue(v.details().get(0).contains("request c:1 applied 2 times"), v.details().toString());
    }

    @Test
    void catchesAMoveThatLostTheStateAndCountedAgainFromAnOlderValue() throws IOException {
        served("c:1", "n1", 1).served("c:2", "n1", 2).moved("n1", "n2").served("c:3", "n2", 2);
        Report report = inspect();
        assertEquals(Verdict.Outcome.VIOLATED, report.verdict("counter", MigrationCalls.APPLIED_ONCE).outcome(), report.table());
        Verdict mono = report.verdict("counter", MigrationCalls.MONOTONIC);
        assertEquals(1, mono.violations(), report.table());
        assertTrue(mono.details().get(0).contains("reply to c:3 is 2, not above the reply to c:2 (2)"), mono.details().toString());
    }

    @Test
    void catchesAReplyThatDiffersFromTheAppliedValueAndOneNeverApplied() throws IOException {
        call("c:1").apply("n1", "c:1", 1).reply("c:1", 7, "n1").call("c:2").reply("c:2", 8, "n2");
        Report report = inspect();
        Verdict v = report.verdict("counter", MigrationCalls.REPLIES_MATCH);
        assertEquals(2, v.violations(), report.table());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("reply to c:1 says 7 but it was applied as 1 at n1")), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("reply to c:2 (value 8) but no node applied it")), v.details().toString());
    }
}
