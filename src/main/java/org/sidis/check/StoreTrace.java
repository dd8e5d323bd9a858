package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One replicated gossip store as the trace shows it (DESIGN.md, gossip events): the updates
 * written ({@code update}, and certificates woken by a keeper, {@code reactivate}), each node's
 * changes to its replica in local order ({@code update}, {@code apply}, {@code reactivate}), and
 * the {@code state} line each node wrote when its run ended. Versions are read from the trace
 * as {@code <timestamp>@<writer>}, ordered by timestamp and then writer, as the protocol orders
 * them; the checkers trust nothing else the protocol computed.
 */
public final class StoreTrace {

    /** An entry's version as traced: {@code 12@n3}. */
    public record Version(long ts, String writer) implements Comparable<Version> {

        static Optional<Version> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            int at = text.indexOf('@');
            if (at <= 0 || at == text.length() - 1) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Version(Long.parseLong(text.substring(0, at)), text.substring(at + 1)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public int compareTo(Version o) {
            int byTs = Long.compare(ts, o.ts);
            return byTs != 0 ? byTs : writer.compareTo(o.writer);
        }

        @Override
        public String toString() {
            return ts + "@" + writer;
        }
    }

    /** A change to one node's replica: an update written there, an update applied, a certificate woken. */
    public record Change(TraceEvent event, String key, Version version, boolean delete) {
        String describe() {
            return (delete ? "delete" : "put") + " " + version + " (" + event.event() + " " + event.msg() + ")";
        }
    }

    /**
     * An update as written (or a woken certificate as republished): the candidates for each key's
     * last write. {@code node} is the replica that wrote it ({@code n3#2} for an incarnation).
     */
    public record Update(MessageId id, String node, String key, Version version, boolean delete) {}

    /** The last {@code state} line of a node: its store's fingerprint and, when listed, its live entries. */
    public record FinalState(TraceEvent event, String digest, Map<String, Version> entries) {}

    private final String name;
    private final String mode;
    private final List<String> nodes;
    private final Set<String> crashed;
    private final Map<String, List<Change>> changes = new TreeMap<>(GroupTrace.NODE_ORDER);
    private final Map<MessageId, Update> updates = new TreeMap<>();
    private final Set<MessageId> applied = new TreeSet<>();
    private final Map<String, FinalState> finals = new TreeMap<>(GroupTrace.NODE_ORDER);
    private final List<TraceProblem> problems = new ArrayList<>();

    private StoreTrace(String name, Map<String, List<TraceEvent>> byNode, Set<String> crashedNodes) {
        this.name = name;
        this.nodes = List.copyOf(byNode.keySet());
        this.crashed = nodes.stream().filter(crashedNodes::contains)
                .collect(Collectors.toCollection(() -> new TreeSet<>(GroupTrace.NODE_ORDER)));
        String modeSeen = null;
        for (Map.Entry<String, List<TraceEvent>> e : byNode.entrySet()) {
            List<Change> ofNode = new ArrayList<>();
            for (TraceEvent ev : e.getValue()) {
                switch (ev.event()) {
                    case Events.Gossip.UPDATE, Events.Gossip.APPLY, Events.Gossip.REACTIVATE -> {
                        Change c = change(ev);
                        if (c == null) {
                            continue;
                        }
                        ofNode.add(c);
                        if (!ev.event().equals(Events.Gossip.APPLY)) {
                            updates.putIfAbsent(ev.msg(), new Update(ev.msg(), e.getKey(), c.key(), c.version(), c.delete()));
                        } else {
                            applied.add(ev.msg());
                        }
                    }
                    case Events.Gossip.STATE -> {
                        finals.put(e.getKey(), finalState(ev));
                        if (ev.text("mode") != null) {
                            modeSeen = ev.text("mode");
                        }
                    }
                    default -> { }
                }
            }
            changes.put(e.getKey(), ofNode);
        }
        this.mode = modeSeen;
    }

    private Change change(TraceEvent ev) {
        String key = ev.text("key");
        Optional<Version> version = Version.parse(ev.text("version"));
        String op = ev.text("op");
        if (ev.msg() == null || key == null || version.isEmpty() || !("put".equals(op) || "delete".equals(op))) {
            problems.add(new TraceProblem(ev.file(), ev.line(), TraceProblem.Kind.MISSING_FIELD,
                    "gossip " + ev.event() + " needs 'msg', 'key', 'version' (<ts>@<writer>) and 'op' (put or delete)"));
            return null;
        }
        return new Change(ev, key, version.get(), "delete".equals(op));
    }

    private FinalState finalState(TraceEvent ev) {
        JsonNode entries = ev.attributes() == null ? null : ev.attributes().get("entries");
        Map<String, Version> listed = null;
        if (entries != null && entries.isObject()) {
            listed = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                Optional<Version> v = Version.parse(f.getValue().asText(null));
                if (v.isEmpty()) {
                    problems.add(new TraceProblem(ev.file(), ev.line(), TraceProblem.Kind.BAD_FIELD,
                            "state entry '" + f.getKey() + "' should be a version <ts>@<writer>, is " + f.getValue()));
                    continue;
                }
                listed.put(f.getKey(), v.get());
            }
        }
        String digest = ev.text("digest");
        if (digest == null) {
            problems.add(new TraceProblem(ev.file(), ev.line(), TraceProblem.Kind.MISSING_FIELD, "gossip state without 'digest'"));
        }
        return new FinalState(ev, digest, listed);
    }

