package org.sidis.check;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.trace.Events;
import org.sidis.trace.Events.Migration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The placement checker (why migrate: the placer decides moves on its own): from the placer's
 * {@code place-decide} and {@code place-done}/{@code place-abort} lines and the moving actor's
 * {@code move-done} lines ({@code proto} {@code migration}, {@code group} the actor's name), per
 * actor the placer decided on:
 * <ul>
 *   <li><b>placement followed</b>: each decision was carried out — the placer's next line for that
 *       actor is a {@code place-done} to the decided node, and the source it names traced
 *       {@code move-done} (role source) for that move id with {@code peer} the decided node, and
 *       the decided node traced its own {@code move-done} for it. A placer whose node crashed is
 *       excused for the decision it had under way.</li>
 *   <li><b>placement rule</b>: the policy's rule held on what the decision says it saw — load: the
 *       actor left the most loaded host for the least loaded one; locality: it went to the node
 *       that made most of its last window's calls (more than half of them), and a client on that
 *       node did call it.</li>
 * </ul>
 * Actors with no decision get no verdict: a run without a placer is judged by {@link MigrationCalls} alone.
 */
public final class Placements {

    public static final String FOLLOWED = "placement followed";
    public static final String RULE = "placement rule";

    private Placements() {}

    /** Two verdicts per actor with at least one {@code place-decide} line in {@code events}. */
    public static List<Verdict> check(List<TraceEvent> events, Set<String> crashed) {
        Map<String, List<TraceEvent>> byActor = new TreeMap<>();
        for (TraceEvent e : events) {
            if (Events.Proto.MIGRATION.equals(e.proto()) && e.group() != null) byActor.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
        }
        List<Verdict> verdicts = new ArrayList<>();
        byActor.forEach((actor, es) -> {
            if (es.stream().anyMatch(e -> Migration.PLACE_DECIDE.equals(e.event()))) verdicts.addAll(checkActor(actor, es, crashed));
        });
        return verdicts;
    }

    private static List<Verdict> checkActor(String actor, List<TraceEvent> events, Set<String> crashed) {
        // Each placer's lines in its local order; the move-done lines by (node, move id, role).
        Map<String, List<TraceEvent>> placers = new TreeMap<>();
        Map<String, TraceEvent> moveDone = new TreeMap<>();
        Set<String> callers = new TreeSet<>(GroupTrace.NODE_ORDER);
        for (TraceEvent e : events) {
            switch (e.event()) {
                case Migration.PLACE_DECIDE, Migration.PLACE_DONE, Migration.PLACE_ABORT ->
                        placers.computeIfAbsent(e.node() + " " + e.actor(), p -> new ArrayList<>()).add(e);
                case Migration.MOVE_DONE -> moveDone.put(e.node() + " " + number(e, Migration.MOVE) + " " + e.text(Migration.ROLE), e);
                case Migration.CALL -> callers.add(e.node());
                default -> { }
            }
        }
        Offences followed = new Offences();
        Offences rule = new Offences();
        int decisions = 0;
        int moved = 0;
        Set<String> placerNodes = new TreeSet<>(GroupTrace.NODE_ORDER);
        for (List<TraceEvent> lines : placers.values()) {
            lines.sort(Comparator.comparingLong(TraceEvent::lseq));
            for (int i = 0; i < lines.size(); i++) {
                TraceEvent d = lines.get(i);
                if (!Migration.PLACE_DECIDE.equals(d.event())) continue;
                decisions++;
                placerNodes.add(d.node());
                String from = d.text(Migration.FROM);
                String to = d.text(Migration.TO);
                String what = "decision at " + d.node() + " (lseq " + d.lseq() + ") to move " + actor + " from " + from + " to " + to;
                checkRule(what, d, from, to, callers, rule);
                TraceEvent end = i + 1 < lines.size() ? lines.get(i + 1) : null;
                if (end == null) {
                    if (crashed.contains(d.node())) followed.note(what + " was under way when its placer's node crashed");
                    else followed.add(d.node(), what + " has no end (no place-done or place-abort after it)");
                } else if (Migration.PLACE_ABORT.equals(end.event())) {
                    followed.add(d.node(), what + " was not carried out: " + end.text(Migration.REASON));
                } else if (Migration.PLACE_DECIDE.equals(end.event())) {
                    followed.add(d.node(), what + " was followed by another decision (lseq " + end.lseq() + ") before its move ended");
                } else if (moveTo(what, end, to, moveDone, followed)) {
                    moved++;
                }
            }
        }
        followed.note("decisions " + decisions + ", moved where decided " + moved);
        String proto = Events.Proto.MIGRATION;
        return List.of(
                followed.verdict(FOLLOWED, actor, proto, true, placerNodes.size(), decisions, "decisions"),
                rule.verdict(RULE, actor, proto, true, placerNodes.size(), decisions, "decisions"));
    }

    /** Whether the move {@code done} reports went to {@code to}, as both its ends traced it; otherwise an offence. */
    private static boolean moveTo(String what, TraceEvent done, String to, Map<String, TraceEvent> moveDone, Offences followed) {
        String source = done.text(Migration.FROM);
        Long id = number(done, Migration.MOVE);
        if (!to.equals(done.text(Migration.TO))) {
            followed.add(done.node(), what + " ended with a move to " + done.text(Migration.TO) + " (move " + id + " of " + source + "), not to " + to);
            return false;
        }
        TraceEvent atSource = moveDone.get(source + " " + id + " " + Migration.SOURCE);
        if (atSource == null) {
            followed.add(done.node(), what + ": " + source + " traced no move-done for its move " + id);
            return false;
        }
        if (!to.equals(atSource.text(Migration.PEER))) {
            followed.add(atSource.node(), what + ": " + source + "'s move " + id + " went to " + atSource.text(Migration.PEER) + ", not to " + to);
            return false;
        }
        TraceEvent atTarget = moveDone.get(to + " " + id + " target");
        if (atTarget == null || !source.equals(atTarget.text(Migration.PEER))) {
            followed.add(done.node(), what + ": " + to + " traced no move-done for move " + id + " from " + source);
            return false;
        }
        return true;
    }

    private static void checkRule(String what, TraceEvent d, String from, String to, Set<String> callers, Offences rule) {
        String policy = d.text(Migration.POLICY);
        if (from == null || to == null || from.equals(to)) {
            rule.add(d.node(), what + ": a decision names two different nodes");
            return;
        }
        if ("load".equals(policy)) {
            Map<String, Double> loads = figures(d, Migration.LOADS);
            if (!loads.containsKey(from) || !loads.containsKey(to)) {
                rule.add(d.node(), what + " by load: its loads " + loads + " do not name both nodes");
                return;
            }
            double max = loads.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double min = loads.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            if (loads.get(from) < max) rule.add(d.node(), what + " by load: " + from + " was not the most loaded host " + loads);
            if (loads.get(to) > min) rule.add(d.node(), what + " by load: " + to + " was not the least loaded host " + loads);
        } else if ("locality".equals(policy)) {
            Map<String, Double> calls = figures(d, Migration.CALLS);
            double total = calls.values().stream().mapToDouble(Double::doubleValue).sum();
            double max = calls.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double there = calls.getOrDefault(to, 0.0);
            if (there < max || !(there * 2 > total)) {
                rule.add(d.node(), what + " by locality: " + to + " did not make most of its calls " + calls);
            } else if (!callers.contains(to)) {
                rule.add(d.node(), what + " by locality: no client on " + to + " traced a call to it");
            }
        } else {
            rule.add(d.node(), what + ": unknown policy [" + policy + "]");
        }
    }

    /** A line's object of numbers by node ({@code loads}, {@code calls}); empty when it has none. */
    private static Map<String, Double> figures(TraceEvent e, String field) {
        Map<String, Double> out = new TreeMap<>(GroupTrace.NODE_ORDER);
        JsonNode o = e.attributes() == null ? null : e.attributes().get(field);
        if (o == null || !o.isObject()) return out;
        o.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber()) out.put(f.getKey(), f.getValue().asDouble());
        });
        return out;
    }

    private static Long number(TraceEvent e, String field) {
        JsonNode v = e.attributes() == null ? null : e.attributes().get(field);
        return v == null || !v.isIntegralNumber() ? null : v.asLong();
    }
}
