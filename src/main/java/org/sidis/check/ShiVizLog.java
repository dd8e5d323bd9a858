package org.sidis.check;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.sidis.clock.VectorClock;

/**
 * A run's events as a log that ShiViz (DistributedClocks/shiviz) draws when the file is uploaded: the
 * first line is the regular expression that parses one event, the second the delimiter between
 * executions (empty: the file is one execution), then one line per event:
 *
 * <pre>
 *   n2 {"n1":3,"n2":5} trace/n2.jsonl:41 causal chat n1:3 deliver n1:3
 *   host clock         where             proto  group msg event (what happened, and the line's other fields)
 * </pre>
 *
 * <p>ShiViz rebuilds the diagram from the clocks alone, so they must be a consistent vector clock
 * history: each host's own entry counts its events 1, 2, 3, … and no entry for another host exceeds
 * the events that host logged. The clocks of {@link HappensBefore} are exactly that when they are
 * computed over the events written here, one host per process.
 */
public final class ShiVizLog {

    /** Named groups {@code host}, {@code clock} and {@code event} are what ShiViz needs; the others become fields. */
    public static final String REGEX =
            "(?<host>\\S+) (?<clock>\\{[^}]*\\}) (?<where>\\S+) (?<proto>\\S+) (?<group>\\S+) (?<msg>\\S+) (?<event>.*)";
    /** One execution per file: no delimiter. */
    public static final String DELIMITER = "";

    private ShiVizLog() {
    }

    /** Writes the log of these events (their clocks computed over exactly them) to {@code file}. */
    public static void write(HappensBefore hb, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(hb, out);
        }
    }

    public static void write(HappensBefore hb, Writer out) throws IOException {
        out.write(REGEX);
        out.write('\n');
        out.write(DELIMITER);
        out.write('\n');
        List<String> hosts = new ArrayList<>();
        for (HappensBefore.Process p : hb.processes()) {
            hosts.add(token(p.name()));
        }
        // In Lamport order, so a person reading the file sees causes before effects.
        int[] order = IntStream.range(0, hb.events().size()).boxed()
                .sorted(Comparator.<Integer>comparingInt(hb::lamport).thenComparingInt(hb::process).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        StringBuilder line = new StringBuilder(200);
        for (int i : order) {
            TraceEvent e = hb.events().get(i);
            line.setLength(0);
            line.append(hosts.get(hb.process(i))).append(' ');
            clock(line, hb.clock(i));
            line.append(' ').append(token(e.where()))
                    .append(' ').append(token(e.proto()))
                    .append(' ').append(token(e.group()))
                    .append(' ').append(e.msg() == null ? "-" : token(e.msg().toString()))
                    .append(' ').append(oneLine(e.event()));
            if (e.msg() != null) {
                line.append(' ').append(e.msg());
            }
            if (e.extra() != null) {
                line.append(' ').append(oneLine(e.extra()));
            }
            out.write(line.append('\n').toString());
        }
    }

    /** The clock as a JSON object whose keys are the hosts as written, so ShiViz finds every host it names. */
    private static void clock(StringBuilder line, VectorClock clock) {
        line.append('{');
        for (int k = 0; k < clock.size(); k++) {
            if (k > 0) {
                line.append(", ");
            }
            line.append('"').append(token(clock.node(k))).append("\":").append(clock.count(k));
        }
        line.append('}');
    }

    /** One field of the line: no spaces (they separate fields) and nothing that would end the clock or its keys. */
    static String token(String text) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isWhitespace(c) || c == '"' || c == '{' || c == '}' || c == '\\' || c < 0x20 ? '_' : c);
        }
        return out.toString();
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
