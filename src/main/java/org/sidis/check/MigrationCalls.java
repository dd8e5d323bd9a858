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
 * The strong-mobility checker: from clients' {@code call}/{@code reply} lines and the moving
 * actor's {@code apply} lines ({@code proto} {@code migration}, {@code group} the actor's name,
 * {@code msg} the request id, {@code value}), per actor, whatever moves happened:
 * <ul>
 *   <li><b>migration nothing lost</b>: every call got a reply (a client whose node crashed is
 *       excused for the call it had in flight);</li>
 *   <li><b>migration applied once</b>: no request was applied twice — on one node or on two — and
 *       no two requests were applied to the same value (a state lost in a move would count again
 *       from an older value);</li>
 *   <li><b>migration replies match</b>: each reply carries the value its request was applied with,
 *       and nothing was replied without being applied (unless the node it ran on crashed before its
 *       trace reached the disk);</li>
 *   <li><b>migration monotonic</b>: each client's replies increase in the order it called.</li>
 * </ul>
 */
public final class MigrationCalls implements Checker {

    public static final String NOTHING_LOST = "migration nothing lost";
    public static final String APPLIED_ONCE = "migration applied once";
    public static final String REPLIES_MATCH = "migration replies match";
    public static final String MONOTONIC = "migration monotonic";

    @Override
    public String name() {
        return "migration";
    }

    @Override
    public Findings check(TracedRun run) {
        return Findings.of(check(run.events(), run.crashed()));
    }

    /** Four verdicts per moving actor traced in {@code events}. */
    public static List<Verdict> check(List<TraceEvent> events, Set<String> crashed) {
        Map<String, List<TraceEvent>> byActor = new TreeMap<>();
        for (TraceEvent e : events) {
            if (Events.Proto.MIGRATION.equals(e.proto()) && e.group() != null) {
                byActor.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        byActor.forEach((actor, es) -> verdicts.addAll(checkActor(actor, es, crashed)));
        return verdicts;
    }

    private static List<Verdict> checkActor(String actor, List<TraceEvent> events, Set<String> crashed) {
        Map<MessageId, TraceEvent> calls = new TreeMap<>();
        Map<MessageId, List<TraceEvent>> replies = new HashMap<>();
        Map<MessageId, List<TraceEvent>> applies = new HashMap<>();
        Map<String, List<TraceEvent>> repliesByClient = new TreeMap<>(GroupTrace.NODE_ORDER);
        Set<String> clients = new TreeSet<>(GroupTrace.NODE_ORDER);
        Set<String> hosts = new TreeSet<>(GroupTrace.NODE_ORDER);
        int moves = 0;
        for (TraceEvent e : events) {
            switch (e.event()) {
                case Events.Migration.CALL -> {
                    if (e.msg() != null) calls.put(e.msg(), e);
                    clients.add(e.node());
                }
                case Events.Migration.REPLY -> {
                    if (e.msg() != null) replies.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
                    repliesByClient.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e);
                }
                case Events.Migration.APPLY -> {
                    if (e.msg() != null) applies.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
                    hosts.add(e.node());
                }
                case Events.Migration.MOVE_DONE -> {
                    if ("source".equals(e.text("role"))) moves++;
                }
                default -> { }
            }
        }

        Offences lost = new Offences();
        int excused = 0;
        for (Map.Entry<MessageId, TraceEvent> c : calls.entrySet()) {
            if (replies.containsKey(c.getKey())) continue;
            if (crashed.contains(c.getValue().node())) {
                excused++;
                continue;
            }
            lost.add(c.getValue().node(), c.getKey(), List.of(), "call " + c.getKey() + " at " + c.getValue().node() + " never got a reply"
                    + (applies.containsKey(c.getKey()) ? " (it was applied at " + applies.get(c.getKey()).get(0).node() + ")" : " and was never applied"));
        }
        lost.note("calls " + calls.size() + ", replies " + replies.size() + ", completed moves " + moves
                + (excused > 0 ? ", in flight when their client crashed " + excused : ""));

        Offences once = new Offences();
        Map<Long, MessageId> byValue = new HashMap<>();
        for (Map.Entry<MessageId, List<TraceEvent>> a : applies.entrySet()) {
            List<TraceEvent> as = a.getValue();
            if (as.size() > 1) {
                once.add(as.get(1).node(), a.getKey(), List.of(), "request " + a.getKey() + " applied " + as.size() + " times: "
                        + as.stream().map(x -> x.node() + " lseq " + x.lseq() + " value " + value(x)).toList());
            }
            for (TraceEvent x : as) {
                Long v = value(x);
                if (v == null) continue;
                MessageId other = byValue.putIfAbsent(v, a.getKey());
                if (other != null && !other.equals(a.getKey())) {
                    once.add(x.node(), a.getKey(), List.of(other), "requests " + other + " and " + a.getKey() + " were both applied as value " + v
                            + " (a state that lost updates, or two copies of the actor)");
                }
            }
        }

        Offences match = new Offences();
        int excusedReplies = 0;
        for (Map.Entry<MessageId, List<TraceEvent>> r : replies.entrySet()) {
            List<TraceEvent> as = applies.getOrDefault(r.getKey(), List.of());
            for (TraceEvent reply : r.getValue()) {
                if (as.isEmpty()) {
                    String at = reply.text("at");
                    if (at != null && crashed.contains(at)) {
                        excusedReplies++;
                    } else {
                        match.add(reply.node(), r.getKey(), List.of(), "reply to " + r.getKey() + " (value " + value(reply) + ") but no node applied it");
                    }
                } else if (!java.util.Objects.equals(value(reply), value(as.get(0)))) {
                    match.add(reply.node(), r.getKey(), List.of(), "reply to " + r.getKey() + " says " + value(reply) + " but it was applied as "
                            + value(as.get(0)) + " at " + as.get(0).node());
                }
            }
            if (r.getValue().size() > 1) {
                match.add(r.getValue().get(1).node(), r.getKey(), List.of(), "request " + r.getKey() + " replied " + r.getValue().size() + " times");
            }
        }
        if (excusedReplies > 0) match.note(excusedReplies + " replies from a node that crashed before its apply lines reached the disk");

        Offences monotonic = new Offences();
        repliesByClient.forEach((client, rs) -> {
            TraceEvent previous = null;
            for (TraceEvent r : rs) {
                Long v = value(r);
                if (previous != null && v != null && value(previous) != null && v <= value(previous)) {
                    monotonic.add(client, r.msg(), previous.msg() == null ? List.of() : List.of(previous.msg()), "at " + client + " reply to " + r.msg()
                            + " is " + v + ", not above the reply to " + previous.msg() + " (" + value(previous) + ") before it");
                }
                previous = r;
            }
        });

        Set<String> all = new TreeSet<>(clients);
        all.addAll(hosts);
        String proto = Events.Proto.MIGRATION;
        return List.of(
                lost.verdict(NOTHING_LOST, actor, proto, true, clients.size(), calls.size(), "requests"),
                once.verdict(APPLIED_ONCE, actor, proto, true, hosts.size(), applies.size(), "requests"),
                match.verdict(REPLIES_MATCH, actor, proto, true, all.size(), replies.size(), "requests"),
                monotonic.verdict(MONOTONIC, actor, proto, true, clients.size(), replies.size(), "requests"));
    }

    private static Long value(TraceEvent e) {
        if (e.attributes() == null) return null;
        com.fasterxml.jackson.databind.JsonNode v = e.attributes().get("value");
        return v == null || !v.isIntegralNumber() ? null : v.asLong();
    }
}