    /**
     * The gossip stores in a trace, each with its replicas' events in local order. A node killed
     * and restarted under its name (its k-th incarnation marks its actors {@code #k}, and the
     * launcher writes its trace to {@code trace/incarnation-<k>/}) starts a new, empty replica:
     * each incarnation ({@link TraceEvent#incarnation()}) is a replica
     * of its own, {@code n3#1}, {@code n3#2}, crashed unless its own trace ends with a clean
     * {@code stop} (issue 17: merged into one replica, the second incarnation taking its
     * values again read as resurrections). A node that ran once keeps its plain name.
     *
     * @param crashedNodes nodes whose trace has no clean {@code stop}
     */
    public static List<StoreTrace> allIn(Collection<TraceEvent> events, Set<String> crashedNodes) {
        Map<String, Map<String, Map<Integer, List<TraceEvent>>>> byStore = new TreeMap<>();
        Set<String> stopped = new TreeSet<>(); // node#incarnation that ended with a clean stop
        for (TraceEvent e : events) {
            if (e.isNodeStop()) {
                stopped.add(e.node() + "#" + incarnationOf(e));
            }
            if (!Events.Proto.GOSSIP.equals(e.proto()) || e.group() == null) {
                continue;
            }
            byStore.computeIfAbsent(e.group(), g -> new TreeMap<>(GroupTrace.NODE_ORDER))
                    .computeIfAbsent(e.node(), n -> new TreeMap<>())
                    .computeIfAbsent(incarnationOf(e), k -> new ArrayList<>()).add(e);
        }
        List<StoreTrace> stores = new ArrayList<>();
        byStore.forEach((name, byNode) -> {
            Map<String, List<TraceEvent>> byReplica = new TreeMap<>(GroupTrace.NODE_ORDER);
            Set<String> crashedReplicas = new TreeSet<>(GroupTrace.NODE_ORDER);
            byNode.forEach((node, byIncarnation) -> {
                if (byIncarnation.size() == 1 && byIncarnation.containsKey(1)) {
                    byReplica.put(node, byIncarnation.get(1));
                    if (crashedNodes.contains(node)) {
                        crashedReplicas.add(node);
                    }
                    return;
                }
                byIncarnation.forEach((k, l) -> {
                    String replica = node + "#" + k;
                    byReplica.put(replica, l);
                    if (!stopped.contains(replica)) {
                        crashedReplicas.add(replica);
                    }
                });
            });
            byReplica.values().forEach(l -> l.sort(Comparator.comparing(TraceEvent::file).thenComparingLong(TraceEvent::lseq)));
            stores.add(new StoreTrace(name, byReplica, crashedReplicas));
        });
        return stores;
    }

    /** The incarnation that wrote {@code e}: its actor's mark, else the launcher's directory, else 1. */
    static int incarnationOf(TraceEvent e) {
        return e.incarnation();
    }

    /**
     * Each key's last write among the updates that count: written at a node that did not crash,
     * or applied somewhere (a crashed node's write that never left it binds no one).
     */
    public Map<String, Update> lastWrites() {
        Map<String, Update> last = new TreeMap<>();
        for (Update u : updates.values()) {
            if (crashed.contains(u.node()) && !applied.contains(u.id())) {
                continue;
            }
            last.merge(u.key(), u, (a, b) -> b.version().compareTo(a.version()) > 0 ? b : a);
        }
        return last;
    }

    public String name() {
        return name;
    }

    /** The mode the nodes said they ran in their state lines, or null. */
    public String mode() {
        return mode;
    }

    public List<String> nodes() {
        return nodes;
    }

    public Set<String> crashedNodes() {
        return Collections.unmodifiableSet(crashed);
    }

    public boolean crashed(String node) {
        return crashed.contains(node);
    }

    /**
     * Whether replica {@code node} is an incarnation that a later one of its node superseded
     * ({@code n3#1} when {@code n3#2} ran): it is gone, killed or stopped cleanly (a node the cluster
     * downs runs its coordinated shutdown and stops), so what it ended with binds no one — it could
     * not see what was written after it.
     */
    public boolean superseded(String node) {
        int at = node.indexOf('#');
        if (at < 0) return false;
        String prefix = node.substring(0, at + 1);
        int k = Integer.parseInt(node.substring(at + 1));
        return nodes.stream().anyMatch(n -> n.startsWith(prefix) && Integer.parseInt(n.substring(prefix.length())) > k);
    }

    public List<Change> changes(String node) {
        return changes.getOrDefault(node, List.of());
    }

    public Map<String, FinalState> finalStates() {
        return Collections.unmodifiableMap(finals);
    }

    public int updateCount() {
        return updates.size();
    }

    public List<TraceProblem> problems() {
        return List.copyOf(problems);
    }

    @Override
    public String toString() {
        return "store " + name + " (gossip" + (mode == null ? "" : " " + mode) + "): " + String.join(", ", nodes)
                + (crashed.isEmpty() ? "" : "; crashed: " + String.join(", ", crashed));
    }

    /** The state lines' fingerprints, most common first, with the nodes that share each. */
    Map<String, List<String>> fingerprints() {
        Map<String, List<String>> by = new LinkedHashMap<>();
        finals.forEach((node, f) -> by.computeIfAbsent(String.valueOf(f.digest()), d -> new ArrayList<>()).add(node));
        List<Map.Entry<String, List<String>>> sorted = new ArrayList<>(by.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        Map<String, List<String>> out = new LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static Map<String, Version> expectedLive(Map<String, Update> lastWrites) {
        Map<String, Version> live = new HashMap<>();
        lastWrites.forEach((k, u) -> {
            if (!u.delete()) {
                live.put(k, u.version());
            }
        });
        return live;
    }
}
