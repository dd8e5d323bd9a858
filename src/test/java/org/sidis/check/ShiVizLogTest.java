package org.sidis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the exported file back the way ShiViz does (its upload takes the first line as the parser,
 * wrapped in ^…$ and applied line-wise, and the second as the delimiter) and checks the rules ShiViz
 * enforces before it draws anything.
 */
class ShiVizLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One parsed event: its host, its clock and its line in the file. */
    private record Parsed(String host, Map<String, Long> clock, String event, int line) {
    }

    private static List<Parsed> parseLikeShiViz(Path file) throws IOException {
        String text = Files.readString(file);
        String[] firstTwo = text.split("\n", 3);
        assertEquals(3, firstTwo.length, "regex, delimiter, log");
        assertEquals("", firstTwo[1].trim(), "one execution: the delimiter line is empty");
        Pattern parser = Pattern.compile("^" + firstTwo[0] + "$", Pattern.MULTILINE);
        for (String group : List.of("host", "clock", "event")) {
            assertTrue(firstTwo[0].contains("(?<" + group + ">"), "the regex names the group " + group);
        }
        String log = firstTwo[2];
        List<Parsed> parsed = new ArrayList<>();
        Matcher m = parser.matcher(log);
        int lineOfPreviousMatch = 3;
        int lastEnd = 0;
        while (m.find()) {
            lineOfPreviousMatch += (int) log.substring(lastEnd, m.start()).chars().filter(c -> c == '\n').count();
            lastEnd = m.start();
            JsonNode clock = JSON.readTree(m.group("clock"));
            Map<String, Long> entries = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = clock.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                assertTrue(entry.getValue().isIntegralNumber(), "clock values are integers: " + m.group());
                entries.put(entry.getKey(), entry.getValue().asLong());
            }
            parsed.add(new Parsed(m.group("host"), entries, m.group("event"), lineOfPreviousMatch));
        }
        long logLines = log.lines().filter(l -> !l.isBlank()).count();
        assertEquals(logLines, parsed.size(), "every line of the log is one event the regex matches");
        return parsed;
    }

    /** ShiViz's rules: own counters 1, 2, 3… per host, own entry present, no entry beyond what its host logged. */
    private static void assertShiVizAccepts(List<Parsed> events) {
        Map<String, List<Long>> ownTimes = new HashMap<>();
        for (Parsed e : events) {
            Long own = e.clock().get(e.host());
            assertTrue(own != null, "line " + e.line() + ": host " + e.host() + " missing from its own clock " + e.clock());
            ownTimes.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(own);
        }
        ownTimes.forEach((host, times) -> {
            List<Long> sorted = times.stream().sorted().toList();
            List<Long> expected = IntStream.rangeClosed(1, times.size()).mapToObj(i -> (long) i).toList();
            assertEquals(expected, sorted, "host " + host + "'s own counter must rise by exactly 1 per event");
        });
        for (Parsed e : events) {
            e.clock().forEach((host, count) -> {
                assertTrue(ownTimes.containsKey(host), "line " + e.line() + ": clock names host " + host + " that logged nothing");
                assertTrue(count >= 1 && count <= ownTimes.get(host).size(), "line " + e.line() + ": " + host + "=" + count
                        + " but " + host + " logged " + ownTimes.get(host).size() + " events");
            });
        }
    }

    private static HappensBefore protocolEvents(Path runDir) {
        return HappensBefore.of(TraceReader.read(runDir).events().stream().filter(e -> !e.isNodeLifecycle()).toList());
    }

    @Test
    void writesALogShiVizAcceptsForALongRunWithReordering() throws IOException {
        Path runDir = new SimulatedMulticast(3, 300, SimulatedMulticast.Ordering.FIFO, 5).writeTo(dir.resolve("run"));
        HappensBefore hb = protocolEvents(runDir);
        Path file = dir.resolve("shiviz.log");

        ShiVizLog.write(hb, file);

        List<Parsed> events = parseLikeShiViz(file);
        assertEquals(hb.events().size(), events.size());
        assertShiVizAccepts(events);
        assertEquals(List.of("n1", "n2", "n3"), events.stream().map(Parsed::host).distinct().sorted().toList());
    }

    @Test
    void namesEachActorAsItsOwnHostWhenANodeHasSeveralAndKeepsTheRulesWithBrokenLines() throws IOException {
        TraceFiles run = new TraceFiles(dir.resolve("run"), "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n1").inGroup("news", "fifo").multicasts("n1:1").delivers("n1:1");
        run.node("n2").receives("n1:1").rawLine("{ not json").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        run.node("n3").inGroup("news", "fifo").delivers("n1:1").cutOffLine("{\"ts\":3,");
        HappensBefore hb = protocolEvents(run.write());
        Path file = dir.resolve("shiviz.log");

        ShiVizLog.write(hb, file);

        List<Parsed> events = parseLikeShiViz(file);
        assertShiVizAccepts(events);
        Parsed n3Delivers = events.stream().filter(e -> e.host().equals("n3")).findFirst().orElseThrow();
        assertEquals(Map.of("n1/user/sidis/fifo-news", 1L, "n3", 1L), n3Delivers.clock(),
                "news n1:1 comes from n1's news actor, not its chat actor");
        assertEquals("deliver n1:1", n3Delivers.event());
    }

    @Test
    void putsTheLinesOtherFieldsAndItsPlaceInTheTraceBesideTheEvent() throws IOException {
        TraceFiles run = new TraceFiles(dir.resolve("run"), "causal", "chat");
        run.node("n1").multicasts("n1:1");
        Path file = dir.resolve("shiviz.log");

        ShiVizLog.write(protocolEvents(run.write()), file);

        assertEquals("n1 {\"n1\":1} trace/n1.jsonl:2 causal chat n1:1 multicast n1:1 {\"payload\":\"hello from n1:1\"}",
                Files.readAllLines(file).get(2));
    }
}
