package org.sidis.check;

import org.sidis.wire.MessageId;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.sidis.clock.VectorClock;

/**
 * A run's report as one self-contained HTML page ({@code report.html}): the verdicts with every
 * offence, a space-time diagram of the protocol events, the run summary and the trace problems. It
 * needs nothing but a browser: style, script and data are inlined, nothing is fetched, so the page
 * works offline and can be mailed or archived with the run.
 *
 * <p>The text (verdicts, summary, problems) is plain HTML written here, so it reads even where
 * scripts are off. The diagram is drawn by {@code report.js} from a JSON block: one lifeline per
 * process of {@link HappensBefore}, events placed by Lamport time (or wall clock), an arrow from each
 * send to each receive and deliver, the clock of {@link HappensBefore} on hover. Events are written
 * column by column and each column as differences along its process, because a 10,000-message run
 * has some 60,000 events and the page must stay a few megabytes.
 */
public final class ReportPage {

    /**
     * Up to how many events the page carries each protocol's own {@code vc}: beyond that they would
     * double the page, and the clock of {@link HappensBefore} is shown for every event anyway.
     */
    static final int PROTOCOL_CLOCKS_UP_TO = 20_000;
    /** How many offences of one verdict the text lists; the diagram highlights all that were kept. */
    private static final int OFFENCES_LISTED = 100;
    /** How many trace problems the text lists. */
    private static final int PROBLEMS_LISTED = 500;
    private static final String RESOURCES = "/org/sidis/check/report/";

    private final Report report;
    private final RunSummary summary;
    private final HappensBefore hb;
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    /** Messages by "group id", in the order the page numbers them. */
    private final Map<String, Integer> messageIndex = new LinkedHashMap<>();
    private final List<PageMessage> messages = new ArrayList<>();

    /** A message as the page lists it: its group (an index into the strings) and the event that sent it. */
    private static final class PageMessage {
        final int group;
        final String id;
        int send = -1;

        PageMessage(int group, String id) {
            this.group = group;
            this.id = id;
        }
    }

    private ReportPage(Report report, RunSummary summary, HappensBefore hb) {
        this.report = report;
        this.summary = summary;
        this.hb = hb;
    }

    /** The events a diagram draws: every protocol event; a node's start and stop only bound its lifeline. */
    public static List<TraceEvent> drawnEvents(Trace trace) {
        return trace.events().stream().filter(e -> !e.isNodeLifecycle()).toList();
    }

    /** Writes the page of an inspection, computing its summary and its happens-before relation. */
    public static void write(Report report, Path file) throws IOException {
        write(report, RunSummary.of(report), HappensBefore.of(drawnEvents(report.trace())), file);
    }

    public static void write(Report report, RunSummary summary, HappensBefore hb, Path file) throws IOException {
        Files.writeString(file, render(report, summary, hb), StandardCharsets.UTF_8);
    }

    /** The page as text. */
    public static String render(Report report, RunSummary summary, HappensBefore hb) {
        return new ReportPage(report, summary, hb).page();
    }

    private String page() {
        String template = resource("page.html");
        Map<String, String> parts = new HashMap<>();
        parts.put("TITLE", escape("sidis report — " + report.source()));
        parts.put("STYLE", resource("report.css"));
        parts.put("HEADER", header());
        parts.put("VERDICTS", verdicts());
        parts.put("SUMMARY", summaryHtml());
        parts.put("PROBLEMS", problems());
        parts.put("DATA", data());
        parts.put("SCRIPT", resource("report.js"));
        StringBuilder out = new StringBuilder(template.length() + parts.values().stream().mapToInt(String::length).sum());
        int at = 0;
        // Placeholders are {{NAME}}; filled in one pass, so nothing inserted is ever read as a placeholder.
        while (true) {
            int open = template.indexOf("{{", at);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            String name = template.substring(open + 2, close);
            String part = parts.get(name);
            if (part == null) {
                throw new IllegalStateException("page.html has an unknown placeholder {{" + name + "}}");
            }
            out.append(template, at, open).append(part);
            at = close + 2;
        }
        return out.append(template, at, template.length()).toString();
    }

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the text parts ----

