package org.sidis.check;

import org.sidis.wire.MessageId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Verdict.Outcome;

class FifoOrderTest {

    @TempDir
    Path dir;

    private TraceFiles run() {
        return new TraceFiles(dir, "fifo", "chat");
    }

    @Test
    void holdsWhenEachOriginsMessagesArriveInOrderWhateverTheInterleavingOfOrigins() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2", "n2:1", "n2:2");
        run.node("n2").multicasts("n2:1", "n2:2").delivers("n2:1", "n1:1", "n2:2", "n1:2");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(Outcome.HELD, fifo.outcome(), report.table());
        assertEquals("fifo order: held at 2/2 nodes — 4 messages, 0 violations", fifo.headline());
    }

    @Test
    void catchesTwoMessagesOfOneOriginDeliveredSwappedAsOneViolation() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2", "n1:3").delivers("n1:1", "n1:2", "n1:3");
        run.node("n2").delivers("n1:1", "n1:3", "n1:2");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(1, fifo.violations(), report.table());
        assertEquals("n2 delivered chat n1:3 before n1:2 (n1:2 delivered at n2 at position 3)", fifo.details().get(0));
        assertEquals("  n2 order: (start) n1:1, [n1:3], n1:2 (end)", fifo.details().get(1));
        Verdict.Offence offence = fifo.offences().get(0);
        assertEquals(List.of("n2", MessageId.of("n1:3"), List.of(MessageId.of("n1:2"))),
                List.of(offence.node(), offence.msg(), offence.involved()));
        assertEquals("fifo order: VIOLATED at 1/2 nodes — 3 messages, 1 violations", fifo.headline());
    }

    @Test
    void catchesAMessageSkippedForGood() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2", "n1:3").delivers("n1:1", "n1:2", "n1:3");
        run.node("n2").delivers("n1:1", "n1:3");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(1, fifo.violations(), report.table());
        assertEquals("n2 delivered chat n1:3 before n1:2 (n1:2 never delivered at n2)", fifo.details().get(0));
    }

    @Test
    void catchesAnOrderThatGoesBackToAMessageAlreadyDelivered() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:1", "n1:2", "n1:1");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(1, fifo.violations(), report.table());
        assertEquals("n2 delivered chat n1:1 again after n1:2; counters from n1 must strictly increase (first at position 1)",
                fifo.details().get(0));
    }

    @Test
    void letsANodeThatJoinedLateStartAtTheFirstMessageItDelivers() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2", "n1:3", "n1:4").delivers("n1:1", "n1:2", "n1:3", "n1:4");
        run.node("n2").joins().delivers("n1:3", "n1:4");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(Outcome.HELD, fifo.outcome(), report.table());
    }

    @Test
    void judgesEachOriginSeparately() {
        TraceFiles run = run();
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2", "n2:2", "n2:1");
        run.node("n2").multicasts("n2:1", "n2:2").delivers("n2:1", "n2:2", "n1:1", "n1:2");
        Report report = Inspection.of(run.write());

        Verdict fifo = report.verdict("chat", "fifo order");

        assertEquals(1, fifo.violations(), report.table());
        assertEquals(1, fifo.nodesHeld());
        assertEquals("n1 delivered chat n2:2 before n2:1 (n2:1 delivered at n1 at position 4)", fifo.details().get(0));
    }
}
