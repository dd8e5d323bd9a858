package org.sidis.check;

import org.sidis.trace.Events;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outcome of an {@link Inspection}: every verdict per multicast group and gossip store, the
 * problems found in the trace, and the nodes that crashed.
 */
public record Report(
        Path source,
        Trace trace,
        List<GroupTrace> groups,
        List<Verdict> verdicts,
        List<TraceProblem> problems,
        List<String> crashedNodes,
        List<StoreTrace> stores) {

    /** How many trace problems the table lists before it abbreviates; the JSON has them all. */
    private static final int PROBLEMS_LISTED = 20;

    public enum Result {
        /** Every property a group's protocol promises held. */
        PASSED,
        /** Some group broke a property its protocol promises. */
        FAILED,
        /** No trace line could be read: there is nothing to judge. */
        NOTHING_TO_READ
    }

    public Report {
        groups = List.copyOf(groups);
        verdicts = List.copyOf(verdicts);
        problems = List.copyOf(problems);
        crashedNodes = List.copyOf(crashedNodes);
        stores = stores == null ? List.of() : List.copyOf(stores);
    }

    public Report(Path source, Trace trace, List<GroupTrace> groups, List<Verdict> verdicts, List<TraceProblem> problems,
            List<String> crashedNodes) {
        this(source, trace, groups, verdicts, problems, crashedNodes, List.of());
    }

    public Result result() {
        if (trace.isEmpty()) {
            return Result.NOTHING_TO_READ;
        }
        return verdicts.stream().anyMatch(Verdict::failsInspection) ? Result.FAILED : Result.PASSED;
    }

    public boolean passed() {
        return result() == Result.PASSED;
    }

    /** The verdict for one property in one group, for callers that want one line of the table. */
    public Verdict verdict(String group, String property) {
        return verdicts.stream().filter(v -> v.group().equals(group) && v.property().equals(property)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no verdict on " + property + " in group " + group));
    }

    /** Protocols whose verdicts get a section of their own, under "<proto> <service, queue, topic>". */
    private static final Set<String> SECTIONED = Set.of(Events.Proto.RPC, Events.Proto.QUEUE, Events.Proto.TOPIC, Events.Proto.LOG,
            Events.Proto.MIGRATION, Events.Proto.STREAM, Events.Proto.TIERS);

    /** The human table: per group its headline lines, then offence details, crashed nodes, trace problems, result. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("inspected ").append(source).append(": ").append(trace.linesRead()).append(" trace lines in ")
                .append(trace.filesRead()).append(" files\n");
        boolean prefixed = groups.size() + stores.size() > 1;
        if (!trace.isEmpty() && groups.isEmpty() && stores.isEmpty() && verdicts.isEmpty()) {
            out.append("no multicast group in the trace: nothing to check\n");
        }
        for (GroupTrace group : groups) {
            out.append('\n').append(group).append('\n');
            List<Verdict> ofGroup = verdicts.stream().filter(v -> v.group().equals(group.name()) && !v.proto().equals(Events.Proto.GOSSIP))
                    .toList();
            for (Verdict v : ofGroup) {
                // A property that does not apply to this group and is not promised (total order in a
                // FIFO group) would only be noise.
                if (!v.promised() && v.outcome() == Verdict.Outcome.NOT_APPLICABLE) continue;
                out.append(prefixed ? "[" + group.name() + "] " : "").append(v.headline()).append('\n');
            }
            for (Verdict v : ofGroup) {
                if (!v.details().isEmpty()) {
                    out.append(v.property()).append(v.violations() > 0 ? " violations" : " notes").append(" in ")
                            .append(group.name()).append(":\n");
                    v.details().forEach(line -> out.append("  ").append(line).append('\n'));
                }
            }
        }
        for (StoreTrace store : stores) {
            out.append('\n').append(store).append('\n');
            List<Verdict> ofStore = verdicts.stream().filter(v -> v.group().equals(store.name()) && v.proto().equals(Events.Proto.GOSSIP))
                    .toList();
            for (Verdict v : ofStore) {
                out.append(prefixed ? "[" + store.name() + "] " : "").append(v.headline()).append('\n');
            }
            for (Verdict v : ofStore) {
                if (!v.details().isEmpty()) {
                    out.append(v.property()).append(v.violations() > 0 ? " violations" : " notes").append(" in ")
                            .append(store.name()).append(":\n");
                    v.details().forEach(line -> out.append("  ").append(line).append('\n'));
                }
            }
        }
        // RPC services, queues, topics and event logs have no group or store section: one section each.
        Set<String> shown = new java.util.HashSet<>();
        groups.forEach(g -> shown.add(g.name()));
        stores.forEach(s -> shown.add(s.name()));
        Map<String, List<Verdict>> others = new java.util.TreeMap<>();
        for (Verdict v : verdicts) {
            if (SECTIONED.contains(v.proto()) && !shown.contains(v.group())) {
                others.computeIfAbsent(v.proto() + " " + v.group(), k -> new ArrayList<>()).add(v);
            }
        }
        others.forEach((name, vs) -> {
            out.append('\n').append(name).append('\n');
            vs.forEach(v -> out.append(v.headline()).append('\n'));
            for (Verdict v : vs) {
                if (!v.details().isEmpty()) {
                    out.append(v.property()).append(v.violations() > 0 ? " violations" : " notes").append(" in ")
                            .append(v.group()).append(":\n");
                    v.details().forEach(line -> out.append("  ").append(line).append('\n'));
                }
            }
        });
        if (!trace.isEmpty()) {
            out.append('\n').append("crashed nodes (no stop event): ")
                    .append(crashedNodes.isEmpty() ? "none" : String.join(", ", crashedNodes)).append('\n');
        }
        if (!problems.isEmpty()) {
            out.append("trace problems (").append(problems.size()).append("):\n");
            problems.stream().limit(PROBLEMS_LISTED).forEach(p -> out.append("  ").append(p).append('\n'));
            if (problems.size() > PROBLEMS_LISTED) {
                out.append("  … and ").append(problems.size() - PROBLEMS_LISTED).append(" more\n");
            }
        }
        out.append(switch (result()) {
            case PASSED -> "PASSED: every promised property held";
            case FAILED -> "FAILED: " + verdicts.stream().filter(Verdict::failsInspection)
                    .map(v -> v.property() + " in " + v.group()).collect(Collectors.joining(", "));
            case NOTHING_TO_READ -> "NOTHING TO READ: no trace lines under " + source;
        }).append('\n');
        return out.toString();
    }

    /** The report as JSON, for tools: result, groups, every verdict with its details, every problem. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("source", source.toString());
        root.put("result", result().name());
        root.put("passed", passed());
        root.put("linesRead", trace.linesRead());
        root.put("filesRead", trace.filesRead());
        ArrayNode groupsJson = root.putArray("groups");
        for (GroupTrace group : groups) {
            ObjectNode g = groupsJson.addObject();
            g.put("group", group.name());
            g.put("proto", group.proto());
            group.nodes().forEach(g.putArray("nodes")::add);
            group.crashedNodes().forEach(g.putArray("crashed")::add);
            g.put("messages", group.messageCount());
        }
        ArrayNode storesJson = root.putArray("stores");
        for (StoreTrace store : stores) {
            ObjectNode g = storesJson.addObject();
            g.put("store", store.name());
            g.put("proto", "gossip");
            if (store.mode() != null) {
                g.put("mode", store.mode());
            }
            store.nodes().forEach(g.putArray("nodes")::add);
            store.crashedNodes().forEach(g.putArray("crashed")::add);
            g.put("updates", store.updateCount());
        }
        ArrayNode verdictsJson = root.putArray("verdicts");
        for (Verdict v : verdicts) {
            ObjectNode j = verdictsJson.addObject();
            j.put("property", v.property());
            j.put("group", v.group());
            j.put("proto", v.proto());
            j.put("promised", v.promised());
            j.put("outcome", v.outcome().name());
            j.put("nodesChecked", v.nodesChecked());
            j.put("nodesHeld", v.nodesHeld());
            j.put("messages", v.messages());
            j.put("unit", v.unit());
            j.put("violations", v.violations());
            v.details().forEach(j.putArray("details")::add);
            ArrayNode offences = j.putArray("offences");
            for (Verdict.Offence o : v.offences()) {
                ObjectNode offence = offences.addObject();
                offence.put("node", o.node());
                offence.put("msg", o.msg().toString());
                ArrayNode involved = offence.putArray("involved");
                o.involved().forEach(id -> involved.add(id.toString()));
                offence.put("what", o.what());
            }
        }
        crashedNodes.forEach(root.putArray("crashedNodes")::add);
        ArrayNode problemsJson = root.putArray("problems");
        for (TraceProblem p : problems) {
            ObjectNode j = problemsJson.addObject();
            j.put("file", p.file().toString());
            j.put("line", p.line());
            j.put("kind", p.kind().name());
            j.put("what", p.what());
        }
        return root;
    }
}
