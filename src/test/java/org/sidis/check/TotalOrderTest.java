package org.sidis.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Verdict.Outcome;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TotalOrderTest {

    @TempDir
    Path dir;

    private TraceFiles run() {
        return new TraceFiles(dir, "total", "chat");
    }

    @Test
    void holdsWhenEveryNodeDeliversTheSameNumberedSequence() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").deliversNumbered("n2:1@1", "n1:1@2");
        run.node("n2").multicasts("n2:1").deliversNumbered("n2:1@1", "n1:1@2");
        Report report = Inspection.of(run.write());

        Verdict total = report.verdict("chat", "total order");

        assertEquals(Outcome.HELD, total.outcome(), report.table());
        assertEquals("total order: held at 2/2 nodes — 2 messages, 0 violations", total.headline());
        assertTrue(report.passed(), report.table());
    }

    @Test
    void catchesTwoNodesDeliveringTheSameMessagesInOppositeOrders() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").deliversNumbered("n1:1@1", "n2:1@2");
        run.node("n2").multicasts("n2:1").deliversNumbered("n2:1@1", "n1:1@2");
        Report report = Inspection.of(run.write());

        Verdict total = report.verdict("chat", "total order");

        assertEquals(Outcome.VIOLATED, total.outcome(), report.table());
        assertTrue(String.join("\n", total.details()).contains("n1 delivered chat n1:1 before n2:1 but n2 delivered them the other way round"),
                report.table());
        assertFalse(report.passed());
    }

    @Test
    void catchesANodeThatSkipsAGseq() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2", "n1:3").deliversNumbered("n1:1@1", "n1:2@2", "n1:3@3");
        run.node("n2").deliversNumbered("n1:1@1", "n1:3@3");
        Report report = Inspection.of(run.write());

        Verdict total = report.verdict("chat", "total order");

        assertEquals(Outcome.VIOLATED, total.outcome(), report.table());
        assertTrue(String.join("\n", total.details()).contains("n2 delivered chat n1:3 as gseq 3 where gseq 2 was next (gseq 2..2 skipped)"),
                report.table());
    }

    @Test
    void catchesOneGseqNamingTwoMessages() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").deliversNumbered("n1:1@1");
        run.node("n2").deliversNumbered("n1:2@1");
        Report report = Inspection.of(run.write());

        Verdict total = report.verdict("chat", "total order");

        assertEquals(Outcome.VIOLATED, total.outcome(), report.table());
        assertTrue(String.join("\n", total.details()).contains("gseq 1 names n1:1 at n1 but n1:2 at n2"), report.table());
    }

    @Test
    void aCrashedSequencersDeliveriesMustAgreeWithTheSurvivors() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").deliversNumbered("n1:1@1").crashes();
        run.node("n2").multicasts("n2:1").deliversNumbered("n2:1@1", "n1:1@2");
        run.node("n3").deliversNumbered("n2:1@1", "n1:1@2");
        Report report = Inspection.of(run.write());

        Verdict total = report.verdict("chat", "total order");

        assertEquals(Outcome.VIOLATED, total.outcome(), report.table());
        assertTrue(String.join("\n", total.details()).contains("n1:1"), report.table());
    }

    @Test
    void isNotShownForAFifoGroupWithoutGseqs() {
        TraceFiles run = new TraceFiles(dir, "fifo", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        Report report = Inspection.of(run.write());

        assertEquals(Outcome.NOT_APPLICABLE, report.verdict("chat", "total order").outcome());
        assertFalse(report.table().contains("total order"), report.table());
    }
}
