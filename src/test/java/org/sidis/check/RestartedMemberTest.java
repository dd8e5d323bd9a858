package org.sidis.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node restarted under its name in one run (issue 17): the launcher writes its second
 * incarnation's trace to {@code trace/incarnation-2/}, and its members name themselves
 * {@code n1~<inc>} in their view lines. The checkers must judge each incarnation as a member
 * of its own — the first crashed, the second joined late — and owe a member only what was
 * addressed to it. Before the fix both incarnations were one node "n1", whose merged delivery
 * order put n2~x:2 before its cause n2~x:1 (causal order violated) and held n1's first
 * incarnation, which crashed, to agreement.
 */
class RestartedMemberTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One trace file: lines in local order, lseq counted per actor. */
    private final class File {
        final Path path;
        final String node;
        final String proto;
        final List<String> lines = new ArrayList<>();
        final Map<String, Long> lseq = new HashMap<>();
        long ts = 1_700_000_000_000_000L;
        /** The incarnation mark the emitter puts on every actor from the restart on ("" before). */
        String mark = "";

        File(String relative, String node, String proto) {
            this.path = dir.resolve("trace").resolve(relative);
            this.node = node;
            this.proto = proto;
            line("node", "node", "start", null, Map.of());
        }

        File line(String actor, String proto, String event, String msg, Map<String, Object> extra) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("ts", ts++);
            l.put("node", node);
            l.put("actor", actor + mark);
            l.put("proto", proto);
            if (!proto.equals("node")) l.put("group", "chat");
            l.put("event", event);
            if (msg != null) l.put("msg", msg);
            l.put("lseq", lseq.merge(actor + mark, 1L, Long::sum));
            l.putAll(extra);
            try {
                lines.add(JSON.writeValueAsString(l));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        File view(String self, String... members) {
            return line("/user/multicast-chat", proto, "view", null, Map.of("members", List.of(members), "self", self));
        }

        File multicast(String msg) {
            return line("/user/multicast-chat", proto, "multicast", msg, Map.of());
        }

        File deliver(String msg) {
            return line("/user/multicast-chat", proto, "deliver", msg, Map.of());
        }

        File refuseJoiner(String member) {
            return line("/user/multicast-chat", proto, "refuse-joiner", null, Map.of("member", member, "epoch", 1));
        }

        /**
         * The node's process died and the same file goes on with its next start: what a node
         * restarted under its name into the same trace directory appends. {@code mark} is what
         * the emitter puts on its actors ("" for an emitter that marks nothing).
         */
        File restartedAs(String mark) {
            this.mark = mark;
            lseq.clear(); // a new process: every actor counts from 1 again
            return line("node", "node", "start", null, Map.of());
        }

        void write(boolean stop) throws IOException {
            if (stop) line("node", "node", "stop", null, Map.of());
            Files.createDirectories(path.getParent());
            Files.writeString(path, String.join("\n", lines) + "\n");
        }
    }

    /** n1 is killed after two messages and restarted as n1~b; n2 runs throughout. */
    private Report causalRun(boolean restartedDeliversWhatWasAddressedToIt) throws IOException {
        File n2 = new File("n2.jsonl", "n2", "causal");
        n2.view("n2~x", "n1~a", "n2~x").multicast("n2~x:1").deliver("n2~x:1").deliver("n1~a:1").deliver("n1~a:2")
            .view("n2~x", "n1~a", "n1~b", "n2~x").multicast("n2~x:2").deliver("n2~x:2").deliver("n1~b:1")
            .view("n2~x", "n1~b", "n2~x").write(true);
        File n1a = new File("n1.jsonl", "n1", "causal");
        n1a.view("n1~a", "n1~a", "n2~x").multicast("n1~a:1").deliver("n1~a:1").deliver("n2~x:1")
            .multicast("n1~a:2").deliver("n1~a:2").write(false); // SIGKILL: no stop
        File n1b = new File("incarnation-2/n1.jsonl", "n1", "causal");
        n1b.view("n1~b", "n1~a", "n1~b", "n2~x");
        if (restartedDeliversWhatWasAddressedToIt) n1b.deliver("n2~x:2");
        n1b.multicast("n1~b:1").deliver("n1~b:1").view("n1~b", "n1~b", "n2~x").write(true);
        return Inspection.of(TraceReader.read(dir));
    }

    @Test
    void eachIncarnationIsAMemberOfItsOwnAndIsOwedOnlyWhatWasAddressedToIt() throws IOException {
        Report report = causalRun(true);
        assertTrue(report.passed(), report.table());
        GroupTrace group = report.groups().get(0);
        assertEquals(List.of("n1~a", "n1~b", "n2"), group.nodes(), group.toString());
        assertEquals(java.util.Set.of("n1~a"), group.crashedNodes(), group.toString());
        assertFalse(group.addressedTo(org.sidis.wire.MessageId.of("n2~x:1"), "n1~b"), "n2~x:1 was sent before n1~b joined");
        assertTrue(group.addressedTo(org.sidis.wire.MessageId.of("n2~x:2"), "n1~b"));
        
        
    }

    /** Negative control: the restarted member misses a message sent after it joined. */
    @Test
    void aRestartedMemberThatMissesWhatWasAddressedToItBreaksAgreement() throws IOException {
        Report report = causalRun(false);
        assertFalse(report.passed(), report.table());
        Verdict agreement = report.verdict("chat", "agreement");
        assertEquals(Verdict.Outcome.VIOLATED, agreement.outcome(), report.table());
        assertTrue(agreement.offences().stream().allMatch(o -> o.node().equals("n1~b") && o.msg().toString().equals("n2~x:2")),
            agreement.offences().toString());
    }

    /**
     * Both incarnations of n1 in one file, read together (issue 17): the restart's actors carry
     * the mark {@code #2} ({@link org.sidis.trace.ActorNames}), so each start's lseq counts from 1
     * for an actor of its own and the checkers tell the incarnations apart by the mark, not by the
     * file. Before the mark, the checkers split incarnations by file only and judged this as one
     * member n1 (a second start's lines merged into the first's): causal order violated.
     */
    private Report causalRunInOneFile(String mark) throws IOException {
        File n2 = new File("n2.jsonl", "n2", "causal");
        n2.view("n2~x", "n1~a", "n2~x").multicast("n2~x:1").deliver("n2~x:1").deliver("n1~a:1").deliver("n1~a:2")
            .view("n2~x", "n1~a", "n1~b", "n2~x").multicast("n2~x:2").deliver("n2~x:2").deliver("n1~b:1")
            .view("n2~x", "n1~b", "n2~x").write(true);
        File n1 = new File("n1.jsonl", "n1", "causal");
        n1.view("n1~a", "n1~a", "n2~x").multicast("n1~a:1").deliver("n1~a:1").deliver("n2~x:1")
            .multicast("n1~a:2").deliver("n1~a:2") // SIGKILL: no stop
            .restartedAs(mark)
            .view("n1~b", "n1~a", "n1~b", "n2~x").deliver("n2~x:2").multicast("n1~b:1").deliver("n1~b:1")
            .view("n1~b", "n1~b", "n2~x").write(true);
        return Inspection.of(TraceReader.read(dir));
    }

    @Test
    void incarnationsReadTogetherAreTwoActorsAndTwoMembers() throws IOException {
        Report report = causalRunInOneFile("#2");
        assertTrue(report.problems().isEmpty(), report.problems().toString());
        assertTrue(report.passed(), report.table());
        GroupTrace group = report.groups().get(0);
        assertEquals(List.of("n1~a", "n1~b", "n2"), group.nodes(), group.toString());
        assertEquals(java.util.Set.of("n1~a"), group.crashedNodes(), group.toString());
    }

    /** Negative control: an emitter that marks nothing leaves lseq going back to 1 for one actor. */
    @Test
    void unmarkedIncarnationsInOneFileBreakLocalOrder() throws IOException {
        Report report = causalRunInOneFile("");
        assertTrue(report.problems().stream().anyMatch(p -> p.kind() == TraceProblem.Kind.LSEQ_ORDER), report.problems().toString());
    }

    /** A total-order group refuses the restarted member: agreement binds the members that stayed. */
    private Report totalRun(boolean refusalTraced) throws IOException {
        File n2 = new File("n2.jsonl", "n2", "total");
        n2.view("n2~x", "n1~a", "n2~x").multicast("n2~x:1").line("/user/multicast-chat", "total", "deliver", "n2~x:1", Map.of("gseq", 1))
            .view("n2~x", "n1~a", "n1~b", "n2~x");
        if (refusalTraced) n2.refuseJoiner("n1~b");
        n2.line("/user/multicast-chat", "total", "deliver", "n1~b:1", Map.of("gseq", 2)).view("n2~x", "n1~b", "n2~x").write(true);
        File n1a = new File("n1.jsonl", "n1", "total");
        n1a.view("n1~a", "n1~a", "n2~x").line("/user/multicast-chat", "total", "deliver", "n2~x:1", Map.of("gseq", 1)).write(false);
        File n1b = new File("incarnation-2/n1.jsonl", "n1", "total");
        n1b.view("n1~b", "n1~a", "n1~b", "n2~x").multicast("n1~b:1").view("n1~b", "n1~b", "n2~x").write(true);
        return Inspection.of(TraceReader.read(dir));
    }

    @Test
    void aRefusedLateJoinerIsNotHeldToAgreement() throws IOException {
        Report report = totalRun(true);
        assertTrue(report.passed(), report.table());
        assertEquals(java.util.Set.of("n1~b"), report.groups().get(0).refusedNodes());
    }

    /** Negative control: without the refusal in the trace, the newcomer that delivered nothing breaks agreement. */
    @Test
    void aNewcomerThatDeliversNothingWithoutBeingRefusedBreaksAgreement() throws IOException {
        Report report = totalRun(false);
        assertEquals(Verdict.Outcome.VIOLATED, report.verdict("chat", "agreement").outcome(), report.table());
    }
}
