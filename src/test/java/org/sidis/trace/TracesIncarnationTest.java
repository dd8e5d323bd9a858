package org.sidis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started twice under its name (issue 17): the second start's actors count lseq from 1
 * again, so they must be other actors of the trace contract, or any reader that keys local order
 * by node and actor across a run's files (the shared linter does) sees lseq going backwards.
 * Both starts here write into one file, the hardest case: read together, every (node, actor)
 * must count 1, 2, 3, … without a gap.
 */
class TracesIncarnationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** One start of node n1 tracing into {@code dir}: its start line, two chat events, its stop line. */
  private void start(Integer incarnation) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("akka.actor.provider", "local");
    settings.put("sidis.node.name", "n1");
    settings.put("sidis.trace.dir", dir.toString());
    if (incarnation != null) settings.put("sidis.trace.incarnation", incarnation);
    ActorTestKit kit = ActorTestKit.create("traces-incarnation", ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()));
    try {
      Tracer chat = Traces.get(kit.system()).tracer("/user/multicast-chat", Events.Proto.CAUSAL, "chat");
      chat.event(Events.Group.MULTICAST, "n1:1");
      chat.event(Events.Group.DELIVER, "n1:1");
    } finally {
      kit.shutdownTestKit(); // the coordinated shutdown writes the node's stop line
    }
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve("n1.jsonl"))) out.add(JSON.readTree(l));
    return out;
  }

  /** What the linter holds every line to: per (node, actor), lseq 1, 2, 3, … in file order. */
  private static List<String> lseqProblems(List<JsonNode> lines) {
    Map<String, Long> last = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode l : lines) {
      String key = l.get("node").asText() + " " + l.get("actor").asText();
      long lseq = l.get("lseq").asLong();
      long expected = last.getOrDefault(key, 0L) + 1;
      if (lseq != expected) problems.add("lseq " + lseq + " after " + (expected - 1) + " for " + key);
      last.put(key, lseq);
    }
    return problems;
  }

  @Test
  void aRestartsActorsCarryItsIncarnationAndKeepLocalOrderGaplessReadTogether() throws Exception {
    start(null);
    start(2);
    List<JsonNode> lines = lines();
    assertEquals(8, lines.size(), lines.toString());
    List<String> actors = lines.stream().map(l -> l.get("actor").asText()).toList();
    assertEquals(List.of("node", "/user/multicast-chat", "/user/multicast-chat", "node",
        "node#2", "/user/multicast-chat#2", "/user/multicast-chat#2", "node#2"), actors);
    assertEquals(List.of(), lseqProblems(lines));
    assertEquals(2, ActorNames.incarnationOf(actors.get(5)));
    assertEquals("/user/multicast-chat", ActorNames.pathOf(actors.get(5)));
  }

  /** Negative control: two starts that both say they are the first break local order, as before the mark. */
  @Test
  void twoFirstStartsInOneFileBreakLocalOrder() throws Exception {
    start(null);
    start(1);
    List<String> problems = lseqProblems(lines());
    assertFalse(problems.isEmpty());
    assertTrue(problems.get(0).startsWith("lseq 1 after 2 for n1 node"), problems.toString());
  }

  @Test
  void aBadIncarnationIsRefusedClearly() {
    var e = assertThrows(IllegalArgumentException.class, () -> ActorNames.of("/user/x", 0));
    assertTrue(e.getMessage().contains("incarnation 0"), e.getMessage());
    assertEquals(1, ActorNames.incarnationOf("/user/x"));
    assertEquals(1, ActorNames.incarnationOf("/user/x#"));
    assertEquals(1, ActorNames.incarnationOf("/user/x#two"));
    assertEquals("/user/x#two", ActorNames.pathOf("/user/x#two"));
    assertEquals(3, ActorNames.incarnationOf("/user/x#3"));
  }
}
