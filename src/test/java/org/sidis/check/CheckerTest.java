package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Verdict.Outcome;

/** A room's own checker plugs into the inspection beside the standard ones and can fail the run. */
class CheckerTest {

    @TempDir
    Path dir;

    /** A made-up room's promise: every node that multicast also delivered its own message. */
    private static final Checker SELF_DELIVERY = new Checker() {
        @Override
        public String name() {
            return "self delivery";
        }

        @Override
        public Findings check(TracedRun run) {
            List<String> missing = new ArrayList<>();
            for (TraceEvent e : run.events()) {
                if ("multicast".equals(e.event()) && run.events().stream()
                        .noneMatch(d -> "deliver".equals(d.event()) && d.node().equals(e.node()) && e.msg().equals(d.msg()))) {
                    missing.add(e.node() + " never delivered its own " + e.msg());
                }
            }
            Outcome outcome = missing.isEmpty() ? Outcome.HELD : Outcome.VIOLATED;
            return Findings.of(List.of(new Verdict("self delivery", "chat", "causal", true, outcome, 1, missing.isEmpty() ? 1 : 0,
                    1, missing.size(), missing)));
        }
    };

    @Test
    void aRoomsOwnCheckerIsInspectedBesideTheStandardOnes() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1");
        List<Checker> checkers = new ArrayList<>(Checker.standard());
        checkers.add(SELF_DELIVERY);

        Report report = Inspection.of(TraceReader.read(run.write()), checkers);

        assertTrue(report.passed(), report.table());
        assertEquals(Outcome.HELD, report.verdict("chat", "self delivery").outcome());
    }

    @Test
    void aRoomsOwnCheckerFailsTheRunWhenItsPromiseBreaks() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1");
        List<Checker> checkers = List.of(SELF_DELIVERY);

        Report report = Inspection.of(TraceReader.read(run.write()), checkers);

        assertFalse(report.passed(), report.table());
        assertEquals(List.of("n1 never delivered its own n1:1"), report.verdict("chat", "self delivery").details());
    }
}
