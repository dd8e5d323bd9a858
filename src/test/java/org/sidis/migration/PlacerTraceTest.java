package org.sidis.migration;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.migration.Placer.Decided;
import org.sidis.node.TestKits;
import org.sidis.trace.Events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The placer traces what it decided and on what (trace contract, {@code proto} {@code migration}):
 * {@code place-decide} with the actor as {@code group}, {@code from}, {@code to}, the policy, every
 * host's load or the actor's callers, and the move's end — {@code place-done} with the source's
 * move id, or {@code place-abort} with the reason — read back from the node's trace file.
 */
class PlacerTraceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) kit.shutdownTestKit();
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    Path file = dir.resolve("n1.jsonl");
    if (!Files.exists(file)) return out;
    for (String l : Files.readAllLines(file)) {
      JsonNode e = JSON.readTree(l);
      if (Events.Proto.MIGRATION.equals(e.path("proto").asText())) out.add(e);
    }
    return out;
  }

  /** A placer on n1 for actor a, reached through {@code locator}'s probe, and a probe of what it decides. */
  private ActorRef<Placer.Command> placer(PlacementPolicy policy, TestProbe<Locator.Command> locator, TestProbe<Decided> decided) {
    ActorRef<Placer.Command> p = kit.spawn(Placer.create(List.of(policy), Map.of("a", locator.getRef()), MoveMode.PRE_COPY,
        Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(5)), "placer");
    p.tell(new Placer.Subscribe(decided.getRef()));
    return p;
  }

  @Test
  void aLoadDecisionIsTracedWithEveryHostsLoadAndItsMoveWithTheSourcesMoveId() throws Exception {
    kit = TestKits.localN1("placer-trace", dir);
    TestProbe<Locator.Command> locator = kit.createTestProbe();
    TestProbe<Decided> decided = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(new PlacementPolicy.LoadBalancing(2), locator, decided);
    p.tell(new Placer.NodeLoad("n1", 10));
    p.tell(new Placer.NodeLoad("n2", 6));
    p.tell(new Placer.NodeLoad("n3", 2));
    p.tell(new Placer.ActorAt("a", "n1", 4));
    Locator.Move m = locator.expectMessageClass(Locator.Move.class);
    assertEquals("n3", m.targetNode());
    decided.receiveMessage();
    m.replyTo().tell(new MoveOutcome(7, true, "n1", "n3", "pre-copy", 5, 50, 1, 10, 0, null));
    assertTrue(decided.receiveMessage().outcome().moved());

    List<JsonNode> lines = lines();
    assertEquals(2, lines.size(), "a decision and its end: " + lines);
    JsonNode decide = lines.get(0);
    assertEquals(Events.Migration.PLACE_DECIDE, decide.path("event").asText(), decide.toString());
    assertEquals("a", decide.path("group").asText());
    assertEquals("n1", decide.path(Events.Migration.FROM).asText());
    assertEquals("n3", decide.path(Events.Migration.TO).asText());
    assertEquals("load", decide.path(Events.Migration.POLICY).asText());
    assertEquals(10.0, decide.path(Events.Migration.LOADS).path("n1").asDouble(), decide.toString());
    assertEquals(6.0, decide.path(Events.Migration.LOADS).path("n2").asDouble(), decide.toString());
    assertEquals(2.0, decide.path(Events.Migration.LOADS).path("n3").asDouble(), decide.toString());
    assertEquals(4.0, decide.path(Events.Migration.ACTOR_LOAD).asDouble(), decide.toString());
    assertFalse(decide.path(Events.Migration.REASON).asText().isEmpty(), decide.toString());
    assertEquals(1, decide.path("lseq").asLong());
    JsonNode done = lines.get(1);
    assertEquals(Events.Migration.PLACE_DONE, done.path("event").asText(), done.toString());
    assertEquals("a", done.path("group").asText());
    assertEquals("n1", done.path(Events.Migration.FROM).asText());
    assertEquals("n3", done.path(Events.Migration.TO).asText());
    assertEquals(7, done.path(Events.Migration.MOVE).asLong());
    assertEquals(2, done.path("lseq").asLong());
    assertEquals(decide.path("actor").asText(), done.path("actor").asText());
  }

  @Test
  void aLocalityDecisionIsTracedWithTheActorsCallersAndAFailedMoveAsAnAbort() throws Exception {
    kit = TestKits.localN1("placer-trace", dir);
    TestProbe<Locator.Command> locator = kit.createTestProbe();
    TestProbe<Decided> decided = kit.createTestProbe();
    ActorRef<Placer.Command> p = placer(new PlacementPolicy.Locality(0.6, 10), locator, decided);
    p.tell(new Placer.Host("n2"));
    p.tell(new Placer.ActorAt("a", "n1", 30));
    p.tell(new Placer.Calls("a", Map.of("n2", 25L, "n1", 5L)));
    Locator.Move m = locator.expectMessageClass(Locator.Move.class);
    decided.receiveMessage();
    m.replyTo().tell(new MoveOutcome(1, false, "n1", "n2", "pre-copy", -1, -1, 0, 0, 0, "target terminated"));
    assertFalse(decided.receiveMessage().outcome().moved());

    List<JsonNode> lines = lines();
    assertEquals(2, lines.size(), lines.toString());
    JsonNode decide = lines.get(0);
    assertEquals(Events.Migration.PLACE_DECIDE, decide.path("event").asText(), decide.toString());
    assertEquals("locality", decide.path(Events.Migration.POLICY).asText());
    assertEquals("n2", decide.path(Events.Migration.TO).asText());
    assertEquals(25, decide.path(Events.Migration.CALLS).path("n2").asLong(), decide.toString());
    assertEquals(5, decide.path(Events.Migration.CALLS).path("n1").asLong(), decide.toString());
    JsonNode abort = lines.get(1);
    assertEquals(Events.Migration.PLACE_ABORT, abort.path("event").asText(), abort.toString());
    assertEquals("target terminated", abort.path(Events.Migration.REASON).asText());
    assertEquals("n2", abort.path(Events.Migration.TO).asText());
  }
}
