package org.sidis.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The placement checker on hand-written traces of a placer on n4 and the actor's hosts n1, n2, n3:
 * a decision carried out by its rule holds; a move that went elsewhere, a decision that broke its
 * policy's rule and a decision never carried out fail, naming the actor and the nodes (negative
 * controls); a run without a placer gets no placement verdict.
 */
class PlacementsTest {

    @TempDir
    Path run;

    private final Map<String, StringBuilder> files = new HashMap<>();
    private final Map<String, Integer> lseq = new HashMap<>();

    private PlacementsTest line(String node, String actor, String event, String msg, String fields) {
        int n = lseq.merge(node + actor, 1, Integer::sum);
        files.computeIfAbsent(node, k -> new StringBuilder()).append(String.format(
                "{\"ts\":%d,\"node\":\"%s\",\"actor\":\"%s\",\"proto\":\"migration\",\"group\":\"counter\",\"event\":\"%s\",%s"
                        + "\"lseq\":%d%s}%n", 1000 + n, node, actor, event, msg == null ? "" : "\"msg\":\"" + msg + "\",", n,
                fields.isEmpty() ? "" : "," + fields));
        return this;
    }

    /** Client on {@code client} calls msg, the actor applies it at host as v, and the client gets v back. */
    private PlacementsTest served(String client, String msg, String host, long v) {
        return line(client, "/c", "call", msg, "").line(host, "/m", "apply", msg, "\"value\":" + v)
                .line(client, "/c", "reply", msg, "\"value\":" + v + ",\"at\":\"" + host + "\"");
    }

    private PlacementsTest decideByLoad(String from, String to, String loads) {
        return line("n4", "/p", "place-decide", null, "\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"policy\":\"load\",\"loads\":" + loads
                + ",\"actor_load\":120.0,\"calls\":{},\"reason\":\"test\"");
    }

    private PlacementsTest decideByLocality(String from, String to, String calls) {
        return line("n4", "/p", "place-decide", null, "\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"policy\":\"locality\",\"loads\":{}"
                + ",\"actor_load\":120.0,\"calls\":" + calls + ",\"reason\":\"test\"");
    }

    private PlacementsTest placeDone(String from, String to, int move) {
        return line("n4", "/p", "place-done", null, "\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"move\":" + move);
    }

    private PlacementsTest moved(String from, String to, int move) {
        return line(from, "/m", "move-start", null, "\"peer\":\"" + to + "\",\"move\":" + move + ",\"role\":\"source\"")
                .line(to, "/m", "move-start", null, "\"peer\":\"" + from + "\",\"move\":" + move + ",\"role\":\"target\"")
                .line(to, "/m", "move-done", null, "\"peer\":\"" + from + "\",\"move\":" + move + ",\"role\":\"target\"")
                .line(from, "/m", "move-done", null, "\"peer\":\"" + to + "\",\"move\":" + move + ",\"role\":\"source\"");
    }