    private String header() {
        Trace trace = report.trace();
        String result = report.result().name();
        return "<h1>sidis report <span class=\"source\">" + escape(report.source().toString()) + "</span></h1>\n"
                + "<p class=\"result " + result.toLowerCase(Locale.ROOT) + "\" id=\"result\" data-result=\"" + result + "\">"
                + escape(switch (report.result()) {
                    case PASSED -> "PASSED: every promised property held";
                    case FAILED -> "FAILED: a promised property was violated";
                    case NOTHING_TO_READ -> "NOTHING TO READ: no trace lines under " + report.source();
                }) + "</p>\n"
                + "<p class=\"facts\">" + trace.linesRead() + " trace lines in " + trace.filesRead() + " files · "
                + hb.processes().size() + " processes · " + hb.events().size() + " protocol events · crashed nodes: "
                + escape(report.crashedNodes().isEmpty() ? "none" : String.join(", ", report.crashedNodes()))
                + (report.problems().isEmpty() ? "" : " · <a href=\"#problems\">" + report.problems().size()
                        + " trace problems</a>: the diagram shows what could be read")
                + "</p>\n";
    }

    private String verdicts() {
        StringBuilder out = new StringBuilder();
        if (report.groups().isEmpty()) {
            out.append("<p>No multicast group in the trace: nothing to check.</p>\n");
        }
        int highlight = 0;
        for (GroupTrace group : report.groups()) {
            out.append("<h3>").append(escape(group.toString())).append("</h3>\n<table class=\"verdicts\">\n");
            List<Verdict> ofGroup = report.verdicts().stream().filter(v -> v.group().equals(group.name())).toList();
            for (Verdict v : ofGroup) {
                String css = v.outcome() == Verdict.Outcome.VIOLATED ? (v.promised() ? "violated" : "unpromised") : "held";
                out.append("<tr class=\"").append(css).append("\"><td>").append(escape(v.property())).append("</td><td>")
                        .append(v.outcome()).append(v.promised() ? "" : " (not promised)").append("</td><td>")
                        .append(escape(v.headline())).append("</td></tr>\n");
            }
            out.append("</table>\n");
            for (Verdict v : ofGroup) {
                if (!v.offences().isEmpty()) {
                    out.append("<details class=\"offences\"").append(v.failsInspection() ? " open" : "").append("><summary>")
                            .append(escape(v.property())).append(" in ").append(escape(group.name())).append(": ")
                            .append(v.violations()).append(" violations").append(v.promised() ? "" : " (not promised)")
                            .append(" — click one to see it on the diagram</summary>\n<ol>\n");
                    for (int k = 0; k < v.offences().size(); k++) {
                        if (k < OFFENCES_LISTED) {
                            out.append("<li class=\"offence\" data-h=\"").append(highlight + k).append("\">")
                                    .append(escape(v.offences().get(k).what())).append("</li>\n");
                        }
                    }
                    out.append("</ol>\n");
                    if (v.violations() > OFFENCES_LISTED) {
                        out.append("<p class=\"more\">… ").append(v.violations() - Math.min(OFFENCES_LISTED, v.offences().size()))
                                .append(" more; the diagram highlights the first ").append(v.offences().size()).append("</p>\n");
                    }
                    out.append("</details>\n");
                    highlight += v.offences().size();
                }
                List<String> notes = v.details().stream().filter(d -> !d.startsWith("  ")).toList();
                if (v.offences().isEmpty() && !notes.isEmpty()) {
                    out.append("<details class=\"notes\"><summary>").append(escape(v.property())).append(" notes</summary><ul>\n");
                    notes.forEach(n -> out.append("<li>").append(escape(n)).append("</li>\n"));
                    out.append("</ul></details>\n");
                }
            }
        }
        return out.toString();
    }

