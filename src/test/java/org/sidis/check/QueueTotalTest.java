package org.sidis.check;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The total-queue checker on hand-made producer and consumer traces. */
class QueueTotalTest {

    private final HandTrace trace = new HandTrace();

    private QueueTotalTest at(String node, String event, String... ids) {
        for (String id : ids) trace.add(node, "app", "queue", "jobs", event, id, null);
        return this;
    }

    private Verdict verdict() {
        return trace.verdict(QueueTotal::check);
    }

    @Test
    void holdsWhenEveryAcknowledgedPutIsConsumedOnceEvenWithARedelivery() {
        at("p1", "put", "p1:1", "p1:2");
        at("c1", "get", "p1:1", "p1:2", "p1:2").at("c1", "ack", "p1:1", "p1:2");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.HELD, v.outcome(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.startsWith("duplicates 1")), v.details().toString());
    }

    @Test
    void catchesAnAcknowledgedPutThatNoConsumerEverAcknowledged() {
        at("p1", "put", "p1:1", "p1:2");
        at("c1", "get", "p1:1").at("c1", "ack", "p1:1");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome());
        assertEquals(1, v.violations());
        assertTrue(v.details().get(0).contains("lost: p1:2"), v.details().toString());
    }

    @Test
    void catchesAMessageAcknowledgedTwiceAndOneNeverPut() {
        at("p1", "put", "p1:1");
        at("c1", "get", "p1:1", "p9:1").at("c1", "ack", "p1:1", "p1:1", "p9:1");
        Verdict v = verdict();
        assertEquals(2, v.violations(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("unexpected: p9:1")), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("acked twice: p1:1")), v.details().toString());
    }

    @Test
    void aMessageWhosePutWasAttemptedButNeverAcknowledgedIsNotUnexpected() {
        at("p1", "attempt", "p1:1").at("c1", "get", "p1:1").at("c1", "ack", "p1:1");
        assertEquals(Verdict.Outcome.HELD, verdict().outcome());
    }

    /**
     * Issue 17: the consumer of p1:2 was downed after the queue journaled its ack but before the
     * answer came back, so it never traced {@code ack}; the queue manager's {@code ack-journaled}
     * line is the acknowledgement. Before the checker read that line, p1:2 was counted lost.
     */
    @Test
    void aJournaledAckWhoseConsumerNeverTracedItIsNoLoss() {
        at("p1", "put", "p1:1", "p1:2");
        at("c1", "get", "p1:1", "p1:2").at("c1", "ack", "p1:1");
        at("qm", "ack-journaled", "p1:1", "p1:2");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.HELD, v.outcome(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("acknowledged in a queue's journal only 1")), v.details().toString());
    }

    /** Negative control: beside journaled acks, a message no consumer acked and no queue journaled is still lost, by its id. */
    @Test
    void aMessageNeitherAckedNorJournaledIsStillLost() {
        at("p1", "put", "p1:1", "p1:2", "p1:3");
        at("c1", "get", "p1:1", "p1:2", "p1:3").at("c1", "ack", "p1:1");
        at("qm", "ack-journaled", "p1:1", "p1:2");
        Verdict v = verdict();
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), v.details().toString());
        assertEquals(1, v.violations(), v.details().toString());
        assertTrue(v.details().get(0).contains("lost: p1:3"), v.details().toString());
    }

    /** A journaled ack of a message nobody put is unexpected, as a consumer's would be. */
    @Test
    void aJournaledAckOfAMessageNeverPutIsUnexpected() {
        at("p1", "put", "p1:1").at("c1", "get", "p1:1").at("c1", "ack", "p1:1");
        at("qm", "ack-journaled", "p1:1", "p9:1");
        Verdict v = verdict();
        assertEquals(1, v.violations(), v.details().toString());
        assertTrue(v.details().stream().anyMatch(d -> d.contains("unexpected: p9:1")), v.details().toString());
    }
}
