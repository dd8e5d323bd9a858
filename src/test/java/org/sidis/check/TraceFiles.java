package org.sidis.check;

import org.sidis.trace.ActorNames;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's trace files the way nodes do ({@code RUN_DIR/trace/<node>.jsonl}, one JSON object
 * per line, lseq counted per actor), so that a test reads as the run it describes:
 *
 * <pre>
 *   run.node("n1").multicasts("n1:1").delivers("n1:1");
 *   run.node("n2").delivers("n1:1");
 *   run.node("n3").crashes();
 *   Path dir = run.write();
 * </pre>
 *
 * Every node logs {@code start} when first named and {@code stop} on {@link #write()} unless it
 * crashed. Lines that break the contract are added with {@link Node#rawLine} and
 * {@link Node#cutOffLine}.
 */
final class TraceFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;
    private final String defaultGroup;
    private final String defaultProto;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** Wall-clock time only decorates the lines: the checkers must not need it to be right. */
    private long clock = 1_700_000_000_000_000L;

    TraceFiles(Path runDir, String proto, String group) {
        this.runDir = runDir;
        this.defaultProto = proto;
        this.defaultGroup = group;
    }

    /** The node's trace (its latest incarnation's); the first call starts it. */
    Node node(String name) {
        return nodes.computeIfAbsent(name, n -> new Node(n, 1));
    }

    /**
     * The node is killed (its current trace ends without a stop line) and started again under its
     * name, as the launcher does: the new incarnation's trace goes to
     * {@code trace/incarnation-<k>/<node>.jsonl}, and {@link #node} names it from now on.
     */
    Node restarts(String name) {
        Node old = node(name).crashes();
        nodes.put(name + "#" + (old.incarnation + 1), old); // kept, under a key of its own, to be written
        Node next = new Node(name, old.incarnation + 1);
        nodes.put(name, next);
        return next;
    }

    /**
     * The cluster downs the node: its current trace ends with a clean stop line (a downed node
     * runs its coordinated shutdown), and the launcher starts it again under its name, as in
     * {@link #restarts}.
     */
    Node downedAndRestarted(String name) {
        Node old = node(name);
        old.lifecycle("stop");
        old.stopped = true;
        nodes.put(name + "#" + (old.incarnation + 1), old);
        Node next = new Node(name, old.incarnation + 1);
        nodes.put(name, next);
        return next;
    }

    /** Writes every node's file, adding {@code stop} for each node that did not crash. */
    Path write() {
        return write(false);
    }

    /**
     * As {@link #write()}, but every incarnation of a node goes to the one file
     * {@code trace/<node>.jsonl}, one after the other (a node restarted into the same trace
     * directory appends so): only the actors' incarnation marks tell the starts apart.
     */
    Path writeIncarnationsTogether() {
        return write(true);
    }

    private Path write(boolean together) {
        try {
            if (together) {
                Path traceDir = Files.createDirectories(runDir.resolve("trace"));
                List<Node> all = new ArrayList<>(nodes.values());
                all.sort(java.util.Comparator.comparingInt((Node n) -> n.incarnation));
                for (Node node : all) {
                    if (!node.crashed && !node.stopped) {
                        node.lifecycle("stop");
                        node.stopped = true;
                    }
                    StringBuilder text = new StringBuilder();
                    node.lines.forEach(line -> text.append(line).append('\n'));
                    Files.writeString(traceDir.resolve(node.name + ".jsonl"), text, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
                return runDir;
            }
            Path traceDir = Files.createDirectories(runDir.resolve("trace"));
            for (Node node : nodes.values()) {
                if (!node.crashed && !node.stopped) {
                    node.lifecycle("stop");
                    node.stopped = true;
                }
                StringBuilder text = new StringBuilder();
                node.lines.forEach(line -> text.append(line).append('\n'));
                if (node.cutOff != null) {
                    text.append(node.cutOff);
                }
                Path file = node.incarnation == 1 ? traceDir.resolve(node.name + ".jsonl")
                        : traceDir.resolve("incarnation-" + node.incarnation).resolve(node.name + ".jsonl");
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            }
            return runDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One node's trace file. */
    final class Node {
        private final String name;
        private final int incarnation;
        private final List<String> lines = new ArrayList<>();
        private final Map<String, Long> lseqByActor = new HashMap<>();
        private String group = defaultGroup;
        private String proto = defaultProto;
        private boolean crashed;
        private boolean stopped;
        private String cutOff;

        private Node(String name, int incarnation) {
            this.name = name;
            this.incarnation = incarnation;
            lifecycle("start");
        }

        /** Further multicast events of this node go to another group, run by another protocol. */
        Node inGroup(String otherGroup, String otherProto) {
            this.group = otherGroup;
            this.proto = otherProto;
            return this;
        }

        Node multicasts(String... ids) {
            for (String id : ids) {
                Map<String, Object> line = groupEvent("multicast", id);
                line.put("payload", "hello from " + id);
                add(line);
            }
            return this;
        }

        Node receives(String... ids) {
            for (String id : ids) {
                add(groupEvent("receive", id));
            }
            return this;
        }

        Node delivers(String... ids) {
            for (String id : ids) {
                add(groupEvent("deliver", id));
            }
            return this;
        }

        /** Deliveries in total order: each {@code id} with its gseq, written {@code "n1:1@3"} for gseq 3. */
        Node deliversNumbered(String... idsAtGseq) {
            for (String spec : idsAtGseq) {
                String[] parts = spec.split("@");
                Map<String, Object> line = groupEvent("deliver", parts[0]);
                line.put("gseq", Long.parseLong(parts[1]));
                add(line);
            }
            return this;
        }

        /** A protocol event the checkers must tolerate: retransmit, nack, drop, view... */
        Node logs(String event, String id) {
            Map<String, Object> line = groupEvent(event, id);
            line.put("reason", "test");
            add(line);
            return this;
        }

        /** The node sees a group view: an event for the group that makes it a member, with no message. */
        Node joins() {
            Map<String, Object> line = groupEvent("view", null);
            line.remove("msg");
            add(line);
            return this;
        }

        /** The node's member actor sees a group view with these members, as the multicast layer traces it. */
        Node sees(String... members) {
            Map<String, Object> line = groupEvent("view", null);
            line.remove("msg");
            line.put("members", List.of(members));
            add(line);
            return this;
        }

        /** A gossip line: {@code update}, {@code apply} or {@code reactivate} of update {@code id} ({@code op} put or delete). */
        Node gossip(String event, String id, String key, String version, String op) {
            Map<String, Object> line = groupEvent(event, id);
            line.put("key", key);
            line.put("version", version);
            line.put("op", op);
            add(line);
            return this;
        }

        /** The gossip {@code state} line a node writes at the end: its store's fingerprint and live entries. */
        Node endsWith(String digest, Map<String, String> entries) {
            Map<String, Object> line = groupEvent("state", null);
            line.remove("msg");
            line.put("digest", digest);
            line.put("mode", "push-pull");
            line.put("live", entries.size());
            line.put("entries", entries);
            add(line);
            return this;
        }

        /** The node ends without a stop line, as a killed JVM does. */
        Node crashes() {
            crashed = true;
            return this;
        }

        /** A line written as is, to break the contract on purpose. It still uses up an lseq, as a lost event would. */
        Node rawLine(String text) {
            lseqByActor.merge(actor(), 1L, Long::sum);
            lines.add(text);
            return this;
        }

        /** The file ends in the middle of this line, with no newline: the node was killed while writing. */
        Node cutOffLine(String partial) {
            crashed = true;
            cutOff = partial;
            return this;
        }

        /** The actor's path, marked with the incarnation from the node's second start on, as Traces writes it. */
        String actor() {
            return ActorNames.of("/user/sidis/" + proto + "-" + group, incarnation);
        }

        private Map<String, Object> groupEvent(String event, String id) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("actor", actor());
            line.put("proto", proto);
            line.put("group", group);
            line.put("event", event);
            line.put("msg", id);
            return line;
        }

        private void lifecycle(String event) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("actor", ActorNames.of("node", incarnation));
            line.put("proto", "node");
            line.put("event", event);
            add(line);
        }

        private void add(Map<String, Object> fields) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("ts", clock += 17);
            line.put("node", name);
            line.putAll(fields);
            line.put("lseq", lseqByActor.merge((String) fields.get("actor"), 1L, Long::sum));
            try {
                lines.add(JSON.writeValueAsString(line));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
