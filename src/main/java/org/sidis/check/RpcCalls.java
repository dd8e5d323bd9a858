package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RPC checker: from the {@code call}/{@code return} lines of stubs and the
 * {@code execute}/{@code reply} lines of skeletons ({@code proto} {@code rpc}, {@code msg} the
 * call id), per service:
 * <ul>
 *   <li><b>rpc returned once</b>: every call returned to its caller exactly once — with a result
 *       or a clear error ({@code outcome} {@code ok}, {@code error}, {@code timeout}); a caller
 *       whose node crashed is excused for the calls it had in flight;</li>
 *   <li><b>rpc at most once</b>: a call not marked idempotent was executed at most once — across
 *       all replicas when the stub called one ({@code replication} {@code single}), at most once
 *       per replica when it called them all on purpose ({@code first}, {@code majority});</li>
 *   <li><b>rpc no reply without a call</b>: every call a skeleton executed or answered was made
 *       by some stub (unless the calling node crashed before its trace reached the disk).</li>
 * </ul>
 * An idempotent call executed more than once (failover after a timeout) is allowed and counted.
 */
public final class RpcCalls {

    private RpcCalls() {
    }

    public static final String RETURNED_ONCE = "rpc returned once";
    public static final String AT_MOST_ONCE = "rpc at most once";
    public static final String NO_ORPHAN_REPLY = "rpc no reply without a call";

    /** Three verdicts per service traced in {@code events}. */
    public static List<Verdict> check(List<TraceEvent> events, Set<String> crashed) {
        Map<String, List<TraceEvent>> byService = new TreeMap<>();
        for (TraceEvent e : events) {
            if (Events.Proto.RPC.equals(e.proto()) && e.group() != null && e.msg() != null) {
                byService.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        byService.forEach((service, es) -> verdicts.addAll(checkService(service, es, crashed)));
        return verdicts;
    }

    private static List<Verdict> checkService(String service, List<TraceEvent> events, Set<String> crashed) {
        Map<MessageId, TraceEvent> calls = new TreeMap<>();
        Map<MessageId, List<TraceEvent>> returns = new HashMap<>();
        Map<MessageId, List<TraceEvent>> executes = new HashMap<>();
        Map<MessageId, List<TraceEvent>> replies = new HashMap<>();
        Set<String> callers = new TreeSet<>(GroupTrace.NODE_ORDER);
        Set<String> servers = new TreeSet<>(GroupTrace.NODE_ORDER);
        for (TraceEvent e : events) {
            switch (e.event()) {
                case Events.Rpc.CALL -> {
                    calls.put(e.msg(), e);
                    callers.add(e.node());
                }
                case Events.Rpc.RETURN -> returns.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
                case Events.Rpc.EXECUTE -> {
                    executes.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
                    servers.add(e.node());
                }
                case Events.Rpc.REPLY -> {
                    replies.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
                    servers.add(e.node());
                }
                default -> { }
            }
        }

        Offences once = new Offences();
        Map<String, Integer> outcomes = new TreeMap<>();
        int excused = 0;
        for (Map.Entry<MessageId, TraceEvent> c : calls.entrySet()) {
            MessageId id = c.getKey();
            TraceEvent call = c.getValue();
            List<TraceEvent> rs = returns.getOrDefault(id, List.of());
            rs.forEach(r -> outcomes.merge(field(r, "outcome"), 1, Integer::sum));
            if (rs.isEmpty() && crashed.contains(call.node())) {
                excused++;
            } else if (rs.isEmpty()) {
                once.add(call.node(), id, List.of(), "call " + id + " (" + field(call, "method") + ", " + field(call, "mode")
                        + ") never returned to its caller at " + call.node());
            } else if (rs.size() > 1) {
                once.add(call.node(), id, List.of(), "call " + id + " (" + field(call, "method") + ") returned " + rs.size()
                        + " times: " + rs.stream().map(r -> field(r, "outcome") + " at lseq " + r.lseq()).toList());
            }
        }
        for (MessageId id : returns.keySet()) {
            if (!calls.containsKey(id)) {
                TraceEvent r = returns.get(id).get(0);
                once.add(r.node(), id, List.of(), "return of " + id + " at " + r.node() + " without a call");
            }
        }
        once.note("calls " + calls.size() + ", outcomes " + outcomes + (excused > 0 ? ", in flight when their caller crashed "
                + excused : ""));

        Offences atMostOnce = new Offences();
        int nonIdempotent = 0;
        int reExecuted = 0;
        for (Map.Entry<MessageId, TraceEvent> c : calls.entrySet()) {
            List<TraceEvent> ex = executes.getOrDefault(c.getKey(), List.of());
            boolean idempotent = c.getValue().attributes() != null && c.getValue().attributes().path("idempotent").asBoolean(false);
            if (idempotent) {
                if (ex.size() > 1) reExecuted++;
                continue;
            }
            nonIdempotent++;
            boolean single = "single".equals(field(c.getValue(), "replication"));
            Map<String, Integer> perNode = new TreeMap<>(GroupTrace.NODE_ORDER);
            ex.forEach(x -> perNode.merge(x.node(), 1, Integer::sum));
            boolean twice = single ? ex.size() > 1 : perNode.values().stream().anyMatch(n -> n > 1);
            if (twice) {
                atMostOnce.add(ex.get(ex.size() - 1).node(), c.getKey(), List.of(), "call " + c.getKey() + " ("
                        + field(c.getValue(), "method") + ", not idempotent, replication " + field(c.getValue(), "replication")
                        + ") executed " + ex.size() + " times: " + perNode);
            }
        }
        atMostOnce.note("non-idempotent calls " + nonIdempotent + "; idempotent calls executed more than once (allowed) "
                + reExecuted);

        Offences orphans = new Offences();
        Set<MessageId> served = new TreeSet<>(executes.keySet());
        served.addAll(replies.keySet());
        int excusedOrphans = 0;
        for (MessageId id : served) {
            if (calls.containsKey(id)) continue;
            if (crashed.contains(id.origin())) {
                excusedOrphans++;
                continue;
            }
            TraceEvent x = executes.containsKey(id) ? executes.get(id).get(0) : replies.get(id).get(0);
            orphans.add(x.node(), id, List.of(), x.event() + " of " + id + " at " + x.node() + ", but no stub traced that call");
        }
        if (excusedOrphans > 0) {
            orphans.note(excusedOrphans + " calls served whose caller crashed before its trace reached the disk");
        }
        int nodes = callers.size();
        Set<String> all = new TreeSet<>(callers);
        all.addAll(servers);
        return List.of(
                once.verdict(RETURNED_ONCE, service, "rpc", true, nodes, calls.size(), "calls"),
                atMostOnce.verdict(AT_MOST_ONCE, service, "rpc", true, all.size(), calls.size(), "calls"),
                orphans.verdict(NO_ORPHAN_REPLY, service, "rpc", true, servers.size(), served.size(), "calls served"));
    }

    private static String field(TraceEvent e, String name) {
        String v = e.text(name);
        return v == null ? "?" : v;
    }
}
