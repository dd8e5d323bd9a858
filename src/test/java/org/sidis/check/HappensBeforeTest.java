package org.sidis.check;

import org.sidis.wire.MessageId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.clock.VectorClock;

class HappensBeforeTest {

    @TempDir
    Path dir;

    /** The relation over a run's protocol events (the nodes' start and stop lines left out, as the diagram does). */
    private static HappensBefore of(Path runDir) {
        return HappensBefore.of(TraceReader.read(runDir).events().stream().filter(e -> !e.isNodeLifecycle()).toList());
    }

    /** The index of the first event at the node with that name and message. */
    private static int at(HappensBefore hb, String node, String event, String msg) {
        return IntStream.range(0, hb.events().size())
                .filter(i -> hb.events().get(i).node().equals(node) && hb.events().get(i).event().equals(event)
                        && hb.events().get(i).msg() != null && hb.events().get(i).msg().toString().equals(msg))
                .findFirst().orElseThrow(() -> new AssertionError("no " + event + " of " + msg + " at " + node));
    }

    private static VectorClock vc(Object... nodeAndCount) {
        VectorClock c = VectorClock.EMPTY;
        for (int i = 0; i < nodeAndCount.length; i += 2) {
            c = c.with((String) nodeAndCount[i], ((Number) nodeAndCount[i + 1]).longValue());
        }
        return c;
    }

    @Test
    void countsEachProcessesOwnEventsInLocalOrder() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1").multicasts("n1:2");

        HappensBefore hb = of(run.write());

