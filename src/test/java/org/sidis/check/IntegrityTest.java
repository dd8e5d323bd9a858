package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Verdict.Outcome;

class IntegrityTest {

    @TempDir
    Path dir;

    private TraceFiles run() {
        return new TraceFiles(dir, "causal", "chat");
    }

    @Test
    void holdsWhenEveryNodeDeliversEachMulticastMessageOnce() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1").receives("n2:1", "n2:1").delivers("n2:1");
        run.node("n2").multicasts("n2:1").delivers("n2:1").receives("n1:1").delivers("n1:1");
        Report report = Inspection.of(run.write());

        Verdict integrity = report.verdict("chat", "integrity");

        assertEquals(Outcome.HELD, integrity.outcome(), report.table());
        assertEquals(2, integrity.nodesHeld());
        assertEquals(2, integrity.messages());
    }

    @Test
    void catchesAMessageDeliveredTwiceAtOneNode() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:1", "n1:2", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict integrity = report.verdict("chat", "integrity");

        assertEquals(Outcome.VIOLATED, integrity.outcome(), report.table());
        assertEquals(1, integrity.violations(), report.table());
        assertEquals(1, integrity.nodesHeld());
        assertEquals("n2 delivered chat n1:1 twice (positions 1 and 3)", integrity.details().get(0));
        assertEquals("  n2 order: (start) n1:1, n1:2, [n1:1] (end)", integrity.details().get(1));
        assertTrue(integrity.headline().startsWith("integrity: VIOLATED at 1/2 nodes"), integrity.headline());
    }

    @Test
    void catchesADeliveryOfAMessageThatNoNodeMulticast() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n1:1", "n9:4");
        Report report = Inspection.of(run.write());

        Verdict integrity = report.verdict("chat", "integrity");

        assertEquals(1, integrity.violations(), report.table());
        assertEquals("n2 delivered chat n9:4, which no node multicast (position 2)", integrity.details().get(0));
    }

    @Test
    void bindsACrashedNodeForWhatItDeliveredBeforeItCrashed() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n1:1", "n1:1").crashes();
        Report report = Inspection.of(run.write());

        Verdict integrity = report.verdict("chat", "integrity");

        assertEquals(Outcome.VIOLATED, integrity.outcome(), report.table());
        assertEquals(2, integrity.nodesChecked());
    }
}
