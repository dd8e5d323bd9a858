package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as text: what it embeds and what it refers to. What a browser makes of it is ReportPageBrowserTest's. */
class ReportPageTest {

    @TempDir
    Path dir;

    private static String pageOf(Path runDir) {
        Report report = Inspection.of(runDir);
        return ReportPage.render(report, RunSummary.of(report), HappensBefore.of(ReportPage.drawnEvents(report.trace())));
    }

    /** The run of InspectCommandTest: n3 delivers n2's reply before n1's message it answers. */
    private Path causalRunWithAReplyOvertakingItsCause(Path runDir) {
        TraceFiles run = new TraceFiles(runDir, "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1").receives("n2:1").delivers("n2:1");
        run.node("n2").receives("n1:1").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").receives("n2:1").delivers("n2:1").receives("n1:1").delivers("n1:1");
        return run.write();
    }

    @Test
    void needsNothingButItself() {
        String page = pageOf(causalRunWithAReplyOvertakingItsCause(dir));

        Matcher outside = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?(https?:|//)|<link\\b|@import|url\\(").matcher(page);
        List<String> found = new ArrayList<>();
        while (outside.find()) {
            found.add(page.substring(Math.max(0, outside.start() - 40), Math.min(page.length(), outside.end() + 40)));
        }
        assertEquals(List.of(), found, "nothing may be fetched: the page must work offline");
        assertFalse(page.contains("<script src"), "the script is inlined");
        assertTrue(page.contains("<canvas id=\"canvas\">"));
        assertTrue(page.contains("(function () {"), "report.js is inlined");
        assertFalse(page.contains("{{"), "every placeholder is filled");
    }

    @Test
    void carriesEveryProtocolEventAndResolvesTheOffenceToTheOffendingDelivery() throws IOException {
        String page = pageOf(causalRunWithAReplyOvertakingItsCause(dir));

        JsonNode data = ReportPage.dataOf(page);
        assertEquals(3, data.get("processes").size());
        assertEquals(3 * 4, data.get("events").get("kind").size(), "the nodes' start and stop lines are not events");
        JsonNode messages = data.get("messages");
        List<String> ids = new ArrayList<>();
        messages.get("id").forEach(id -> ids.add(id.asText()));
        JsonNode highlight = data.get("highlights").get(0);
        assertEquals("causal order", highlight.get("property").asText());
        assertEquals("n2:1", ids.get(highlight.get("msg").asInt()));
        assertEquals(List.of("n1:1"), List.of(ids.get(highlight.get("involved").get(0).asInt())));
        assertEquals(1, highlight.get("events").size(), "n3's one delivery of n2:1");
        int offending = highlight.get("events").get(0).asInt();
        JsonNode processes = data.get("processes");
        assertEquals("n3", processes.get(2).get("name").asText());
        int n3First = processes.get(2).get("first").asInt();
        assertEquals(n3First + 1, offending, "n3 receives n2:1, then delivers it: the second event of n3");
        assertTrue(page.contains("<li class=\"offence\" data-h=\"0\">n3 delivered chat n2:1 before its cause n1:1"),
                "the offence is listed in the checker's words, linked to highlight 0");
    }

    @Test
    void keepsTheTracesTextFromEndingTheScriptOrAddingMarkup() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat<b>");
        run.node("n1").multicasts("n1:1").rawLine("{\"ts\":5,\"node\":\"n1\",\"actor\":\"/user/sidis/causal-chat<b>\","
                + "\"proto\":\"causal\",\"group\":\"chat<b>\",\"event\":\"deliver\",\"msg\":\"n1:1\",\"lseq\":2,"
                + "\"payload\":\"</script><script>alert(1)</script>\"}");

        String page = pageOf(run.write());

        assertFalse(page.contains("<script>alert(1)"), "a payload must not become a script");
        assertFalse(page.contains("chat<b>"), "a group name must not become markup");
        assertTrue(page.contains("group chat&lt;b&gt; (causal)"), "it is shown escaped");
        JsonNode data = ReportPage.dataOf(page);
        List<String> strings = new ArrayList<>();
        data.get("strings").forEach(s -> strings.add(s.asText()));
        assertTrue(strings.contains("{\"payload\":\"</script><script>alert(1)</script>\"}"), "the data keeps the text as it was");
    }

    @Test
    void namesEachBrokenLineEmptyOrMissingFileAndStillCarriesTheRest() throws IOException {
        TraceFiles run = new TraceFiles(dir, "causal", "chat");
        run.node("n1").multicasts("n1:1", "n1:2").delivers("n1:1", "n1:2");
        run.node("n2").delivers("n1:1").rawLine("not json at all").delivers("n1:2");
        run.node("n3").delivers("n1:1").cutOffLine("{\"ts\":1700000000000999,\"node\":\"n3\",\"ac");
        Path runDir = run.write();
        Files.writeString(runDir.resolve("trace/n4.jsonl"), "");
        Files.createDirectories(runDir.resolve("logs"));
        Files.writeString(runDir.resolve("logs/n5.cmd"), "java ... node --name n5\n");

        String page = pageOf(runDir);

        assertTrue(page.contains("<code>trace/n2.jsonl:3</code> not JSON: not json at all"), "the bad line, by file and line");
        assertTrue(page.contains("<code>trace/n3.jsonl:3</code> truncated last line"), "the cut-off line");
        assertTrue(page.contains("<code>trace/n4.jsonl</code> empty trace file"), "the empty file");
        assertTrue(page.contains("<code>trace/n5.jsonl</code> no trace file, though logs/n5.cmd shows node n5 was launched"),
                "the missing file");
        assertTrue(page.contains("4 trace problems</a>: the diagram shows what could be read"));
        assertEquals(4 + 2 + 1, ReportPage.dataOf(page).get("events").get("kind").size(), "every good line is drawn");
    }

    @Test
    void saysThereIsNothingToReadAndStillMakesAPage() throws IOException {
        Files.createDirectories(dir.resolve("trace"));

        String page = pageOf(dir);

        assertTrue(page.contains("data-result=\"NOTHING_TO_READ\""));
        assertTrue(page.contains("no *.jsonl trace files here"));
        assertEquals(0, ReportPage.dataOf(page).get("events").get("kind").size());
    }

    @Test
    void staysAFewMegabytesForAThreeNodeTenThousandMessageRun() throws IOException {
        Path runDir = new SimulatedMulticast(3, 10_000, SimulatedMulticast.Ordering.CAUSAL, 42).writeTo(dir);

        long start = System.nanoTime();
        String page = pageOf(runDir);
        long millis = (System.nanoTime() - start) / 1_000_000;

        JsonNode data = ReportPage.dataOf(page);
        int events = data.get("events").get("kind").size();
        assertTrue(events > 50_000, events + " events");
        assertFalse(data.get("protocolClocks").asBoolean(), "protocol clocks are left out of a page this large");
        assertTrue(page.length() < 6_000_000, "page of " + page.length() + " characters for " + events + " events");
        System.out.println("report page for " + events + " events: " + page.length() + " characters in " + millis + " ms");
    }
}