        assertEquals(List.of("n1"), hb.processes().stream().map(HappensBefore.Process::name).toList(),
                "one actor on the node: the process is named after the node");
        assertEquals(List.of(vc("n1", 1), vc("n1", 2), vc("n1", 3)),
                IntStream.range(0, 3).mapToObj(hb::clock).toList());
        assertEquals(List.of(1, 2, 3), IntStream.range(0, 3).map(hb::lamport).boxed().toList());
    }

    @Test
    void aReceiptKnowsEverythingItsMulticastKnew() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1").multicasts("n2:1");
        run.node("n3").receives("n2:1").delivers("n2:1");

        HappensBefore hb = of(run.write());

        int n3Delivers = at(hb, "n3", "deliver", "n2:1");
        assertEquals(vc("n1", 1, "n2", 3, "n3", 2), hb.clock(n3Delivers));
        assertEquals(at(hb, "n2", "multicast", "n2:1"), hb.sendOf(n3Delivers));
        assertTrue(hb.happenedBefore(at(hb, "n1", "multicast", "n1:1"), n3Delivers),
                "n1:1 → n2's multicast of n2:1 → n3's delivery of it");
        assertTrue(hb.lamport(at(hb, "n2", "multicast", "n2:1")) < hb.lamport(at(hb, "n3", "receive", "n2:1")),
                "an arrow never points back in Lamport time");
    }

    @Test
    void eventsThatNoChainLinksAreConcurrent() {
        TraceFiles run = new TraceFiles(dir, "fifo", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1");
        run.node("n2").multicasts("n2:1").delivers("n2:1").delivers("n1:1");

        HappensBefore hb = of(run.write());

        int n1Multicast = at(hb, "n1", "multicast", "n1:1");
        int n2Multicast = at(hb, "n2", "multicast", "n2:1");
        assertTrue(hb.concurrent(n1Multicast, n2Multicast));
        assertTrue(hb.concurrent(at(hb, "n1", "deliver", "n1:1"), n2Multicast));
        assertFalse(hb.happenedBefore(n2Multicast, n1Multicast));
    }

    @Test
    void waitsAtAReceiptUntilItsSendIsComputedWhateverTheOrderOfTheFiles() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        // n1 is walked first, but its delivery of n2:1 needs n2's clock, which needs n1:1's.
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");

        HappensBefore hb = of(run.write());

        assertEquals(vc("n1", 3, "n2", 2), hb.clock(at(hb, "n1", "deliver", "n2:1")));
        assertTrue(hb.notes().isEmpty(), hb.notes().toString());
    }

    @Test
    void matchesMessagesByGroupAndIdSoOneIdInTwoGroupsIsTwoMessages() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1");
        run.node("n1").inGroup("news", "fifo").multicasts("n1:1");
        run.node("n2").inGroup("news", "fifo").delivers("n1:1");

        HappensBefore hb = of(run.write());

        List<String> names = hb.processes().stream().map(HappensBefore.Process::name).toList();
        assertEquals(List.of("n1/user/sidis/causal-chat", "n1/user/sidis/fifo-news", "n2"), names,
                "two actors on n1: each process is named by node and actor");
        VectorClock n2Delivers = hb.clock(at(hb, "n2", "deliver", "n1:1"));
        assertEquals(vc("n1/user/sidis/fifo-news", 1, "n2", 1), n2Delivers, "news n1:1, not chat n1:1");
    }

    @Test
    void aReceiptWhoseSendWasNeverTracedFollowsLocalOrderOnly() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1");
        run.node("n2").receives("n9:4").delivers("n9:4");

        HappensBefore hb = of(run.write());

        int delivery = at(hb, "n2", "deliver", "n9:4");
        assertEquals(-1, hb.sendOf(delivery));
        assertEquals(vc("n2", 2), hb.clock(delivery));
    }

    @Test
    void breaksACycleOfReceiptsAndSendsWithANoteNamingFileAndLineAndStillClocksEveryEvent() {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").delivers("n2:1").multicasts("n1:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1");

        HappensBefore hb = of(run.write());

        assertEquals(1, hb.notes().size(), hb.notes().toString());
        assertTrue(hb.notes().get(0).startsWith("trace/n1.jsonl:2: n1 deliver of chat n2:1 is in a cycle"), hb.notes().get(0));
        assertTrue(IntStream.range(0, hb.events().size()).allMatch(i -> hb.clock(i) != null));
        assertEquals(vc("n1", 2, "n2", 2), hb.clock(at(hb, "n2", "multicast", "n2:1")));
    }

    /**
     * With receives left out, "m1's multicast happened before m2's" is exactly the checker's causal
     * precedence (m1 multicast or delivered at m2's origin before m2), so counting the deliveries that
     * come before an undelivered cause must give what the simulation counted as it ran.
     */
    @Test
    void agreesWithTheSimulationsOwnCountOfCausalViolationsOnALongFifoRun() {
        SimulatedMulticast fifoRun = new SimulatedMulticast(3, 150, SimulatedMulticast.Ordering.FIFO, 11);
        Path runDir = fifoRun.writeTo(dir);
        List<TraceEvent> multicastsAndDeliveries = TraceReader.read(runDir).events().stream()
                .filter(e -> e.isMulticast() || e.isDeliver()).toList();

        HappensBefore hb = HappensBefore.of(multicastsAndDeliveries);

        Map<MessageId, Integer> multicastOf = new HashMap<>();
        for (int i = 0; i < hb.events().size(); i++) {
            if (hb.events().get(i).isMulticast()) {
                multicastOf.put(hb.events().get(i).msg(), i);
            }
        }
        int violations = 0;
        for (HappensBefore.Process process : hb.processes()) {
            Set<MessageId> deliveredHere = new HashSet<>();
            for (int i = process.first(); i < process.first() + process.count(); i++) {
                TraceEvent e = hb.events().get(i);
                if (!e.isDeliver()) {
                    continue;
                }
                int multicast = multicastOf.get(e.msg());
                List<MessageId> owed = new ArrayList<>();
                multicastOf.forEach((cause, at) -> {
                    if (hb.happenedBefore(at, multicast) && !deliveredHere.contains(cause)) {
                        owed.add(cause);
                    }
                });
                violations += owed.isEmpty() ? 0 : 1;
                deliveredHere.add(e.msg());
            }
        }
        assertTrue(fifoRun.causalViolations() > 0, "the seed must produce some violations to compare");
        assertEquals(fifoRun.causalViolations(), violations);
    }
}