    private Report inspect() throws IOException {
        for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
            StringBuilder text = new StringBuilder(f.getValue());
            text.append(String.format("{\"ts\":9999,\"node\":\"%s\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\",\"lseq\":1}%n", f.getKey()));
            Files.writeString(run.resolve(f.getKey() + ".jsonl"), text);
        }
        return Inspection.of(run);
    }

    private static final String LOADS = "{\"n1\":520.0,\"n2\":0.0,\"n3\":200.0}";

    @Test
    void holdsWhenTheActorMovedFromTheMostToTheLeastLoadedHostAsDecided() throws IOException {
        served("n3", "n3:1", "n1", 1).decideByLoad("n1", "n2", LOADS).moved("n1", "n2", 1).placeDone("n1", "n2", 1).served("n3", "n3:2", "n2", 2);
        Report report = inspect();
        assertTrue(report.passed(), report.table());
        assertEquals(Verdict.Outcome.HELD, report.verdict("counter", Placements.FOLLOWED).outcome(), report.table());
        assertEquals(Verdict.Outcome.HELD, report.verdict("counter", Placements.RULE).outcome(), report.table());
        assertTrue(report.table().contains("moved where decided 1"), report.table());
    }

    @Test
    void failsNamingTheActorAndNodesWhenTheMoveWentElsewhereThanDecided() throws IOException {
        // the placer decided n2, but the source's move 1 went to n3 (and the placer says so)
        served("n3", "n3:1", "n1", 1).decideByLoad("n1", "n2", LOADS).moved("n1", "n3", 1).placeDone("n1", "n3", 1).served("n3", "n3:2", "n3", 2);
        Report report = inspect();
        assertFalse(report.passed(), report.table());
        Verdict v = report.verdict("counter", Placements.FOLLOWED);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        String said = String.join("\n", v.details());
        assertTrue(said.contains("move counter from n1 to n2") && said.contains("to n3"), said);
    }

    @Test
    void failsWhenThePlacerSaysDoneButTheSourcesMoveWentElsewhere() throws IOException {
        served("n3", "n3:1", "n1", 1).decideByLoad("n1", "n2", LOADS).moved("n1", "n3", 1).placeDone("n1", "n2", 1);
        Report report = inspect();
        Verdict v = report.verdict("counter", Placements.FOLLOWED);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        assertTrue(String.join("\n", v.details()).contains("n1's move 1 went to n3, not to n2"), report.table());
    }

    @Test
    void failsWhenALoadDecisionDidNotPickTheLeastLoadedHost() throws IOException {
        served("n3", "n3:1", "n1", 1).decideByLoad("n1", "n3", LOADS).moved("n1", "n3", 1).placeDone("n1", "n3", 1);
        Report report = inspect();
        assertEquals(Verdict.Outcome.HELD, report.verdict("counter", Placements.FOLLOWED).outcome(), report.table());
        Verdict v = report.verdict("counter", Placements.RULE);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        assertTrue(String.join("\n", v.details()).contains("n3 was not the least loaded host"), report.table());
    }

    @Test
    void localityHoldsForTheNodeThatCallsMostAndFailsForAnother() throws IOException {
        served("n3", "n3:1", "n1", 1).decideByLocality("n1", "n3", "{\"n3\":40,\"n2\":2}").moved("n1", "n3", 1).placeDone("n1", "n3", 1);
        Report good = inspect();
        assertEquals(Verdict.Outcome.HELD, good.verdict("counter", Placements.RULE).outcome(), good.table());

        files.clear();
        lseq.clear();
        served("n3", "n3:1", "n1", 1).decideByLocality("n1", "n2", "{\"n3\":40,\"n2\":2}").moved("n1", "n2", 1).placeDone("n1", "n2", 1);
        Report bad = inspect();
        Verdict v = bad.verdict("counter", Placements.RULE);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), bad.table());
        assertTrue(String.join("\n", v.details()).contains("n2 did not make most of its calls"), bad.table());
    }

    @Test
    void failsWhenADecisionWasNeverCarriedOut() throws IOException {
        served("n3", "n3:1", "n1", 1).decideByLoad("n1", "n2", LOADS)
                .line("n4", "/p", "place-abort", null, "\"from\":\"n1\",\"to\":\"n2\",\"reason\":\"target terminated\"");
        Report report = inspect();
        Verdict v = report.verdict("counter", Placements.FOLLOWED);
        assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), report.table());
        assertTrue(String.join("\n", v.details()).contains("was not carried out: target terminated"), report.table());
    }

    @Test
    void aRunWithoutAPlacerHasNoPlacementVerdict() throws IOException {
        served("n3", "n3:1", "n1", 1).moved("n1", "n2", 1).served("n3", "n3:2", "n2", 2);
        Report report = inspect();
        assertTrue(report.passed(), report.table());
        assertTrue(report.verdicts().stream().noneMatch(v -> v.property().startsWith("placement")), report.table());
    }
}
