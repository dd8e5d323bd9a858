package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.sidis.clock.VectorClock;
import org.sidis.check.TraceProblem.Kind;

/**
 * Reads trace files (JSON lines, DESIGN.md "Trace events: the contract") from a run directory,
 * recursively ({@code **}/{@code *.jsonl}), or from one file.
 *
 * <p>It never throws on bad input: a run worth inspecting is often one where a node was killed
 * mid-line. Each bad line becomes a {@link TraceProblem} naming file and line, and the line is left
 * out; every other line is still read, so the checkers judge whatever evidence survived.
 */
public final class TraceReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fields DESIGN.md fixes; everything else on a line is shown as the event's extra fields. */
    private static final Set<String> CONTRACT_FIELDS =
            Set.of("ts", "node", "actor", "proto", "group", "event", "msg", "lseq", "vc", "gseq");

    private final Path root;
    private final List<TraceEvent> events = new ArrayList<>();
    private final List<TraceProblem> problems = new ArrayList<>();
    /** Per file, node and actor: the last lseq seen and its line, to check local order. */
    private final Map<String, long[]> lastLseq = new HashMap<>();
    private long linesRead;

    private TraceReader(Path root) {
        this.root = root;
    }

    /**
     * Files of a run directory that are JSON lines but not traces (named .ndjson, so that readers
     * of {@code *.jsonl}, such as the trace linter, never take them for traces; skipped here too).
     */
    public static final java.util.Set<String> NOT_TRACES = java.util.Set.of("faults.ndjson", "resolver.ndjson");

    public static Trace read(Path runDirOrFile) {
        TraceReader reader = new TraceReader(runDirOrFile);
        List<Path> files = reader.traceFiles();
        for (Path file : files) {
            reader.readFile(file);
        }
        if (reader.linesRead == 0 && reader.problems.stream().noneMatch(p -> p.kind() == Kind.MISSING)) {
            reader.problems.add(new TraceProblem(runDirOrFile, 0, Kind.NO_TRACE_LINES,
                    files.isEmpty() ? "no *.jsonl trace files here" : "no trace lines in " + files.size() + " trace file(s)"));
        }
        return new Trace(runDirOrFile, reader.events, reader.problems, files.size(), reader.linesRead);
    }

    private List<Path> traceFiles() {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        if (!Files.isDirectory(root)) {
            problems.add(new TraceProblem(root, 0, Kind.MISSING, "no such file or directory"));
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            // A run directory also holds JSON lines that are not traces: the nemesis's faults and the
            // Split Brain Resolver's decisions (demo launcher); they have a form of their own.
            List<Path> files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl")
                            && !NOT_TRACES.contains(p.getFileName().toString()))
                    .sorted()
                    .toList();
            checkEveryLaunchedNodeLeftATrace(files);
            return files;
        } catch (IOException | UncheckedIOException e) {
            problems.add(new TraceProblem(root, 0, Kind.MISSING, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    /**
     * A demo's run directory says which nodes it launched ({@code logs/<node>.cmd}, written by the
     * launcher before the node starts): a node among them without a {@code <node>.jsonl} anywhere
     * below lost its whole trace, which no line-by-line check could notice.
     */
    private void checkEveryLaunchedNodeLeftATrace(List<Path> traceFiles) throws IOException {
        Path logs = root.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        Set<String> traced = new HashSet<>();
        traceFiles.forEach(f -> traced.add(f.getFileName().toString()));
        try (Stream<Path> launched = Files.list(logs)) {
            for (Path cmd : launched.filter(p -> p.getFileName().toString().endsWith(".cmd")).sorted().toList()) {
                String node = cmd.getFileName().toString().replaceFirst("\\.cmd$", "");
                if (!traced.contains(node + ".jsonl")) {
                    problems.add(new TraceProblem(Path.of("trace", node + ".jsonl"), 0, Kind.MISSING_TRACE_FILE,
                            "no trace file, though " + root.relativize(cmd) + " shows node " + node + " was launched"));
                }
            }
        }
    }

    /** What a problem calls the file: short, relative to the run directory. */
    private Path shown(Path file) {
        return file.equals(root) ? file.getFileName() : root.relativize(file);
    }

    private void readFile(Path file) {
        Path shown = shown(file);
        boolean endsWithNewline;
        try {
            endsWithNewline = endsWithNewline(file);
        } catch (IOException e) {
            problems.add(new TraceProblem(shown, 0, Kind.MISSING, "cannot read: " + e.getMessage()));
            return;
        }
        // InputStreamReader replaces undecodable bytes instead of failing, so one bad byte costs one line.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            int lastSkippedLine = 0;
            boolean anyLine = false;
            String next = in.readLine();
            while (next != null) {
                String text = next;
                next = in.readLine();
                lineNo++;
                if (text.isBlank()) {
                    continue;
                }
                anyLine = true;
                linesRead++;
                boolean last = next == null;
                if (!readLine(shown, lineNo, text, last && !endsWithNewline, lastSkippedLine)) {
                    lastSkippedLine = lineNo;
                }
            }
            if (!anyLine) {
                problems.add(new TraceProblem(shown, 0, Kind.EMPTY_FILE, "empty trace file"));
            }
        } catch (IOException e) {
            problems.add(new TraceProblem(shown, 0, Kind.MISSING, "cannot read: " + e.getMessage()));
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            if (channel.size() == 0) {
                return true;
            }
            ByteBuffer lastByte = ByteBuffer.allocate(1);
            channel.position(channel.size() - 1).read(lastByte);
            return lastByte.get(0) == '\n';
        }
    }

    /** Reads one non-blank line; false when the line was left out. */
    private boolean readLine(Path file, int lineNo, String text, boolean unterminatedLast, int lastSkippedLine) {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // An unparsable last line without its newline is what a killed writer leaves behind.
            problems.add(unterminatedLast
                    ? new TraceProblem(file, lineNo, Kind.TRUNCATED_LINE, "truncated last line: " + preview(text))
                    : new TraceProblem(file, lineNo, Kind.NOT_JSON, "not JSON: " + preview(text)));
            return false;
        }
        if (json == null || !json.isObject()) {
            problems.add(new TraceProblem(file, lineNo, Kind.NOT_JSON, "not a JSON object: " + preview(text)));
            return false;
        }
        FieldCheck fields = new FieldCheck(json);
        long ts = fields.integer("ts");
        String node = fields.text("node");
        String actor = fields.text("actor");
        String proto = fields.text("proto");
        String event = fields.text("event");
        long lseq = fields.integer("lseq");
        if (fields.ok() && lseq < 1) {
            fields.bad(Kind.BAD_FIELD, "'lseq' should start at 1, is " + lseq);
        }
        boolean multicastFamily = Events.Group.MULTICAST.equals(event) || Events.Group.RECEIVE.equals(event) || Events.Group.DELIVER.equals(event);
        // Messages are keyed by (group, msg): a multicast event without either cannot be placed.
        String group = multicastFamily ? fields.text("group") : fields.optionalText("group");
        MessageId msg = multicastFamily ? fields.messageId() : fields.optionalMessageId();
        Long gseq = fields.optionalPositive("gseq");
        if (!fields.ok()) {
            problems.add(new TraceProblem(file, lineNo, fields.firstKind, String.join("; ", fields.complaints)));
            return false;
        }
        checkLocalOrder(file, lineNo, node, actor, lseq, lastSkippedLine);
        // Gossip, event-log, topic and rpc lines keep their attributes: their checkers read them
        // (key, version, op, digest; partition, offset; to, subscription; idempotent, outcome).
        // Multicast view and refuse-joiner lines keep theirs too: the member's incarnation
        // ("self") and the refused member ("member") tell a restarted node's members apart.
        // Stream lines keep theirs for flow, pts_us and the sink's mode.
        JsonNode attributes = switch (proto == null ? "" : proto) {
          case "gossip", "log", "topic", "rpc", "migration", "stream", Events.Proto.TIERS -> json;
          default -> Events.Group.VIEW.equals(event) || "refuse-joiner".equals(event) ? json : null;
        };
        events.add(new TraceEvent(ts, node, actor, proto, group, event, msg, lseq, gseq, displayClock(json),
                extraFields((ObjectNode) json), fields.members(), file, lineNo, attributes));
        return true;
    }

    /**
     * lseq must count up by one per actor in file order. A gap right after a line that was left out
     * is most likely that line's event, already reported, so only unexplained gaps and backward
     * steps are reported here. Counted per file: a node that restarts writes a new file from 1.
     */
    private void checkLocalOrder(Path file, int lineNo, String node, String actor, long lseq, int lastSkippedLine) {
        String key = file + " " + node + " " + actor;
        long[] last = lastLseq.get(key);
        long expected = last == null ? 1 : last[0] + 1;
        long lastLine = last == null ? 0 : last[1];
        boolean gapAfterLostLine = lseq > expected && lastSkippedLine > lastLine;
        if (lseq != expected && !gapAfterLostLine) {
            problems.add(new TraceProblem(file, lineNo, Kind.LSEQ_ORDER, "lseq " + lseq + " of " + node + " " + actor
                    + (last == null ? " is its first" : " follows lseq " + last[0])
                    + " (must start at 1 and count up by one in file order)"));
        }
        if (last == null || lseq > last[0]) {
            lastLseq.put(key, new long[] {lseq, lineNo});
        }
    }

    /** The protocol's clock, for display; a malformed one is left out rather than costing the event. */
    private static VectorClock displayClock(JsonNode json) {
        JsonNode vc = json.get("vc");
        if (vc == null || !vc.isObject()) {
            return null;
        }
        try {
            return JSON.treeToValue(vc, VectorClock.class);
        } catch (JsonProcessingException | IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The fields the contract does not fix, as compact JSON: what the report shows beside an event. */
    private static String extraFields(ObjectNode json) {
        ObjectNode extra = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!CONTRACT_FIELDS.contains(field.getKey())) {
                if (extra == null) {
                    extra = JSON.createObjectNode();
                }
                extra.set(field.getKey(), field.getValue());
            }
        }
        return extra == null ? null : extra.toString();
    }

    private static String preview(String text) {
        String oneLine = text.strip();
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }

    /** Collects every complaint about one line, so a problem names all that is wrong with it at once. */
    private static final class FieldCheck {
        private final JsonNode json;
        private final List<String> complaints = new ArrayList<>();
        private Kind firstKind;

        FieldCheck(JsonNode json) {
            this.json = json;
        }

        boolean ok() {
            return complaints.isEmpty();
        }

        void bad(Kind kind, String complaint) {
            if (firstKind == null) {
                firstKind = kind;
            }
            complaints.add(complaint);
        }

        String text(String field) {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) {
                bad(Kind.MISSING_FIELD, "missing '" + field + "'");
                return null;
            }
            return textValue(field, value);
        }

        /** The {@code members} of a view event, when it lists them as strings; null otherwise. */
        List<String> members() {
            JsonNode value = json.get("members");
            if (value == null || !value.isArray()) return null;
            List<String> out = new ArrayList<>();
            for (JsonNode m : value) if (m.isTextual()) out.add(m.asText());
            return out;
        }

        String optionalText(String field) {
            JsonNode value = json.get(field);
            return value == null || value.isNull() ? null : textValue(field, value);
        }

        private String textValue(String field, JsonNode value) {
            if (!value.isTextual() || value.asText().isEmpty()) {
                bad(Kind.BAD_FIELD, "'" + field + "' should be a non-empty string, is " + value);
                return null;
            }
            return value.asText();
        }

        long integer(String field) {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) {
                bad(Kind.MISSING_FIELD, "missing '" + field + "'");
                return 0;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                bad(Kind.BAD_FIELD, "'" + field + "' should be an integer, is " + value);
                return 0;
            }
            return value.asLong();
        }

        Long optionalPositive(String field) {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
                bad(Kind.BAD_FIELD, "'" + field + "' should be a positive integer, is " + value);
                return null;
            }
            return value.asLong();
        }

        MessageId messageId() {
            JsonNode value = json.get("msg");
            if (value == null || value.isNull()) {
                bad(Kind.MISSING_FIELD, "missing 'msg'");
                return null;
            }
            return messageIdValue(value);
        }

        MessageId optionalMessageId() {
            JsonNode value = json.get("msg");
            return value == null || value.isNull() ? null : messageIdValue(value);
        }

        private MessageId messageIdValue(JsonNode value) {
            MessageId id = value.isTextual() ? MessageId.parse(value.asText()).orElse(null) : null;
            if (id == null) {
                bad(Kind.BAD_FIELD, "'msg' should look like '<origin node>:<counter>', is " + value);
            }
            return id;
        }
    }
}
