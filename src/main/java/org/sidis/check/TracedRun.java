package org.sidis.check;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run as the checkers see it: its trace, the nodes that crashed (left a trace but never a clean
 * stop), and — worked out once, for every checker and the report — its multicast groups and
 * gossip stores.
 */
public final class TracedRun {

    private final Trace trace;
    private final Set<String> crashed;
    private List<GroupTrace> groups;
    private List<StoreTrace> stores;

    public TracedRun(Trace trace) {
        this.trace = trace;
        this.crashed = crashedNodes(trace.events());
    }

    public Trace trace() {
        return trace;
    }

    public List<TraceEvent> events() {
        return trace.events();
    }

    /** Nodes that left any trace but never logged a clean stop: they crashed, or were killed. */
    public Set<String> crashed() {
        return crashed;
    }

    public synchronized List<GroupTrace> groups() {
        if (groups == null) groups = GroupTrace.allIn(trace.events(), crashed);
        return groups;
    }

    public synchronized List<StoreTrace> stores() {
        if (stores == null) stores = StoreTrace.allIn(trace.events(), crashed);
        return stores;
    }

    private static Set<String> crashedNodes(List<TraceEvent> events) {
        Set<String> seen = new TreeSet<>(GroupTrace.NODE_ORDER);
        Set<String> stopped = new TreeSet<>(GroupTrace.NODE_ORDER);
        for (TraceEvent e : events) {
            seen.add(e.node());
            if (e.isNodeStop()) stopped.add(e.node());
        }
        seen.removeAll(stopped);
        return java.util.Collections.unmodifiableSet(seen);
    }
}
