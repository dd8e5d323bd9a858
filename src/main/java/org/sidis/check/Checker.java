package org.sidis.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Judges a run from its trace alone: the promises of one kind of protocol, each a {@link Verdict}.
 * {@link Inspection} runs every checker it is given over the same {@link TracedRun}; a new room
 * implements this interface for its own properties and is inspected beside the others.
 */
public interface Checker {

    /** What the checker judges (for messages about it). */
    String name();

    /** The verdicts on {@code run}, and the problems found in the trace on the way. */
    Findings check(TracedRun run);

    /** What one checker found. */
    record Findings(List<Verdict> verdicts, List<TraceProblem> problems) {
        public Findings {
            verdicts = List.copyOf(verdicts);
            problems = List.copyOf(problems);
        }

        public static Findings of(List<Verdict> verdicts) {
            return new Findings(verdicts, List.of());
        }
    }

    /** A checker that only gives verdicts. */
    static Checker of(String name, Function<TracedRun, List<Verdict>> verdicts) {
        return new Checker() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Findings check(TracedRun run) {
                return Findings.of(verdicts.apply(run));
            }
        };
    }

    /** Every multicast group against every group property (FIFO, causal, total, integrity, agreement). */
    Checker MULTICAST = new Checker() {
        @Override
        public String name() {
            return "multicast";
        }

        @Override
        public Findings check(TracedRun run) {
            List<Verdict> verdicts = new ArrayList<>();
            List<TraceProblem> problems = new ArrayList<>();
            for (GroupTrace group : run.groups()) {
                problems.addAll(group.problems());
                for (Property property : Property.all()) verdicts.add(property.check(group));
            }
            return new Findings(verdicts, problems);
        }
    };

    /** Every gossip store against convergence and no resurrection. */
    Checker GOSSIP = new Checker() {
        @Override
        public String name() {
            return "gossip";
        }

        @Override
        public Findings check(TracedRun run) {
            List<Verdict> verdicts = new ArrayList<>();
            List<TraceProblem> problems = new ArrayList<>();
            for (StoreTrace store : run.stores()) {
                problems.addAll(store.problems());
                for (StoreProperty property : StoreProperty.all()) verdicts.add(property.check(store));
            }
            return new Findings(verdicts, problems);
        }
    };

    /** Queues: producers and consumers trace put/get/ack; one total-queue verdict per queue. */
    Checker QUEUES = of("queues", run -> QueueTotal.check(run.events()));

    /** Event log: producers and consumers trace append/read/commit; one verdict per topic. */
    Checker LOG = of("event log", run -> LogCheck.check(run.events()));

    /** Topics: publishers trace put (with the subscriptions it went to), subscribers get/ack. */
    Checker TOPICS = of("topics", run -> TopicTotal.check(run.events()));

    /** RPC: stubs trace call/return, skeletons execute/reply; three verdicts per service. */
    Checker RPC = of("rpc", run -> RpcCalls.check(run.events(), run.crashed()));

    /** Strong mobility: clients trace call/reply, the moving actor apply; four verdicts per actor. */
    Checker MIGRATION = new MigrationCalls();

    /** Placement: each decision the placer traced was carried out to the node it named, by its policy's rule. */
    Checker PLACEMENT = of("placement", run -> Placements.check(run.events(), run.crashed()));

    /** Streams: sources trace send, sinks play and miss; frames accounted, on time and in lip sync per stream. */
    Checker STREAM = of("stream", run -> StreamPlayout.check(run.events()));

    /** Three tiers: front ends trace request/route/reply, servers serve; three verdicts per group. */
    Checker TIERS = of("tiers", run -> TiersCalls.check(run.events(), run.crashed()));

    /** The checkers of the rooms that ship with sidis, in the order their verdicts are listed. */
    static List<Checker> standard() {
        return List.of(MULTICAST, GOSSIP, QUEUES, LOG, TOPICS, RPC, TIERS, MIGRATION, PLACEMENT, STREAM);
    }
}
