package org.sidis.check;

import org.sidis.cli.InspectCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Opens the report that {@code sidis inspect} writes in a real browser (headless Chromium) and checks
 * what the page drew against the trace it was made from. Skipped, with the reason, where Chromium is
 * not installed. Screenshots are kept under {@code target/report-browser/} for a person to look at.
 */
class ReportPageBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "report-browser");
    private static HeadlessChromium chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = HeadlessChromium.find().orElse(null);
    }

    /** Per test rather than per class, so each test is reported as skipped, with the reason. */
    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed (apt-get install chromium, or set SIDIS_CHROMIUM): the report page is not tested in a browser");
    }

    /** Runs {@code sidis inspect} on the run, as a user would; returns the page it wrote. */
    private static Path inspect(Path runDir, int expectedExit) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new InspectCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute(runDir.toString());
        assertEquals(expectedExit, exit, out.toString());
        return runDir.resolve("report.html");
    }

    /** The attributes the page wrote on {@code <div id="diagram">} once it had drawn. */
    private static Map<String, String> diagramAttributes(String dom) {
        Matcher div = Pattern.compile("<div id=\"diagram\"([^>]*)>").matcher(dom);
        assertTrue(div.find(), "no diagram in the page");
        Map<String, String> attributes = new HashMap<>();
        Matcher attribute = Pattern.compile("([\\w-]+)=\"([^\"]*)\"").matcher(div.group(1));
        while (attribute.find()) {
            attributes.put(attribute.group(1), attribute.group(2));
        }
        assertTrue(attributes.containsKey("data-ready-ms"), "the page's script did not finish its first frame: " + div.group());
        return attributes;
    }

    /** Processes and arrows counted from the trace itself, the way a person would draw them. */
    private static int[] lifelinesAndArrowsIn(Path runDir) {
        List<TraceEvent> events = TraceReader.read(runDir).events().stream().filter(e -> !e.isNodeLifecycle()).toList();
        Set<String> processes = new HashSet<>();
        Map<String, String> senderOf = new HashMap<>();
        for (TraceEvent e : events) {
            processes.add(e.node() + " " + e.actor());
            if (e.isMulticast()) {
                senderOf.putIfAbsent(e.group() + " " + e.msg(), e.node() + " " + e.actor());
            }
        }
        int arrows = 0;
        for (TraceEvent e : events) {
            String sender = (e.isReceive() || e.isDeliver()) ? senderOf.get(e.group() + " " + e.msg()) : null;
            if (sender != null && !sender.equals(e.node() + " " + e.actor())) {
                arrows++;
            }
        }
        return new int[] {processes.size(), arrows};
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void drawsALifelinePerProcessAnArrowPerReceiptAndHighlightsTheSeededViolationDespiteABrokenLine() throws Exception {
        TraceFiles run = new TraceFiles(dir.resolve("run"), "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1").receives("n2:1").delivers("n2:1");
        run.node("n1").inGroup("news", "fifo").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").delivers("n1:1").multicasts("n2:1").delivers("n2:1").rawLine("{ broken");
        run.node("n2").inGroup("news", "fifo").receives("n1:1").delivers("n1:1");
        // The seeded violation: n3 delivers n2's reply before n1's message it answers.
        run.node("n3").receives("n2:1").delivers("n2:1").receives("n1:1").delivers("n1:1");
        Path runDir = run.write();
        Path page = inspect(runDir, InspectCommand.VIOLATED);

        String dom = chromium.dumpDom(page, "");

        Map<String, String> drawn = diagramAttributes(dom);
        int[] expected = lifelinesAndArrowsIn(runDir);
        assertEquals(5, expected[0], "n1 and n2 have a chat and a news actor each, n3 a chat actor");
        assertEquals(String.valueOf(expected[0]), drawn.get("data-lifelines"), drawn.toString());
        assertEquals(expected[0], count(dom, "class=\"lifeline\"") + count(dom, "class=\"lifeline crashed\""),
                "one label per lifeline");
        assertEquals(String.valueOf(expected[1]), drawn.get("data-arrows"), drawn.toString());
        assertEquals("n2:1", drawn.get("data-highlighted-messages"), "the offending message: " + drawn);
        assertEquals("1", drawn.get("data-highlighted-events"), "n3's delivery of n2:1: " + drawn);
        assertTrue(Integer.parseInt(drawn.get("data-drawn-highlights")) >= 1,
                "the page opens on the violation, so it is in the first frame: " + drawn);
        assertTrue(dom.contains("trace/n2.jsonl:6"), "the broken line is named by file and line");
        for (String filter : List.of(">chat</option>", ">news</option>", ">causal</option>", ">fifo</option>")) {
            assertTrue(dom.contains(filter), "the filters offer every group and protocol of the trace: " + filter);
        }
        Files.createDirectories(SCREENSHOTS);
        Path png = SCREENSHOTS.resolve("seeded-violation.png");
        chromium.screenshot(page, png, 1400, 1500);
        assertTrue(Files.size(png) > 10_000, "a screenshot of the page: " + png.toAbsolutePath());
    }

    @Test
    void drawsOnlyAWindowOfAThreeNodeTenThousandMessageRunAndSaysHowLongItTook() throws Exception {
        Path runDir = new SimulatedMulticast(3, 10_000, SimulatedMulticast.Ordering.CAUSAL, 42).writeTo(dir.resolve("big"));
        Path page = inspect(runDir, InspectCommand.PASSED);

        Map<String, String> drawn = diagramAttributes(chromium.dumpDom(page, "bench"));

        int[] expected = lifelinesAndArrowsIn(runDir);
        assertEquals(String.valueOf(expected[1]), drawn.get("data-arrows"));
        int events = Integer.parseInt(drawn.get("data-events"));
        assertTrue(Integer.parseInt(drawn.get("data-drawn-events")) < events / 10,
                "a frame draws a window, not the run: " + drawn);
        assertEquals("101", drawn.get("data-bench-frames"), drawn.toString());
        System.out.printf("report of %d events, %d bytes: first frame after %s ms; scrolling frames p50 %s ms, p95 %s ms,"
                        + " max %s ms; whole run in view %s ms%n", events, Files.size(page), drawn.get("data-ready-ms"),
                drawn.get("data-bench-p50-ms"), drawn.get("data-bench-p95-ms"), drawn.get("data-bench-max-ms"),
                drawn.get("data-bench-fit-ms"));
        Files.createDirectories(SCREENSHOTS);
        chromium.screenshot(page, SCREENSHOTS.resolve("ten-thousand-messages.png"), 1400, 1500);
    }
}
