package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a run did, in numbers, from its trace alone: events per node and per protocol, how long a
 * message took from its multicast to its delivery at the other members, how many data messages went
 * on the wire per message delivered, and how many of them were retransmissions.
 *
 * <p>Latency is read from {@code ts}, the wall clock: it is shown, never used to judge, and on
 * machines whose clocks differ it is off by their difference. A message's copies on the wire are
 * counted as the origin's peers when it multicast (the members of its last traced {@code view}, or
 * every other node of the group where the protocol traces no views), plus every {@code retransmit};
 * they are divided by the deliveries at members other than the origin, so a run that lost nothing
 * and never retransmitted sends exactly 1.00 message per delivered message.
 */
public final class RunSummary {

    /** The event kinds the console table gives a column each; the rest are summed as "other". */
    private static final List<String> COLUMNS = List.of(Events.Group.MULTICAST, Events.Group.RECEIVE, Events.Group.DELIVER, Events.Group.RETRANSMIT);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per row (a node or a protocol), per event kind, how many lines. */
    private final Map<String, Map<String, Long>> byNode = new TreeMap<>(GroupTrace.NODE_ORDER);
    private final Map<String, Map<String, Long>> byProto = new TreeMap<>();
    private final List<GroupFigures> groups;

    /**
     * One multicast group's figures.
     *
     * @param latencyMicros    multicast-to-deliver wall-clock latency at members other than the origin
     * @param copiesToPeers    one per peer the origin sent each multicast to
     * @param retransmissions  {@code retransmit} events in the group
     * @param remoteDeliveries deliveries at members other than the message's origin
     */
    public record GroupFigures(String group, String proto, Histogram latencyMicros, long copiesToPeers,
                               long retransmissions, long remoteDeliveries) {

        public long sent() {
            return copiesToPeers + retransmissions;
        }

        /** Data messages on the wire per message delivered at another member; NaN when nothing was. */
        public double sentPerDelivered() {
            return remoteDeliveries == 0 ? Double.NaN : (double) sent() / remoteDeliveries;
        }
    }

    private RunSummary(Trace trace, List<GroupTrace> groupTraces) {
        for (TraceEvent e : trace.events()) {
            if (e.isNodeLifecycle()) {
                continue;
            }
            byNode.computeIfAbsent(e.node(), n -> new TreeMap<>()).merge(e.event(), 1L, Long::sum);
            byProto.computeIfAbsent(e.proto(), p -> new TreeMap<>()).merge(e.event(), 1L, Long::sum);
        }
        this.groups = groupTraces.stream().map(RunSummary::figures).toList();
    }

    public static RunSummary of(Report report) {
        return new RunSummary(report.trace(), report.groups());
    }

    private static GroupFigures figures(GroupTrace group) {
        Map<MessageId, Long> multicastAt = new HashMap<>();
        long copies = 0;
        long retransmissions = 0;
        for (String node : group.nodes()) {
            int peers = group.nodes().size() - 1;
            for (TraceEvent e : group.events(node)) {
                if (Events.Group.VIEW.equals(e.event())) {
                    peers = viewPeers(e, peers);
                } else if (e.isMulticast() && multicastAt.putIfAbsent(e.msg(), e.ts()) == null) {
                    copies += peers;
                } else if (Events.Group.RETRANSMIT.equals(e.event())) {
                    retransmissions++;
                }
            }
        }
        Histogram latency = new Histogram(3);
        long remoteDeliveries = 0;
        for (String node : group.nodes()) {
            Set<MessageId> seen = new HashSet<>();
            for (TraceEvent e : group.events(node)) {
                if (!e.isDeliver() || node.equals(group.multicastBy(e.msg())) || !seen.add(e.msg())) {
                    continue;
                }
                remoteDeliveries++;
                Long sentAt = multicastAt.get(e.msg());
                if (sentAt != null) {
                    latency.recordValue(Math.max(0, e.ts() - sentAt));
                }
            }
        }
        return new GroupFigures(group.name(), group.proto(), latency, copies, retransmissions, remoteDeliveries);
    }

    /** The peers a {@code view} line names (its {@code members} less the node itself); unchanged if it names none. */
    private static int viewPeers(TraceEvent view, int otherwise) {
        if (view.extra() == null) {
            return otherwise;
        }
        try {
            JsonNode members = JSON.readTree(view.extra()).get("members");
            if (members == null || !members.isArray()) {
                return otherwise;
            }
            int peers = 0;
            for (JsonNode member : members) {
                peers += member.asText().equals(view.node()) ? 0 : 1;
            }
            return peers;
        } catch (JsonProcessingException e) {
            return otherwise;
        }
    }

