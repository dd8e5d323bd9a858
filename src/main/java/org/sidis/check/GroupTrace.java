package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import org.sidis.membership.NodeNames;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One multicast group as the trace shows it: its members (the nodes with any event for the group),
 * which of them crashed, and each member's events for the group in local ({@code lseq}) order.
 * This is what every property check reads; none of them looks at wall-clock time.
 *
 * <p>A node restarted under its name in the same run (the nemesis's kill, a node the resolver
 * downed and the launcher started again) marks each incarnation's actors ({@code /user/chat#2},
 * {@link TraceEvent#incarnation()}) and writes its trace to a file of its own; each incarnation
 * is a member of its own (issue 17), whichever files hold its lines: it is named by the {@code self} its
 * {@code view} lines give ({@code n1~<inc>}), or {@code n1#<k>} without one; a node that ran
 * once keeps its plain name. Each incarnation crashed unless its own lines end with a clean
 * {@code stop}. A member is owed a message only if the message was addressed to it — its
 * origin's last {@code view} before the multicast listed it ({@link #addressedTo}); a member
 * that joined late is not owed what was sent before. A member that a total-order group refused
 * as a late joiner ({@code refuse-joiner}) delivers nothing and is owed nothing.
 */
public final class GroupTrace {

    /** Node names in the order a person expects: n2 before n10. */
    public static final Comparator<String> NODE_ORDER = NodeNames.ORDER;

    private final String name;
    private final String proto;
    private final List<String> nodes;
    private final Set<String> crashed;
    private final Set<String> left;
    private final Set<String> refused;
    /** A member's name in view and refuse-joiner lines (its incarnation) → its name here. */
    private final Map<String, String> memberOf;
    /** Per message, the members its origin's view held when it was multicast; absent: unknown (everyone). */
    private final Map<MessageId, Set<String>> addressed = new HashMap<>();
    private final Map<String, List<TraceEvent>> eventsByNode;
    private final Map<String, DeliveryOrder> deliveries = new HashMap<>();
    private final Map<MessageId, String> multicastBy = new HashMap<>();
    private final Set<MessageId> messages = new HashSet<>();
    private final List<TraceProblem> problems = new ArrayList<>();

    private GroupTrace(String name, Map<String, List<TraceEvent>> eventsByNode, Set<String> crashedNodes,
            Map<String, String> memberOf) {
        this.name = name;
        this.eventsByNode = eventsByNode;
        this.memberOf = memberOf;
        this.nodes = List.copyOf(eventsByNode.keySet());
        this.crashed = nodes.stream().filter(crashedNodes::contains).collect(Collectors.toCollection(() -> new TreeSet<>(NODE_ORDER)));
        this.proto = settleProto();
        this.left = leftTheGroup();
        this.refused = refusedJoiners();
        eventsByNode.forEach((node, events) -> {
            List<MessageId> delivered = new ArrayList<>();
            Set<String> view = null;
            for (TraceEvent e : events) {
                if (Events.Group.VIEW.equals(e.event()) && e.members() != null) {
                    view = new HashSet<>();
                    for (String m : e.members()) view.add(member(m));
                } else if (e.isMulticast()) {
                    if (multicastBy.putIfAbsent(e.msg(), node) == null && view != null) addressed.put(e.msg(), view);
                    messages.add(e.msg());
                } else if (e.isDeliver()) {
                    delivered.add(e.msg());
                    messages.add(e.msg());
                }
            }
            deliveries.put(node, new DeliveryOrder(node, delivered));
        });
    }

    /**
     * The groups that have any multicast or delivery, each with its members' events in local order.
     *
     * @param crashedNodes nodes whose trace has no clean {@code stop}
     */
    public static List<GroupTrace> allIn(Collection<TraceEvent> events, Set<String> crashedNodes) {
        Map<String, Map<String, Map<Integer, List<TraceEvent>>>> byGroupNodeAndIncarnation = new TreeMap<>();
        Set<List<Object>> stopped = new HashSet<>(); // (node, incarnation) that ended with a clean stop
        Set<String> multicastGroups = new HashSet<>();
        for (TraceEvent e : events) {
            if (e.isNodeStop()) {
                stopped.add(List.of(e.node(), e.incarnation()));
            }
            if (e.group() == null) {
                continue;
            }
            byGroupNodeAndIncarnation.computeIfAbsent(e.group(), g -> new TreeMap<>(NODE_ORDER))
                    .computeIfAbsent(e.node(), n -> new TreeMap<>())
                    .computeIfAbsent(e.incarnation(), k -> new ArrayList<>())
                    .add(e);
            if (e.isMulticast() || e.isDeliver()) {
                multicastGroups.add(e.group());
            }
        }
        List<GroupTrace> groups = new ArrayList<>();
        byGroupNodeAndIncarnation.forEach((group, byNode) -> {
            // Queues, gossip and other rooms use `group` too; only multicast groups are ours to judge.
            if (!multicastGroups.contains(group)) {
                return;
            }
            Map<String, List<TraceEvent>> byMember = new TreeMap<>(NODE_ORDER);
            Map<String, String> memberOf = new HashMap<>();
            Set<String> crashedMembers = new HashSet<>();
            byNode.forEach((node, byIncarnation) -> {
                if (byIncarnation.size() == 1) {
                    // A node that ran once: its plain name, crashed as the run says.
                    List<TraceEvent> all = byIncarnation.values().iterator().next();
                    byMember.put(node, all);
                    memberOf.put(node, node);
                    String self = selfOf(all);
                    if (self != null) memberOf.put(self, node);
                    if (crashedNodes.contains(node)) crashedMembers.add(node);
                    return;
                }
                // A node restarted under its name: one member per incarnation (its actors' mark).
                byIncarnation.forEach((k, incarnation) -> {
                    String self = selfOf(incarnation);
                    String key = self != null && !byMember.containsKey(self) ? self : node + "#" + k;
                    byMember.put(key, incarnation);
                    if (self != null) memberOf.put(self, key);
                    if (!stopped.contains(List.of(node, k))) crashedMembers.add(key);
                });
            });
            byMember.values().forEach(GroupTrace::sortLocally);
            groups.add(new GroupTrace(group, byMember, crashedMembers, memberOf));
        });
        return groups;
    }

    /** The member's own name as its view lines give it ({@code self}), or null. */
    private static String selfOf(List<TraceEvent> events) {
        for (TraceEvent e : events) {
            if (Events.Group.VIEW.equals(e.event())) {
                String self = e.text("self");
                if (self != null) return self;
            }
        }
        return null;
    }

    /** A name from a view or refuse-joiner line, as this group names that member. */
    private String member(String named) {
        return memberOf.getOrDefault(named, named);
    }

    /** Local order is lseq within an incarnation's file; a node that restarted continues in its next incarnation. */
    private static void sortLocally(List<TraceEvent> events) {
        events.sort(Comparator.comparingInt(TraceEvent::incarnation).thenComparing(TraceEvent::file).thenComparingLong(TraceEvent::lseq));
    }

    /**
     * The protocol the group's multicast events name, which decides what the group promises. If they
     * disagree, the most frequent wins and each line that says otherwise is reported.
     */
    private String settleProto() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        eventsByNode.values().forEach(events -> events.stream().filter(TraceEvent::isMulticastFamily)
                .forEach(e -> counts.merge(e.proto(), 1, Integer::sum)));
        String settled = Collections.max(counts.entrySet(), Map.Entry.comparingByValue()).getKey();
        if (counts.size() > 1) {
            eventsByNode.values().forEach(events -> events.stream()
                    .filter(e -> e.isMulticastFamily() && !e.proto().equals(settled))
                    .limit(1)
                    .forEach(e -> problems.add(new TraceProblem(e.file(), e.line(), TraceProblem.Kind.PROTO_CONFLICT,
                            "group " + name + " is traced as " + settled + " elsewhere, here as " + e.proto()
                                    + " (judged as " + settled + ")"))));
        }
        return settled;
    }

    public String name() {
        return name;
    }

    /** The protocol the group runs ({@code fifo}, {@code causal}, ...): what it promises. */
    public String proto() {
        return proto;
    }

    /** Every node with any event for the group, crashed or not. */
    public List<String> nodes() {
        return nodes;
    }

    public Set<String> crashedNodes() {
        return Collections.unmodifiableSet(crashed);
    }

    public boolean crashed(String node) {
        return crashed.contains(node);
    }

    /** Nodes that stopped cleanly but left the group while others went on: out of agreement, as crashed ones. */
    public Set<String> leftNodes() {
        return Collections.unmodifiableSet(left);
    }

    /** Crashed, or left the group before the run ended: no longer owed anything. */
    public boolean departed(String node) {
        return crashed.contains(node) || left.contains(node);
    }

    /**
     * A node left when another member's view first had it, later did not, and that member went on
     * multicasting or delivering afterwards — the group carried on without it. A view that shrinks
     * as the run ends (members stopping one after another) is not a departure: nothing followed it.
     * Read from {@code view} events, which list the members.
     */
    private Set<String> leftTheGroup() {
        Set<String> out = new TreeSet<>(NODE_ORDER);
        eventsByNode.forEach((observer, events) -> {
            Set<String> seen = new HashSet<>();
            Set<String> dropped = new HashSet<>();
            for (TraceEvent e : events) {
                if (e.isMulticast() || e.isDeliver()) {
                    out.addAll(dropped);
                    dropped.clear();
                }
                if (!Events.Group.VIEW.equals(e.event()) || e.members() == null) continue;
                Set<String> members = new HashSet<>();
                for (String m : e.members()) members.add(member(m));
                for (String n : seen) if (!members.contains(n) && !n.equals(observer)) dropped.add(n);
                seen.addAll(members);
            }
        });
        out.removeAll(crashed);
        out.retainAll(nodes);
        return out;
    }

    /**
     * Members a total-order group refused as late joiners: some member traced
     * {@code refuse-joiner} naming them. They deliver nothing of the group.
     */
    private Set<String> refusedJoiners() {
        Set<String> out = new TreeSet<>(NODE_ORDER);
        for (List<TraceEvent> events : eventsByNode.values()) {
            for (TraceEvent e : events) {
                String m = Events.Group.REFUSE_JOINER.equals(e.event()) ? e.text("member") : null;
                if (m != null) out.add(member(m));
            }
        }
        out.retainAll(nodes);
        return out;
    }

    /** Members a total-order group refused as late joiners: bound by no liveness property. */
    public Set<String> refusedNodes() {
        return Collections.unmodifiableSet(refused);
    }

    /**
     * Members that did not crash, leave or get refused: the ones liveness properties such as
     * agreement bind.
     */
    public List<String> correctNodes() {
        return nodes.stream().filter(n -> !crashed.contains(n) && !left.contains(n) && !refused.contains(n)).toList();
    }

    /**
     * Whether message {@code id} was addressed to member {@code node}: its origin's view listed
     * the member when it multicast it, or the origin traced no view before it (unknown: taken as
     * addressed to everyone), or the member is its origin.
     */
    public boolean addressedTo(MessageId id, String node) {
        Set<String> view = addressed.get(id);
        return view == null || view.contains(node) || node.equals(multicastBy.get(id));
    }

    /** The node's events for this group, in local order. */
    public List<TraceEvent> events(String node) {
        return eventsByNode.getOrDefault(node, List.of());
    }

    public DeliveryOrder deliveries(String node) {
        return deliveries.getOrDefault(node, new DeliveryOrder(node, List.of()));
    }

    public boolean wasMulticast(MessageId id) {
        return multicastBy.containsKey(id);
    }

    /** The node that logged the message's multicast, or null when none did. */
    public String multicastBy(MessageId id) {
        return multicastBy.get(id);
    }

    public Set<MessageId> multicastIds() {
        return Collections.unmodifiableSet(multicastBy.keySet());
    }

    /** Distinct messages multicast or delivered in the group. */
    public int messageCount() {
        return messages.size();
    }

    /** Trace problems found while assembling the group (a protocol named inconsistently). */
    public List<TraceProblem> problems() {
        return List.copyOf(problems);
    }

    /** Compares names piecewise, digits as numbers, so that n2 sorts before n10. */

    @Override
    public String toString() {
        return "group " + name + " (" + proto + "): " + String.join(", ", nodes)
                + (crashed.isEmpty() ? "" : "; crashed: " + String.join(", ", crashed))
                + (left.isEmpty() ? "" : "; left: " + String.join(", ", left))
                + (refused.isEmpty() ? "" : "; refused as late joiners: " + String.join(", ", refused));
    }
}
