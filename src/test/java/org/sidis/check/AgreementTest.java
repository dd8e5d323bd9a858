package org.sidis.check;

import org.sidis.wire.MessageId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Verdict.Outcome;

class AgreementTest {

    @TempDir
    Path dir;

    private TraceFiles run() {
        return new TraceFiles(dir, "fifo", "chat");
    }

    @Test
    void holdsWhenEveryCorrectMemberDeliversEveryMessage() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").multicasts("n2:1").delivers("n2:1", "n1:1");
        run.node("n3").delivers("n2:1", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(Outcome.HELD, agreement.outcome(), report.table());
        assertEquals("agreement: held at 3/3 nodes — 2 messages, 0 violations", agreement.headline());
    }

    @Test
    void catchesAMessageOfACorrectNodeThatACorrectMemberNeverDelivers() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:1", "n1:2");
        run.node("n3").receives("n1:1").delivers("n1:1");
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(Outcome.VIOLATED, agreement.outcome(), report.table());
        assertEquals(1, agreement.violations());
        assertEquals(2, agreement.nodesHeld());
        assertEquals("n3 never delivered chat n1:2 (multicast by n1, delivered at n1, n2)", agreement.details().get(0));
        Verdict.Offence offence = agreement.offences().get(0);
        assertEquals(List.of("n3", MessageId.of("n1:2"), List.of()), List.of(offence.node(), offence.msg(), offence.involved()));
    }

    @Test
    void catchesAMessageDeliveredAtOneCorrectNodeButNotAtAnotherAfterItsOriginCrashed() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1").crashes();
        run.node("n2").delivers("n1:1");
        run.node("n3").joins();
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(1, agreement.violations(), report.table());
        assertEquals("n3 never delivered chat n1:1 (multicast by n1 (crashed), delivered at n2)", agreement.details().get(0));
    }

    @Test
    void excusesACrashedNodeFromDeliveringAndOwesNothingThatOnlyItDelivered() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2").crashes();
        run.node("n2").delivers("n1:1");
        run.node("n3").delivers("n1:1").crashes();
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(Outcome.HELD, agreement.outcome(), report.table());
        assertEquals(1, agreement.nodesChecked(), "only n2 is correct");
    }

    @Test
    void isNotApplicableWhenEveryMemberCrashed() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1").delivers("n1:1").crashes();
        run.node("n2").joins().crashes();
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(Outcome.NOT_APPLICABLE, agreement.outcome(), report.table());
        assertTrue(agreement.headline().startsWith("agreement: not applicable"), agreement.headline());
        assertTrue(report.passed(), "nothing promised could be checked, so nothing failed\n" + report.table());
    }

    @Test
    void countsEachMissingNodeAndMessagePairAndDescribesOnlyTheFirstFew() {
        TraceFiles run = run();
        TraceFiles.Node n1 = run.node("n1");
        for (int c = 1; c <= 8; c++) {
            n1.multicasts("n1:" + c).delivers("n1:" + c);
        }
        run.node("n2").joins();
        run.node("n3").joins();
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        assertEquals(16, agreement.violations(), report.table());
        assertEquals("VIOLATED", agreement.outcome().name());
        assertTrue(agreement.headline().startsWith("agreement: VIOLATED at 2/3 nodes — 8 messages, 16 violations"),
                agreement.headline());
        assertTrue(agreement.details().contains("… and 11 more violations"), String.join("\n", agreement.details()));
        assertTrue(agreement.details().contains("n3 misses 8 of the 8 messages every correct member must deliver (it delivered 0)"),
                String.join("\n", agreement.details()));
    }

    @Test
    void aNodeThatLeftTheGroupIsNotOwedWhatWasMulticastAfterItLeft() {
        TraceFiles run = new TraceFiles(dir, "fifo", "chat");
        run.node("n1").sees("n1", "n2", "n3").multicasts("n1:1").delivers("n1:1");
        run.node("n2").sees("n1", "n2", "n3").delivers("n1:1").sees("n2", "n3").multicasts("n2:1").delivers("n2:1");
        run.node("n3").sees("n1", "n2", "n3").delivers("n1:1", "n2:1");
        Report report = Inspection.of(run.write());

        Verdict agreement = report.verdict("chat", "agreement");

        org.junit.jupiter.api.Assertions.assertEquals(Verdict.Outcome.HELD, agreement.outcome(), report.table());
        org.junit.jupiter.api.Assertions.assertTrue(report.table().contains("left: n1"), report.table());
    }
}