    public Map<String, Map<String, Long>> eventsByNode() {
        return byNode;
    }

    public Map<String, Map<String, Long>> eventsByProto() {
        return byProto;
    }

    public List<GroupFigures> groups() {
        return groups;
    }

    /** The console summary: the two count tables, then per group its latency and its messages per delivery. */
    public String table() {
        StringBuilder out = new StringBuilder("run summary\n");
        if (byNode.isEmpty()) {
            return out.append("  no protocol events\n").toString();
        }
        // One width for both tables, so their columns line up.
        int nameWidth = "events per protocol".length();
        for (String row : byNode.keySet()) {
            nameWidth = Math.max(nameWidth, row.length() + 2);
        }
        for (String row : byProto.keySet()) {
            nameWidth = Math.max(nameWidth, row.length() + 2);
        }
        countTable(out, "events per node", byNode, nameWidth);
        countTable(out, "events per protocol", byProto, nameWidth);
        for (GroupFigures g : groups) {
            Histogram h = g.latencyMicros();
            out.append("group ").append(g.group()).append(" (").append(g.proto()).append("): multicast → deliver at other members: ");
            if (h.getTotalCount() == 0) {
                out.append("no deliveries of traced multicasts\n");
            } else {
                out.append("p50 ").append(millis(h.getValueAtPercentile(50)))
                        .append(" · p90 ").append(millis(h.getValueAtPercentile(90)))
                        .append(" · p99 ").append(millis(h.getValueAtPercentile(99)))
                        .append(" · max ").append(millis(h.getMaxValue()))
                        .append(" (").append(h.getTotalCount()).append(" deliveries; wall clock, display only)\n");
            }
            out.append("group ").append(g.group()).append(": ").append(g.sent()).append(" data messages sent (")
                    .append(g.copiesToPeers()).append(" copies to peers + ").append(g.retransmissions())
                    .append(" retransmissions) for ").append(g.remoteDeliveries()).append(" deliveries at other members");
            out.append(g.remoteDeliveries() == 0 ? "\n"
                    : String.format(Locale.ROOT, ": %.2f per delivered message%n", g.sentPerDelivered()));
        }
        return out.toString();
    }

    private static void countTable(StringBuilder out, String title, Map<String, Map<String, Long>> rows, int nameWidth) {
        out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", title));
        for (String column : COLUMNS) {
            out.append(String.format(Locale.ROOT, " %10s", column));
        }
        out.append(String.format(Locale.ROOT, " %10s %10s%n", "other", "all"));
        rows.forEach((row, counts) -> {
            out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", "  " + row));
            long all = counts.values().stream().mapToLong(Long::longValue).sum();
            long listed = 0;
            for (String column : COLUMNS) {
                long n = counts.getOrDefault(column, 0L);
                listed += n;
                out.append(String.format(Locale.ROOT, " %10d", n));
            }
            out.append(String.format(Locale.ROOT, " %10d %10d%n", all - listed, all));
        });
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    /** The summary as JSON, for the report page and tools: every event kind, and latency in microseconds. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.set("byNode", counts(mapper, byNode));
        root.set("byProto", counts(mapper, byProto));
        ArrayNode groupsJson = root.putArray("groups");
        for (GroupFigures g : groups) {
            ObjectNode j = groupsJson.addObject();
            j.put("group", g.group());
            j.put("proto", g.proto());
            Histogram h = g.latencyMicros();
            ObjectNode latency = j.putObject("latencyMicros");
            latency.put("count", h.getTotalCount());
            if (h.getTotalCount() > 0) {
                for (double p : new double[] {50, 90, 99, 99.9}) {
                    latency.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)), h.getValueAtPercentile(p));
                }
                latency.put("max", h.getMaxValue());
            }
            j.put("copiesToPeers", g.copiesToPeers());
            j.put("retransmissions", g.retransmissions());
            j.put("sent", g.sent());
            j.put("remoteDeliveries", g.remoteDeliveries());
            if (g.remoteDeliveries() > 0) {
                j.put("sentPerDelivered", g.sentPerDelivered());
            }
        }
        return root;
    }

    private static ObjectNode counts(ObjectMapper mapper, Map<String, Map<String, Long>> rows) {
        ObjectNode j = mapper.createObjectNode();
        rows.forEach((row, counts) -> {
            ObjectNode r = j.putObject(row);
            counts.forEach(r::put);
        });
        return j;
    }
}
