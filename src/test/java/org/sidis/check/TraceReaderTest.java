package org.sidis.check;

import org.sidis.wire.MessageId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.TraceProblem.Kind;

class TraceReaderTest {

    @TempDir
    Path dir;

    private static String problems(Trace trace) {
        return trace.problems().stream().map(TraceProblem::toString).collect(Collectors.joining("\n", "problems:\n", ""));
    }

    private static List<TraceProblem> ofKind(Trace trace, Kind kind) {
        return trace.problems().stream().filter(p -> p.kind() == kind).toList();
    }

    @Test
    void readsEveryTraceFileBelowTheRunDirectoryWithItsFields() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1");
        run.write();
        Files.createDirectories(dir.resolve("more/deeper"));
        Files.writeString(dir.resolve("more/deeper/n3.jsonl"),
                "{\"ts\":5,\"node\":\"n3\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"start\",\"lseq\":1}\n");
        Files.writeString(dir.resolve("notes.txt"), "not a trace file, not read\n");

        Trace trace = TraceReader.read(dir);

        assertTrue(trace.problems().isEmpty(), problems(trace));
        assertEquals(3, trace.filesRead());
        assertEquals(4 + 4 + 1, trace.events().size());
        TraceEvent multicast = trace.events().stream().filter(TraceEvent::isMulticast).findFirst().orElseThrow();
        assertEquals("n1", multicast.node());
        assertEquals("chat", multicast.group());
        assertEquals("causal", multicast.proto());
        assertEquals(MessageId.of("n1:1"), multicast.msg());
        assertEquals(1, multicast.lseq(), "lseq counts the group actor's own events, not the node's");
        assertEquals(Path.of("trace/n1.jsonl"), multicast.file());
    }

    @Test
    void readsASingleTraceFile() {
        TraceFiles run = new TraceFiles(dir, "fifo", "chat");
        run.node("n1").multicasts("n1:1", "n1:2");
        run.write();

        Trace trace = TraceReader.read(dir.resolve("trace/n1.jsonl"));

        assertTrue(trace.problems().isEmpty(), problems(trace));
        assertEquals(4, trace.events().size());
    }

    @Test
    void reportsALineThatIsNotJsonWithFileAndLineAndReadsTheLinesAfterIt() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").rawLine("{\"ts\":12,\"node\":\"n1\",").delivers("n1:1");
        run.write();

        Trace trace = TraceReader.read(dir);

        List<TraceProblem> broken = ofKind(trace, Kind.NOT_JSON);
        assertEquals(1, broken.size(), problems(trace));
        assertEquals(Path.of("trace/n1.jsonl"), broken.get(0).file());
        assertEquals(3, broken.get(0).line());
        assertTrue(broken.get(0).toString().startsWith("trace/n1.jsonl:3: not JSON"), broken.get(0).toString());
        assertEquals(1, trace.problems().size(), "the lseq gap after the lost line is that line, not a second problem\n"
                + problems(trace));
        assertTrue(trace.events().stream().anyMatch(e -> e.isDeliver() && e.line() == 4), "the line after is read");
    }

    @Test
    void reportsACutOffLastLineAsTruncatedRatherThanAsBrokenJson() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n2").delivers("n1:1").cutOffLine("{\"ts\":1700000000000999,\"node\":\"n2\",\"act");
        run.write();

        Trace trace = TraceReader.read(dir);

        List<TraceProblem> truncated = ofKind(trace, Kind.TRUNCATED_LINE);
        assertEquals(1, truncated.size(), problems(trace));
        assertEquals("trace/n2.jsonl:3", truncated.get(0).file() + ":" + truncated.get(0).line());
        assertTrue(ofKind(trace, Kind.NOT_JSON).isEmpty(), problems(trace));
        assertEquals(2, trace.events().size());
    }

    @Test
    void acceptsAGoodLastLineThatLacksOnlyItsNewline() throws IOException {
        Files.writeString(dir.resolve("n1.jsonl"),
                "{\"ts\":5,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"start\",\"lseq\":1}");

        Trace trace = TraceReader.read(dir);

        assertTrue(trace.problems().isEmpty(), problems(trace));
        assertEquals(1, trace.events().size());
    }

    @Test
    void reportsAnEmptyTraceFileAndReadsTheOthers() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1");
        run.write();
        Files.writeString(dir.resolve("trace/n2.jsonl"), "");

        Trace trace = TraceReader.read(dir);

        List<TraceProblem> empty = ofKind(trace, Kind.EMPTY_FILE);
        assertEquals(1, empty.size(), problems(trace));
        assertEquals("trace/n2.jsonl: empty trace file", empty.get(0).toString());
        assertEquals(3, trace.events().size());
    }

    @Test
    void reportsEveryMissingRequiredFieldOfALineAndLeavesTheLineOut() throws IOException {
        Files.writeString(dir.resolve("n1.jsonl"), String.join("\n",
                "{\"ts\":5,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"start\",\"lseq\":1}",
                "{\"ts\":6,\"node\":\"n1\",\"proto\":\"causal\",\"event\":\"deliver\",\"lseq\":2}",
                "{\"ts\":7,\"node\":\"n1\",\"actor\":\"a\",\"proto\":\"causal\",\"group\":\"chat\",\"event\":\"deliver\",\"msg\":\"n1-1\",\"lseq\":\"3\"}",
                ""));

        Trace trace = TraceReader.read(dir);

        assertEquals(1, trace.events().size(), problems(trace));
        TraceProblem missing = trace.problems().stream().filter(p -> p.line() == 2).findFirst().orElseThrow();
        assertEquals(Kind.MISSING_FIELD, missing.kind());
        assertEquals("n1.jsonl:2: missing 'actor'; missing 'group'; missing 'msg'", missing.toString());
        TraceProblem bad = trace.problems().stream().filter(p -> p.line() == 3).findFirst().orElseThrow();
        assertEquals(Kind.BAD_FIELD, bad.kind());
        assertTrue(bad.what().contains("'lseq' should be an integer"), bad.toString());
        assertTrue(bad.what().contains("'msg' should look like '<origin node>:<counter>', is \"n1-1\""), bad.toString());
    }

    @Test
    void reportsLseqThatStepsBackwardsOrSkipsWithoutALostLine() throws IOException {
        String line = "{\"ts\":5,\"node\":\"n1\",\"actor\":\"a\",\"proto\":\"fifo\",\"event\":\"view\",\"lseq\":%d}\n";
        Files.writeString(dir.resolve("n1.jsonl"), line.formatted(1) + line.formatted(2) + line.formatted(5) + line.formatted(3));

        Trace trace = TraceReader.read(dir);

        List<TraceProblem> order = ofKind(trace, Kind.LSEQ_ORDER);
        assertEquals(List.of(3, 4), order.stream().map(TraceProblem::line).toList(), problems(trace));
        assertTrue(order.get(0).what().startsWith("lseq 5 of n1 a follows lseq 2"), order.get(0).toString());
        assertEquals(4, trace.events().size(), "out-of-order lines are still events; the checkers sort by lseq");
    }

    @Test
    void saysDistinctlyWhenADirectoryHoldsNoTraceLines() throws IOException {
        Files.writeString(dir.resolve("n1.jsonl"), "\n  \n");

        Trace trace = TraceReader.read(dir);

        assertTrue(trace.isEmpty());
        assertEquals(1, ofKind(trace, Kind.NO_TRACE_LINES).size(), problems(trace));
        assertEquals(1, ofKind(trace, Kind.EMPTY_FILE).size(), problems(trace));
    }

    @Test
    void saysSoWhenThePathDoesNotExist() {
        Trace trace = TraceReader.read(dir.resolve("no-such-run"));

        assertTrue(trace.isEmpty());
        assertEquals(List.of(Kind.MISSING), trace.problems().stream().map(TraceProblem::kind).toList(), problems(trace));
    }

    @Test
    void keepsExtraFieldsAndUnknownEventsOutOfTheWay() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").logs("retransmit", "n1:1").logs("nack", "n2:4").delivers("n1:1");
        run.write();

        Trace trace = TraceReader.read(dir);

        assertTrue(trace.problems().isEmpty(), problems(trace));
        assertEquals(List.of("start", "multicast", "retransmit", "nack", "deliver", "stop"),
                trace.events().stream().map(TraceEvent::event).toList());
    }

    @Test
    void keepsTheProtocolsClockAndTheOtherFieldsForDisplayButNeverLosesAnEventToABadClock() throws IOException {
        Files.writeString(dir.resolve("n1.jsonl"), """
                {"ts":1,"node":"n1","actor":"/user/m","proto":"causal","group":"chat","event":"multicast","msg":"n1:1","lseq":1,"vc":{"n1":1},"payload":"hi"}
                {"ts":2,"node":"n1","actor":"/user/m","proto":"causal","group":"chat","event":"deliver","msg":"n1:1","lseq":2,"vc":{"n1":-3}}
                """);

        Trace trace = TraceReader.read(dir);

        assertTrue(trace.problems().isEmpty(), problems(trace));
        TraceEvent multicast = trace.events().get(0);
        assertEquals(org.sidis.clock.VectorClock.EMPTY.with("n1", 1), multicast.vc());
        assertEquals("{\"payload\":\"hi\"}", multicast.extra());
        TraceEvent deliver = trace.events().get(1);
        assertEquals(null, deliver.vc(), "a malformed clock is left out");
        assertEquals(null, deliver.extra(), "no fields beyond the contract");
    }

    @Test
    void namesTheTraceFileOfALaunchedNodeThatLeftNone() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.write();
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/n1.cmd"), "java ... node --name n1\n");
        Files.writeString(dir.resolve("logs/n2.cmd"), "java ... node --name n2\n");

        Trace trace = TraceReader.read(dir);

        List<TraceProblem> missing = ofKind(trace, Kind.MISSING_TRACE_FILE);
        assertEquals(1, missing.size(), problems(trace));
        assertEquals("trace/n2.jsonl: no trace file, though logs/n2.cmd shows node n2 was launched", missing.get(0).toString());
        assertEquals(4, trace.events().size(), "n1's trace is read all the same");
    }
}
