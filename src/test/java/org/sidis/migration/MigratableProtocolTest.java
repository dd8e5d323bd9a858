package org.sidis.migration;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sidis.migration.MigrationProtocol.*;
import org.sidis.node.TestKits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The move protocol's rules, one source actor driven through probes: holding, ordering, switching, aborting. */
class MigratableProtocolTest {

  private ActorTestKit kit;
  private MigrationSettings settings;

  @BeforeEach
  void start() {
    Map<String, Object> s = new HashMap<>();
    s.put("sidis.node.name", "n1");
    s.put("sidis.migration.state-size", "1KiB");
    s.put("sidis.migration.page-size", "256B");
    s.put("sidis.migration.chunk-size", "512B");
    s.put("sidis.migration.write-rate", "0");
    s.put("sidis.migration.ack-timeout", "500ms");
    s.put("sidis.migration.retry-after", "500ms");
    kit = TestKits.local("migration", s);
    settings = MigrationSettings.fromConfig(kit.system().settings().config().getConfig("sidis.migration"));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<Command> home() {
    return kit.spawn(Migratable.create("n1", settings, 1), "home");
  }

  private TestProbe<Reply> client() {
    return kit.createTestProbe(Reply.class);
  }

  private static long value(TestProbe<Reply> p) {
    Reply r = p.receiveMessage();
    assertInstanceOf(Applied.class, r, "expected an applied value, got " + r);
    return ((Applied) r).value();
  }

  @Test
  void appliesEachRequestOnceAndAnswersARepeatWithTheFirstValue() {
    ActorRef<Command> a = home();
    TestProbe<Reply> c = client();
    a.tell(new Increment("c1:1", c.getRef()));
    a.tell(new Increment("c2:1", c.getRef()));
    a.tell(new Increment("c1:1", c.getRef()));
    assertEquals(List.of(1L, 2L, 1L), List.of(value(c), value(c), value(c)));
    a.tell(new Increment("bad", c.getRef()));
    assertInstanceOf(Refused.class, c.receiveMessage(), "a malformed id is refused clearly");
  }

  /** Drives a stop-and-copy move to its switch point: Prepare answered, every chunk acked, Switch received. */
  private Switch driveToSwitch(ActorRef<Command> source, TestProbe<Command> target, Runnable whileStopped) {
    Prepare p = target.expectMessageClass(Prepare.class);
    assertEquals(4, p.pageCount());
    source.tell(new Prepared(p.move(), target.getRef()));
    whileStopped.run();
    int pages = 0;
    while (true) {
      Command m = target.receiveMessage();
      if (m instanceof Pages chunk) {
        assertTrue(chunk.data().length <= settings.chunkBytes(), "a chunk never exceeds chunk-size");
        pages += chunk.pages().length;
        source.tell(new PagesAck(chunk.move(), chunk.chunk()));
      } else if (m instanceof Switch sw) {
        assertEquals(4, pages, "stop-and-copy sends every page once");
        return sw;
      } else {
        fail("unexpected " + m);
      }
    }
  }

  @Test
  void holdsRequestsWhileSwitchingAndHandsThemToTheTargetInArrivalOrder() {
    ActorRef<Command> source = home();
    TestProbe<Reply> c1 = client();
    TestProbe<Reply> c2 = client();
    source.tell(new Increment("c1:1", c1.getRef()));
    assertEquals(1, value(c1));
    TestProbe<Command> target = kit.createTestProbe(Command.class);
    TestProbe<MoveOutcome> mover = kit.createTestProbe(MoveOutcome.class);
    source.tell(new MoveTo(target.getRef(), "n2", MoveMode.STOP_AND_COPY, mover.getRef()));
    Switch sw = driveToSwitch(source, target, () -> {
      source.tell(new Increment("c2:1", c2.getRef()));
      source.tell(new Increment("c1:2", c1.getRef()));
      source.tell(new Increment("c3:1", c2.getRef()));
    });
    c1.expectNoMessage(Duration.ofMillis(100));
    c2.expectNoMessage(Duration.ofMillis(1));
    assertEquals(1, sw.value(), "the counter travels with the switch");
    assertEquals(new Counter.Last(1, 1), sw.last().get("c1"), "so does the per-client memory");
    source.tell(new Switched(sw.move()));
    List<String> handed = new ArrayList<>();
    for (int i = 0; i < 3; i++) handed.add(target.expectMessageClass(Increment.class).msg());
    assertEquals(List.of("c2:1", "c1:2", "c3:1"), handed, "held requests reach the target in arrival order");
    MoveOutcome out = mover.receiveMessage();
    assertTrue(out.moved(), out.toString());
    assertEquals(3, out.held());
    assertTrue(out.downtimeMs() >= 0 && out.totalMs() >= out.downtimeMs(), out.toString());
    source.tell(new Increment("c2:2", c2.getRef()));
    assertEquals("c2:2", target.expectMessageClass(Increment.class).msg(), "the source is a forwarding pointer now");
  }

  @Test
  void aSilentTargetAbortsTheMoveAndTheSourceAppliesTheHeldRequestsInOrder() {
    ActorRef<Command> source = home();
    TestProbe<Reply> c = client();
    TestProbe<Command> target = kit.createTestProbe(Command.class);
    TestProbe<MoveOutcome> mover = kit.createTestProbe(MoveOutcome.class);
    source.tell(new MoveTo(target.getRef(), "n2", MoveMode.STOP_AND_COPY, mover.getRef()));
    Prepare p = target.expectMessageClass(Prepare.class);
    source.tell(new Prepared(p.move(), target.getRef()));
    source.tell(new Increment("a:1", c.getRef()));
    source.tell(new Increment("b:1", c.getRef()));
    // the target takes the chunks but never acknowledges: after ack-timeout the move aborts
    MoveOutcome out = mover.receiveMessage(Duration.ofSeconds(5));
    assertFalse(out.moved(), out.toString());
    assertTrue(out.reason().contains("silent"), out.reason());
    assertEquals(List.of(1L, 2L), List.of(value(c), value(c)), "held requests applied at the source, in order");
    target.fishForMessage(Duration.ofSeconds(3), m -> m instanceof Abort
        ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete() : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    source.tell(new Increment("a:2", c.getRef()));
    assertEquals(3, value(c), "it serves on at the source");
  }

  @Test
  void aTargetThatDiesMidTransferAbortsTheMove() {
    ActorRef<Command> source = home();
    TestProbe<Reply> c = client();
    TestProbe<Command> target = kit.createTestProbe(Command.class);
    TestProbe<MoveOutcome> mover = kit.createTestProbe(MoveOutcome.class);
    source.tell(new MoveTo(target.getRef(), "n2", MoveMode.STOP_AND_COPY, mover.getRef()));
    Switch sw = driveToSwitch(source, target, () -> source.tell(new Increment("a:1", c.getRef())));
    assertNotNull(sw);
    target.stop(); // dies before confirming the switch: only its death may abort now
    MoveOutcome out = mover.receiveMessage(Duration.ofSeconds(5));
    assertFalse(out.moved(), out.toString());
    assertTrue(out.reason().contains("terminated"), out.reason());
    assertEquals(1, value(c));
  }

  @Test
  void aTargetThatServesAlreadyDeclinesAndTheSourceServesOn() {
    ActorRef<Command> source = home();
    ActorRef<Command> other = kit.spawn(Migratable.create("n1", settings, 2), "other-home");
    TestProbe<MoveOutcome> mover = kit.createTestProbe(MoveOutcome.class);
    source.tell(new MoveTo(other, "n9", MoveMode.PRE_COPY, mover.getRef()));
    MoveOutcome out = mover.receiveMessage();
    assertFalse(out.moved());
    assertTrue(out.reason().contains("declined"), out.reason());
  }

  @Test
  void preCopyMovesARealActorWhoseCounterContinuesAtTheTarget() {
    MigrationSettings writing = settings.withState(64 * 256, 256 * 1000);
    ActorRef<Command> source = kit.spawn(Migratable.create("n1", writing, 1), "src");
    ActorRef<Command> target = kit.spawn(Migratable.create("n2", writing, 1), "dst");
    TestProbe<Reply> c = client();
    source.tell(new Increment("c:1", c.getRef()));
    assertEquals(1, value(c));
    TestProbe<MoveOutcome> mover = kit.createTestProbe(MoveOutcome.class);
    source.tell(new MoveTo(target, "n2", MoveMode.PRE_COPY, mover.getRef()));
    MoveOutcome out = mover.receiveMessage(Duration.ofSeconds(10));
    assertTrue(out.moved(), out.toString());
    assertTrue(out.rounds() >= 1 && out.pagesSent() >= 64, out.toString());
    source.tell(new Increment("c:2", c.getRef()));
    Applied a = (Applied) c.receiveMessage();
    assertEquals(2, a.value());
    assertEquals("n2", a.node(), "applied where the actor runs now");
    source.tell(new MoveTo(source, "n1", MoveMode.PRE_COPY, mover.getRef()));
    assertTrue(mover.receiveMessage(Duration.ofSeconds(10)).moved(), "the pointer forwards the move order and it moves back");
    target.tell(new Increment("c:3", c.getRef()));
    Applied back = (Applied) c.receiveMessage();
    assertEquals(List.of(3L, "n1"), List.of(back.value(), back.node()));
  }

  @Test
  void aClientCallsByNameAndNeverSeesAMove() {
    ActorRef<Command> n1 = kit.spawn(Migratable.create("n1", settings, 1), "m1");
    kit.spawn(Migratable.create("n2", settings, 1), "m2");
    MigrationClient client = new MigrationClient(kit.system(), "n3", settings);
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < 5; i++) values.add(client.call(Duration.ofSeconds(10)));
    assertTrue(client.move("n2", MoveMode.STOP_AND_COPY, Duration.ofSeconds(10)).moved());
    for (int i = 0; i < 5; i++) values.add(client.call(Duration.ofSeconds(10)));
    assertTrue(client.move("n1", MoveMode.PRE_COPY, Duration.ofSeconds(10)).moved());
    for (int i = 0; i < 5; i++) values.add(client.call(Duration.ofSeconds(10)));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L), values);
    assertNotNull(n1);
  }

  @Test
  void aMoveToAHostNotYetListedWaitsForItsRegistration() throws Exception {
    kit.spawn(Migratable.create("n1", settings, 1), "m1");
    MigrationClient client = new MigrationClient(kit.system(), "n3", settings);
    assertEquals(1L, client.call(Duration.ofSeconds(10)));
    var pending = client.moveAsync("n2", MoveMode.PRE_COPY, Duration.ofSeconds(10));
    Thread.sleep(300); // the target's registration reaches the client's Receptionist after the order
    kit.spawn(Migratable.create("n2", settings, 1), "m2");
    MoveOutcome out = pending.toCompletableFuture().get();
    assertTrue(out.moved(), out.toString());
  }
}
