package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Report.Result;
import org.sidis.check.Verdict.Outcome;

class InspectionTest {

    @TempDir
    Path dir;

    /** Three nodes, each multicasting two messages, every one delivered everywhere in causal order. */
    private static void chatThatKeepsEveryPromise(TraceFiles run) {
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n1").receives("n2:1").delivers("n2:1").multicasts("n1:2").delivers("n1:2");
        run.node("n3").receives("n2:1", "n1:1").delivers("n1:1", "n2:1").receives("n1:2").delivers("n1:2");
        run.node("n2").receives("n1:2").delivers("n1:2");
    }

    private static List<String> lines(Report report) {
        return report.table().lines().toList();
    }

    @Test
    void passesARunThatKeepsEveryPromiseAndPrintsOneHeadlinePerProperty() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        chatThatKeepsEveryPromise(run);

        Report report = Inspection.of(run.write());

        assertEquals(Result.PASSED, report.result(), report.table());
        assertTrue(lines(report).containsAll(List.of(
                "causal order: held at 3/3 nodes — 3 messages, 0 violations",
                "fifo order: held at 3/3 nodes — 3 messages, 0 violations",
                "integrity: held at 3/3 nodes — 3 messages, 0 violations",
                "agreement: held at 3/3 nodes — 3 messages, 0 violations",
                "crashed nodes (no stop event): none",
                "PASSED: every promised property held")), report.table());
        assertTrue(report.problems().isEmpty(), report.table());
    }

    @Test
    void failsACausalRunThatDeliversAReplyBeforeItsCause() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").delivers("n2:1", "n1:1");

        Report report = Inspection.of(run.write());

        assertEquals(Result.FAILED, report.result(), report.table());
        assertTrue(lines(report).contains("causal order: VIOLATED at 1/3 nodes — 2 messages, 1 violations"), report.table());
        assertTrue(lines(report).contains("  n3 delivered chat n2:1 before its cause n1:1 (n1:1 delivered at n3 at position 2)"),
                report.table());
        assertTrue(lines(report).contains("FAILED: causal order in chat"), report.table());
    }

    @Test
    void showsButDoesNotFailACausalViolationInAFifoRun() {
        TraceFiles run = new TraceFiles(dir, "fifo", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").delivers("n2:1", "n1:1");

        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");
        assertEquals(Outcome.VIOLATED, causal.outcome(), report.table());
        assertFalse(causal.promised());
        assertTrue(lines(report).contains(
                "causal order: VIOLATED at 1/3 nodes — 2 messages, 1 violations (not promised by fifo)"), report.table());
        assertTrue(report.passed(), report.table());
    }

    @Test
    void leavesACrashedNodeOutOfAgreementAndListsIt() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:1", "n1:2");
        run.node("n3").delivers("n1:1").crashes();

        Report report = Inspection.of(run.write());

        assertEquals(List.of("n3"), report.crashedNodes());
        assertTrue(lines(report).contains("agreement: held at 2/2 nodes — 2 messages, 0 violations"), report.table());
        assertTrue(lines(report).contains("crashed nodes (no stop event): n3"), report.table());
        assertTrue(report.passed(), report.table());
    }

    @Test
    void checksWhatSurvivesABrokenLineACutOffLineAndAnEmptyFileAndListsEachWithFileAndLine() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:2").rawLine("{\"ts\": 17, oops").delivers("n1:1");
        run.node("n3").delivers("n1:1", "n1:2").cutOffLine("{\"ts\":1700000000000999,\"node\":\"n3\",\"ac");
        Path runDir = run.write();
        Files.writeString(runDir.resolve("trace/n4.jsonl"), "");

        Report report = Inspection.of(runDir);

        assertTrue(lines(report).containsAll(List.of(
                "  trace/n2.jsonl:3: not JSON: {\"ts\": 17, oops",
                "  trace/n3.jsonl:4: truncated last line: {\"ts\":1700000000000999,\"node\":\"n3\",\"ac",
                "  trace/n4.jsonl: empty trace file")), report.table());
        assertTrue(lines(report).contains("  n2 delivered chat n1:2 before n1:1 (n1:1 delivered at n2 at position 2)"),
                "n2's order is still checked past its broken line\n" + report.table());
        assertEquals(List.of("n3"), report.crashedNodes(), "a cut-off last line means no stop");
        assertEquals(Result.FAILED, report.result());
    }

    @Test
    void hasNothingToReadInADirectoryWithoutTraces() throws IOException {
        Files.createDirectories(dir.resolve("trace"));

        Report report = Inspection.of(dir);

        assertEquals(Result.NOTHING_TO_READ, report.result());
        assertFalse(report.passed());
        assertTrue(report.table().contains("NOTHING TO READ"), report.table());
    }

    @Test
    void judgesEachGroupByItsOwnProtocolAndPrefixesItsLines() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        chatThatKeepsEveryPromise(run);
        run.node("n1").inGroup("news", "fifo").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").inGroup("news", "fifo").delivers("n1:2", "n1:1");

        Report report = Inspection.of(run.write());

        assertTrue(lines(report).containsAll(List.of(
                "[chat] fifo order: held at 3/3 nodes — 3 messages, 0 violations",
                "[news] fifo order: VIOLATED at 1/2 nodes — 2 messages, 1 violations",
                "[news] causal order: VIOLATED at 1/2 nodes — 2 messages, 1 violations (not promised by fifo)",
                "FAILED: fifo order in news")), report.table());
    }

    @Test
    void leavesGroupsOfOtherRoomsAlone() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        chatThatKeepsEveryPromise(run);
        run.node("n1").inGroup("orders", "queue").logs("put", "n1:1");
        run.node("n2").inGroup("orders", "queue").logs("get", "n1:1").logs("ack", "n1:1");

        Report report = Inspection.of(run.write());

        assertEquals(List.of("chat"), report.groups().stream().map(GroupTrace::name).toList());
        assertTrue(report.passed(), report.table());
        // The queue is judged by its own checker, not as a multicast group.
        assertEquals(Verdict.Outcome.HELD, report.verdict("orders", QueueTotal.PROPERTY).outcome(), report.table());
    }

    @Test
    void checksAThreeNodeTenThousandMessageCausalRun() {
        SimulatedMulticast causalRun = new SimulatedMulticast(3, 10_000, SimulatedMulticast.Ordering.CAUSAL, 42);
        Path runDir = causalRun.writeTo(dir);

        long start = System.nanoTime();
        Report report = Inspection.of(runDir);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(report.passed(), report.table());
        assertTrue(lines(report).contains("causal order: held at 3/3 nodes — 10000 messages, 0 violations"), report.table());
        // How long it took is printed, not asserted: speed on a shared machine is no property.
        System.out.println("inspected " + report.trace().linesRead() + " lines in " + millis + " ms");
    }
}