    private String summaryHtml() {
        StringBuilder out = new StringBuilder();
        if (summary.eventsByNode().isEmpty()) {
            return "<p>No protocol events.</p>\n";
        }
        countTable(out, "node", summary.eventsByNode());
        countTable(out, "protocol", summary.eventsByProto());
        if (!summary.groups().isEmpty()) {
            out.append("<table class=\"figures\"><tr><th>group</th><th>multicast → deliver at other members (wall clock)</th>"
                    + "<th>data messages sent</th><th>per delivered message</th></tr>\n");
            for (RunSummary.GroupFigures g : summary.groups()) {
                Histogram h = g.latencyMicros();
                String latency = h.getTotalCount() == 0 ? "no deliveries of traced multicasts"
                        : String.format(Locale.ROOT, "p50 %.1f ms · p90 %.1f ms · p99 %.1f ms · max %.1f ms (%d deliveries)",
                                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
                out.append("<tr><td>").append(escape(g.group() + " (" + g.proto() + ")")).append("</td><td>").append(latency)
                        .append("</td><td>").append(g.sent()).append(" (").append(g.copiesToPeers()).append(" copies to peers + ")
                        .append(g.retransmissions()).append(" retransmissions) for ").append(g.remoteDeliveries())
                        .append(" deliveries at other members</td><td>")
                        .append(g.remoteDeliveries() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", g.sentPerDelivered()))
                        .append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        return out.toString();
    }

    private static void countTable(StringBuilder out, String rowName, Map<String, Map<String, Long>> rows) {
        List<String> kinds = rows.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
        out.append("<table class=\"counts\"><tr><th>").append(rowName).append("</th>");
        kinds.forEach(k -> out.append("<th>").append(escape(k)).append("</th>"));
        out.append("<th>all</th></tr>\n");
        rows.forEach((row, counts) -> {
            out.append("<tr><td>").append(escape(row)).append("</td>");
            kinds.forEach(k -> out.append("<td>").append(counts.getOrDefault(k, 0L)).append("</td>"));
            out.append("<td>").append(counts.values().stream().mapToLong(Long::longValue).sum()).append("</td></tr>\n");
        });
        out.append("</table>\n");
    }

    private String problems() {
        StringBuilder out = new StringBuilder();
        List<TraceProblem> problems = report.problems();
        if (problems.isEmpty() && hb.notes().isEmpty()) {
            return "<p>None: every trace line was read.</p>\n";
        }
        out.append("<ul class=\"problems\">\n");
        problems.stream().limit(PROBLEMS_LISTED).forEach(p -> out.append("<li><code>")
                .append(escape(p.line() > 0 ? p.file() + ":" + p.line() : p.file().toString())).append("</code> ")
                .append(escape(p.what())).append("</li>\n"));
        if (problems.size() > PROBLEMS_LISTED) {
            out.append("<li>… and ").append(problems.size() - PROBLEMS_LISTED).append(" more (all of them in --json)</li>\n");
        }
        hb.notes().forEach(n -> out.append("<li>").append(escape(n)).append("</li>\n"));
        return out.append("</ul>\n").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    // ---- the diagram's data ----

    private int string(String s) {
        return s == null ? -1 : strings.computeIfAbsent(s, k -> strings.size());
    }

    private int message(String group, MessageId id) {
        if (group == null || id == null) {
            return -1;
        }
        return messageIndex.computeIfAbsent(group + " " + id, k -> {
            messages.add(new PageMessage(string(group), id.toString()));
            return messages.size() - 1;
        });
    }

    /** The JSON block; every {@code <} escaped, so no string in it can end the script element. */
    private String data() {
        StringWriter text = new StringWriter(Math.max(1024, hb.events().size() * 40));
        try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("source", report.source().toString());
            json.writeStringField("result", report.result().name());
            json.writeArrayFieldStart("receiptKinds");
            for (String kind : HappensBefore.RECEIPTS) {
                json.writeString(kind);
            }
            json.writeEndArray();
            writeProcesses(json);
            writeEvents(json);
            writeMessages(json);
            writeHighlights(json);
            json.writeArrayFieldStart("strings");
            for (String s : strings.keySet()) {
                json.writeString(s);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString().replace("<", "\\u003c");
    }

    private void writeProcesses(JsonGenerator json) throws IOException {
        json.writeArrayFieldStart("processes");
        for (HappensBefore.Process p : hb.processes()) {
            json.writeStartObject();
            json.writeStringField("name", p.name());
            json.writeStringField("node", p.node());
            json.writeStringField("actor", p.actor());
            json.writeNumberField("first", p.first());
            json.writeNumberField("count", p.count());
            json.writeBooleanField("crashed", report.crashedNodes().contains(p.node()));
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /**
     * One array per column, events in the order of {@link HappensBefore#events()}. Lamport time, ts,
     * lseq and line are differences from the previous event of the same process (the first of each
     * process: from 0, or for ts from the run's first ts), which are mostly 1-digit numbers. The clock
     * column holds, per event, how many entries differ from "the previous clock with my own entry
     * raised by one", then that many (process index, value) pairs: a receipt lists what it learned.
     */
    private void writeEvents(JsonGenerator json) throws IOException {
        List<TraceEvent> events = hb.events();
        Map<String, Integer> processIndex = new HashMap<>();
        for (int p = 0; p < hb.processes().size(); p++) {
            processIndex.put(hb.processes().get(p).name(), p);
        }
        long t0 = events.stream().mapToLong(TraceEvent::ts).min().orElse(0);
        boolean protocolClocks = events.size() <= PROTOCOL_CLOCKS_UP_TO;
        json.writeNumberField("t0", t0);
        json.writeBooleanField("protocolClocks", protocolClocks);
        int n = events.size();
        int[] kind = new int[n], group = new int[n], proto = new int[n], msg = new int[n], file = new int[n], extra = new int[n];
        int[] vc = new int[n];
        long[] lamport = new long[n], ts = new long[n], lseq = new long[n], line = new long[n];
        List<Integer> clocks = new ArrayList<>(n * 2);
        for (HappensBefore.Process p : hb.processes()) {
            VectorClock previous = VectorClock.EMPTY;
            TraceEvent before = null;
            for (int i = p.first(); i < p.first() + p.count(); i++) {
                TraceEvent e = events.get(i);
                kind[i] = string(e.event());
                group[i] = string(e.group());
                proto[i] = string(e.proto());
                msg[i] = message(e.group(), e.msg());
                file[i] = string(e.file().toString());
                extra[i] = string(e.extra());
                vc[i] = protocolClocks && e.vc() != null ? string(e.vc().toString()) : -1;
                lamport[i] = hb.lamport(i) - (before == null ? 0 : hb.lamport(i - 1));
                ts[i] = e.ts() - (before == null ? t0 : before.ts());
                lseq[i] = e.lseq() - (before == null ? 0 : before.lseq());
                line[i] = e.line() - (before == null ? 0 : before.line());
                VectorClock clock = hb.clock(i);
                VectorClock expected = previous.increment(p.name());
                int countAt = clocks.size();
                clocks.add(0);
                for (int k = 0; k < clock.size(); k++) {
                    if (clock.count(k) != expected.get(clock.node(k))) {
                        clocks.add(processIndex.get(clock.node(k)));
                        clocks.add((int) clock.count(k));
                        clocks.set(countAt, clocks.get(countAt) + 1);
                    }
                }
                int send = hb.sendOf(i);
                if (msg[i] >= 0 && (send >= 0 || HappensBefore.isSend(e))) {
                    // Its receipts know the send HappensBefore matched; a send before any receipt is that send.
                    PageMessage m = messages.get(msg[i]);
                    if (m.send < 0) {
                        m.send = send >= 0 ? send : i;
                    }
                }
                previous = clock;
                before = e;
            }
        }
        json.writeObjectFieldStart("events");
        column(json, "kind", kind);
        column(json, "group", group);
        column(json, "proto", proto);
        column(json, "msg", msg);
        column(json, "file", file);
        column(json, "extra", extra);
        column(json, "vc", vc);
        column(json, "lamport", lamport);
        column(json, "ts", ts);
        column(json, "lseq", lseq);
        column(json, "line", line);
        json.writeArrayFieldStart("clock");
        for (int c : clocks) {
            json.writeNumber(c);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void column(JsonGenerator json, String name, int[] values) throws IOException {
        json.writeArrayFieldStart(name);
        for (int v : values) {
            json.writeNumber(v);
        }
        json.writeEndArray();
    }

    private static void column(JsonGenerator json, String name, long[] values) throws IOException {
        json.writeArrayFieldStart(name);
        for (long v : values) {
            json.writeNumber(v);
        }
        json.writeEndArray();
    }

    /** Per message: its group, its id and the event that sent it (-1 when no send was traced). */
    private void writeMessages(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("messages");
        json.writeArrayFieldStart("group");
        for (PageMessage m : messages) {
            json.writeNumber(m.group);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("id");
        for (PageMessage m : messages) {
            json.writeString(m.id);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("send");
        for (PageMessage m : messages) {
            json.writeNumber(m.send);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /**
     * Every kept offence of every violated verdict, in the order the text lists them (so an item's
     * {@code data-h} is its index here), resolved to what the diagram marks: the deliveries of the
     * message at the offending node, the message itself, and the messages it involves.
     */
    private void writeHighlights(JsonGenerator json) throws IOException {
        Map<String, List<Integer>> deliveries = new HashMap<>();
        for (int i = 0; i < hb.events().size(); i++) {
            TraceEvent e = hb.events().get(i);
            if (e.isDeliver() && e.msg() != null) {
                deliveries.computeIfAbsent(e.node() + " " + e.group() + " " + e.msg(), k -> new ArrayList<>()).add(i);
            }
        }
        json.writeArrayFieldStart("highlights");
        for (GroupTrace group : report.groups()) {
            for (Verdict v : report.verdicts()) {
                if (!v.group().equals(group.name())) {
                    continue;
                }
                for (Verdict.Offence o : v.offences()) {
                    json.writeStartObject();
                    json.writeStringField("property", v.property());
                    json.writeStringField("group", v.group());
                    json.writeBooleanField("promised", v.promised());
                    json.writeStringField("node", o.node());
                    json.writeNumberField("msg", messageIndex.getOrDefault(v.group() + " " + o.msg(), -1));
                    json.writeArrayFieldStart("events");
                    for (int i : deliveries.getOrDefault(o.node() + " " + v.group() + " " + o.msg(), List.of())) {
                        json.writeNumber(i);
                    }
                    json.writeEndArray();
                    json.writeArrayFieldStart("involved");
                    for (MessageId id : o.involved()) {
                        json.writeNumber(messageIndex.getOrDefault(v.group() + " " + id, -1));
                    }
                    json.writeEndArray();
                    json.writeStringField("what", o.what());
                    json.writeEndObject();
                }
            }
        }
        json.writeEndArray();
    }

    /** For tests and tools: the JSON the page embeds, parsed. */
    static JsonNode dataOf(String page) throws IOException {
        int start = page.indexOf("<script id=\"sidis-data\" type=\"application/json\">");
        int end = page.indexOf("</script>", start);
        String json = page.substring(page.indexOf('>', start) + 1, end);
        return new ObjectMapper().readTree(json);
    }
}
