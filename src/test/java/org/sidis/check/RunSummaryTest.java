package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

    @TempDir
    Path dir;

    private static RunSummary summaryOf(Path runDir) {
        return RunSummary.of(Inspection.of(runDir));
    }

    @Test
    void countsEachNodesAndEachProtocolsEventsButNotTheNodesStartAndStop() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1").logs("retransmit", "n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1");
        run.node("n2").inGroup("news", "fifo").multicasts("n2:1").delivers("n2:1");

        RunSummary summary = summaryOf(run.write());

        assertEquals(Map.of("multicast", 1L, "deliver", 1L, "retransmit", 1L), summary.eventsByNode().get("n1"));
        assertEquals(Map.of("multicast", 1L, "receive", 1L, "deliver", 2L), summary.eventsByNode().get("n2"));
        assertEquals(Map.of("multicast", 1L, "deliver", 1L), summary.eventsByProto().get("fifo"));
        String n1Row = summary.table().lines().filter(line -> line.startsWith("  n1 ")).findFirst().orElseThrow();
        assertEquals(List.of("n1", "1", "0", "1", "1", "0", "3"), List.of(n1Row.trim().split(" +")),
                "multicast, receive, deliver, retransmit, other, all\n" + summary.table());
    }

    @Test
    void measuresMulticastToDeliverLatencyAtTheOtherMembersFromTheWallClock() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        // TraceFiles stamps each line 17 µs after the one written before it.
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").delivers("n1:1");
        run.node("n3").joins().delivers("n1:1");

        RunSummary.GroupFigures chat = summaryOf(run.write()).groups().get(0);

        assertEquals(2, chat.latencyMicros().getTotalCount(), "the origin's own delivery is not a latency");
        assertEquals(3 * 17, chat.latencyMicros().getMinValue(), "multicast, deliver, n2 start, n2 delivers");
        assertEquals(6 * 17, chat.latencyMicros().getMaxValue());
    }

    @Test
    void countsOneCopyPerPeerAndEveryRetransmissionPerMessageDeliveredElsewhere() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2").logs("retransmit", "n1:2");
        run.node("n2").delivers("n1:1", "n1:2");
        run.node("n3").delivers("n1:1", "n1:2");

        RunSummary summary = summaryOf(run.write());

        RunSummary.GroupFigures chat = summary.groups().get(0);
        assertEquals(4, chat.copiesToPeers(), "two messages to two peers each");
        assertEquals(1, chat.retransmissions());
        assertEquals(4, chat.remoteDeliveries());
        assertEquals(1.25, chat.sentPerDelivered(), 1e-9);
        assertTrue(summary.table().contains("group chat: 5 data messages sent (4 copies to peers + 1 retransmissions) "
                + "for 4 deliveries at other members: 1.25 per delivered message"), summary.table());
    }

    @Test
    void takesTheOriginsPeersFromItsLastTracedView() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").sees("n1", "n2").multicasts("n1:1").sees("n1", "n2", "n3").multicasts("n1:2");
        run.node("n2").delivers("n1:1", "n1:2");
        run.node("n3").delivers("n1:2");

        RunSummary.GroupFigures chat = summaryOf(run.write()).groups().get(0);

        assertEquals(1 + 2, chat.copiesToPeers(), "n1:1 went to n2 only; n1:2 to n2 and n3");
        assertEquals(1.0, chat.sentPerDelivered(), 1e-9);
    }
}
