package org.sidis.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An inspection of one run: read every trace file, find the multicast groups and the gossip stores,
 * check every property on every group and store, and judge the run by the properties each protocol
 * promises.
 */
public final class Inspection {

    private Inspection() {
    }

    /** Inspects a run directory (every {@code *.jsonl} below it) or a single trace file. */
    public static Report of(Path runDirOrFile) {
        return of(TraceReader.read(runDirOrFile));
    }

    public static Report of(Trace trace) {
        Set<String> crashed = crashedNodes(trace.events());
        List<GroupTrace> groups = GroupTrace.allIn(trace.events(), crashed);
        List<Verdict> verdicts = new ArrayList<>();
        List<TraceProblem> problems = new ArrayList<>(trace.problems());
        for (GroupTrace group : groups) {
            problems.addAll(group.problems());
            for (Property property : Property.all()) {
                verdicts.add(property.check(group));
            }
        }
        List<StoreTrace> stores = StoreTrace.allIn(trace.events(), crashed);
        for (StoreTrace store : stores) {
            problems.addAll(store.problems());
            for (StoreProperty property : StoreProperty.all()) {
                verdicts.add(property.check(store));
            }
        }
        // Queues: producers and consumers trace put/get/ack; one total-queue verdict per queue.
        verdicts.addAll(QueueTotal.check(trace.events()));
        // Event log: producers and consumers trace append/read/commit; one verdict per topic.
        verdicts.addAll(LogCheck.check(trace.events()));
        // Topics: publishers trace put (with the subscriptions it went to), subscribers get/ack.
        verdicts.addAll(TopicTotal.check(trace.events()));
        // RPC: stubs trace call/return, skeletons execute/reply; three verdicts per service.
        verdicts.addAll(RpcCalls.check(trace.events(), crashed));
        return new Report(trace.source(), trace, groups, verdicts, problems, List.copyOf(crashed), stores);
    }

    /** Nodes that left any trace but never logged a clean stop: they crashed, or were killed. */
    private static Set<String> crashedNodes(List<TraceEvent> events) {
        Set<String> seen = new TreeSet<>(GroupTrace.NODE_ORDER);
        Set<String> stopped = new TreeSet<>(GroupTrace.NODE_ORDER);
        for (TraceEvent e : events) {
            seen.add(e.node());
            if (e.isNodeStop()) {
                stopped.add(e.node());
            }
        }
        seen.removeAll(stopped);
        return seen;
    }
}
