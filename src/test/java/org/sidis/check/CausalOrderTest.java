package org.sidis.check;

import org.sidis.wire.MessageId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.SimulatedMulticast.Ordering;
import org.sidis.check.Verdict.Outcome;

class CausalOrderTest {

    @TempDir
    Path dir;

    private TraceFiles run() {
        return new TraceFiles(dir, "causal", "chat");
    }

    private static String details(Verdict verdict) {
        return String.join("\n", verdict.details());
    }

    @Test
    void holdsWhenConcurrentMessagesAreDeliveredInDifferentOrders() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").multicasts("n2:1").delivers("n2:1", "n1:1");
        run.node("n3").delivers("n2:1", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(Outcome.HELD, causal.outcome(), report.table());
        assertEquals("causal order: held at 3/3 nodes — 2 messages, 0 violations", causal.headline());
    }

    @Test
    void catchesAReplyDeliveredBeforeTheMessageItAnswers() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").delivers("n2:1", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(Outcome.VIOLATED, causal.outcome(), report.table());
        assertEquals(1, causal.violations());
        assertEquals("causal order: VIOLATED at 1/3 nodes — 2 messages, 1 violations", causal.headline());
        assertEquals("n3 delivered chat n2:1 before its cause n1:1 (n1:1 delivered at n3 at position 2)", causal.details().get(0));
        assertEquals("  n3 order: (start) [n2:1], n1:1 (end)", causal.details().get(1));
        Verdict.Offence offence = causal.offences().get(0);
        assertEquals(List.of("n3", MessageId.of("n2:1"), List.of(MessageId.of("n1:1"))),
                List.of(offence.node(), offence.msg(), offence.involved()), "the offence as values, for the diagram");
        assertEquals(causal.details().get(0), offence.what());
    }

    @Test
    void countsAnOriginsEarlierMulticastAsACause() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:2");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(1, causal.violations(), report.table());
        assertEquals("n2 delivered chat n1:2 before its cause n1:1 (n1:1 never delivered at n2)", causal.details().get(0));
    }

    @Test
    void passesCausesOnThroughAnOriginThatItselfSkippedThem() {
        // n3 delivers n2:1 without its cause n1:1, then multicasts n3:1: n1:1 precedes n3:1 through n2:1.
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").delivers("n2:1").multicasts("n3:1").delivers("n3:1", "n1:1");
        run.node("n4").delivers("n2:1", "n3:1", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertTrue(causal.details().contains("n4 delivered chat n3:1 before its cause n1:1 (n1:1 delivered at n4 at position 3)"),
                details(causal));
        assertEquals(4, causal.violations(), "n3: n2:1, n3:1; n4: n2:1, n3:1\n" + report.table());
        assertEquals(2, causal.nodesHeld());
    }

    @Test
    void namesEveryOriginWhoseCauseWasSkipped() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").multicasts("n2:1").delivers("n2:1");
        run.node("n3").delivers("n1:1", "n2:1").multicasts("n3:1").delivers("n3:1");
        run.node("n4").delivers("n3:1", "n2:1", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(1, causal.violations(), report.table());
        assertEquals("n4 delivered chat n3:1 before its causes n1:1 (n1:1 delivered at n4 at position 3)"
                + " and n2:1 (n2:1 delivered at n4 at position 2)", causal.details().get(0));
    }

    @Test
    void reportsButDoesNotBlockOnADeliveryOfAMessageNoNodeMulticast() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n7:3", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(Outcome.HELD, causal.outcome(), report.table());
        assertEquals("n2 delivered chat n7:3, which no node multicast; its causes are unknown (see integrity)",
                causal.details().get(0));
    }

    @Test
    void endsOnACorruptTraceWhereDeliveriesAndMulticastsFormACycle() {
        // Each node delivers the other's message before multicasting its own: no real run does this.
        TraceFiles run = run();
        run.node("n1").delivers("n2:1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        Path runDir = run.write();

        // A bound against a search that never ends on the cycle, not a speed claim: preemptive,
        // so a loop that ignores interrupts still fails here instead of hanging the build.
        Report report = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> Inspection.of(runDir));

        Verdict causal = report.verdict("chat", "causal order");
        assertTrue(causal.details().stream().anyMatch(line -> line.contains("in a cycle of deliveries and multicasts")),
                report.table());
    }

    @Test
    void agreesWithTheCausalHistoryASimulatedFifoRunKeepsAsItRuns() {
        SimulatedMulticast fifoRun = new SimulatedMulticast(4, 600, Ordering.FIFO, 7);
        Report report = Inspection.of(fifoRun.writeTo(dir));

        Verdict causal = report.verdict("chat", "causal order");

        assertTrue(fifoRun.causalViolations() > 0, "the seed should produce causal violations");
        assertEquals(fifoRun.causalViolations(), causal.violations(), report.table());
        assertEquals(Outcome.HELD, report.verdict("chat", "fifo order").outcome(), report.table());
        assertTrue(report.passed(), "causal order is not promised by fifo\n" + report.table());
    }

    @Test
    void holdsOnASimulatedCausalRunOverAReorderingNetwork() {
        SimulatedMulticast causalRun = new SimulatedMulticast(4, 600, Ordering.CAUSAL, 7);
        Report report = Inspection.of(causalRun.writeTo(dir));

        Verdict causal = report.verdict("chat", "causal order");

        assertEquals(0, causalRun.causalViolations());
        assertEquals(Outcome.HELD, causal.outcome(), report.table());
        assertEquals(600, causal.messages());
    }
}
