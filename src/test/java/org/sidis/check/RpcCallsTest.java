package org.sidis.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPC checker on hand-written stub and skeleton traces, read back as a run directory. */
class RpcCallsTest {

    @TempDir
    Path run;

    private final Map<String, StringBuilder> files = new HashMap<>();
    private final Map<String, Integer> lseq = new HashMap<>();

    /** One rpc line at {@code node}; {@code fields} is the rest of the JSON object. */
    private RpcCallsTest line(String node, String event, String msg, String fields) {
        int n = lseq.merge(node, 1, Integer::sum);
        files.computeIfAbsent(node, k -> new StringBuilder()).append(String.format(
                "{\"ts\":%d,\"node\":\"%s\",\"actor\":\"/x\",\"proto\":\"rpc\",\"group\":\"calc\",\"event\":\"%s\",\"msg\":\"%s\","
                        + "\"lseq\":%d%s}%n", 1000 + n, node, event, msg, n, fields.isEmpty() ? "" : "," + fields));
        return this;
    }

    private RpcCallsTest call(String node, String msg, boolean idempotent, String replication) {
        return line(node, "call", msg, "\"method\":\"Calc.add\",\"mode\":\"sync\",\"idempotent\":" + idempotent
                + ",\"replication\":\"" + replication + "\"");
    }

    private RpcCallsTest ret(String node, String msg, String outcome) {
        return line(node, "return", msg, "\"outcome\":\"" + outcome + "\"");
    }

    private RpcCallsTest executed(String node, String msg) {
        return line(node, "execute", msg, "\"method\":\"Calc.add\"").line(node, "reply", msg, "\"outcome\":\"ok\"");
    }

    /** Every node stops cleanly unless named crashed. */
    private Report inspect(String... crashed) throws IOException {
        for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
            StringBuilder text = new StringBuilder(f.getValue());
            if (!java.util.List.of(crashed).contains(f.getKey())) {
                text.append(String.format("{\"ts\":9999,\"node\":\"%s\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\","
                        + "\"lseq\":1}%n", f.getKey()));
            }
            Files.writeString(run.resolve(f.getKey() + ".jsonl"), text);
        }
        return Inspection.of(run);
    }

    @Test
    void holdsWhenEveryCallReturnedOnceAndAnIdempotentOneRanOnTwoReplicas() throws IOException {
        call("c", "c:1", false, "single").executed("r1", "c:1").ret("c", "c:1", "ok");
        call("c", "c:2", true, "single").executed("r1", "c:2").executed("r2", "c:2").ret("c", "c:2", "ok");
        call("c", "c:3", true, "single").ret("c", "c:3", "timeout");
        Report report = inspect();
        assertTrue(report.passed(), report.table());
        assertEquals(Verdict.Outcome.HELD, report.verdict("calc", RpcCalls.RETURNED_ONCE).outcome());
        assertTrue(report.table().contains("idempotent calls executed more than once (allowed) 1"), report.table());
        assertTrue(report.table().contains("outcomes {ok=2, timeout=1}"), report.table());
    }

    @Test
    void catchesACallThatNeverReturnedAndOneThatReturnedTwice() throws IOException {
        call("c", "c:1", true, "single").executed("r1", "c:1");
        call("c", "c:2", true, "single").executed("r1", "c:2").ret("c", "c:2", "ok").ret("c", "c:2", "error");
        Report report = inspect();
        Verdict v = report.verdict("calc", RpcCalls.RETURNED_ONCE);
        assertEquals(2, v.violations(), report.table());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("call c:1 (Calc.add, sync) never returned")), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("call c:2 (Calc.add) returned 2 times")), v.details().toString());
        assertFalse(report.passed());
    }

    @Test
    void excusesTheCallsInFlightOfACallerThatCrashed() throws IOException {
        call("c", "c:1", true, "single").executed("r1", "c:1");
        executed("r1", "c:2"); // its call line never reached c's disk
        Report report = inspect("c");
        assertTrue(report.passed(), report.table());
        assertTrue(report.table().contains("in flight when their caller crashed 1"), report.table());
    }

    @Test
    void catchesANonIdempotentCallExecutedOnTwoReplicas() throws IOException {
        call("c", "c:1", false, "single").executed("r1", "c:1").executed("r2", "c:1").ret("c", "c:1", "ok");
        Report report = inspect();
        Verdict v = report.verdict("calc", RpcCalls.AT_MOST_ONCE);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        assertTrue(v.details().get(0).contains("call c:1 (Calc.add, not idempotent, replication single) executed 2 times: {r1=1, r2=1}"),
                v.details().toString());
    }

    @Test
    void allowsANonIdempotentCallOncePerReplicaWhenTheStubCalledThemAll() throws IOException {
        call("c", "c:1", false, "majority").executed("r1", "c:1").executed("r2", "c:1").ret("c", "c:1", "ok");
        assertEquals(Verdict.Outcome.HELD, inspect().verdict("calc", RpcCalls.AT_MOST_ONCE).outcome());
    }

    @Test
    void catchesAReplyToACallNoStubMade() throws IOException {
        call("c", "c:1", true, "single").executed("r1", "c:1").ret("c", "c:1", "ok");
        executed("r1", "c:7");
        Verdict v = inspect().verdict("calc", RpcCalls.NO_ORPHAN_REPLY);
        assertEquals(1, v.violations());
        assertTrue(v.details().get(0).contains("execute of c:7 at r1, but no stub traced that call"), v.details().toString());
    }
}
