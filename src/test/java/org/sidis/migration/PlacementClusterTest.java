package org.sidis.migration;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sidis.migration.Placer.Decided;
import org.sidis.node.TestClusters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Placement on its own, in three ActorSystems of one cluster: n1 and n2 host moving actors whose
 * places report to a placer on n3 every 200 ms; clients call without pause. Locality moves an
 * actor next to the node that calls it; load distribution moves one of two busy actors off the
 * node that runs both. Every client's values stay 1, 2, 3, … across the moves.
 */
class PlacementClusterTest {

  private final List<ActorTestKit> kits = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> callers = new ArrayList<>();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : callers) t.join(30_000);
    TestClusters.shutdownAll(kits);
  }

  private MigrationSettings start(List<String> names) {
    Map<String, Object> s = Map.of("sidis.migration.state-size", "1MiB", "sidis.migration.write-rate", "1MiB",
        "sidis.migration.retry-after", "2s", "sidis.trace.enabled", "off");
    for (String n : List.of("n1", "n2", "n3")) kits.add(ActorTestKit.create("sidis", TestClusters.nodeConfig(n, s)));
    TestClusters.joinAndAwaitUp(kits);
    MigrationSettings base = MigrationSettings.fromConfig(kits.get(0).system().settings().config().getConfig("sidis.migration"));
    for (String name : names) {
      MigrationSettings one = named(base, name);
      kits.get(0).spawn(Migratable.create("n1", one, 1, Duration.ofMillis(200)), "migration-" + name);
      kits.get(1).spawn(Migratable.create("n2", one, 1, Duration.ofMillis(200)), "migration-" + name);
    }
    return base;
  }

  private static MigrationSettings named(MigrationSettings b, String name) {
    return new MigrationSettings(name, "n1", b.stateBytes(), b.pageSize(), b.writeBytesPerSec(), b.writeTick(), b.chunkBytes(), b.window(),
        b.stopPages(), b.maxRounds(), b.ackTimeout(), b.holdCapacity(), b.retryAfter());
  }

  /** A placer on n3 for {@code names}, reached through Locators of its own, and a probe of what it decides. */
  private TestProbe<Decided> placer(MigrationSettings base, List<String> names, PlacementPolicy policy) {
    ActorTestKit n3 = kits.get(2);
    Map<String, ActorRef<Locator.Command>> locators = new java.util.HashMap<>();
    for (String name : names) locators.put(name, new MigrationClient(n3.system(), "n3-placer", named(base, name)).locator());
    ActorRef<Placer.Command> placer = n3.spawn(Placer.create(List.of(policy), locators, MoveMode.PRE_COPY, Duration.ofMillis(200),
        Duration.ofSeconds(30), Duration.ofSeconds(30)), "placer");
    TestProbe<Decided> decided = n3.createTestProbe();
    placer.tell(new Placer.Subscribe(decided.getRef()));
    n3.system().receptionist().tell(Receptionist.register(Placer.KEY, placer));
    return decided;
  }

  /** A client on {@code kit}'s node calling {@code name} without pause, checking each value is one above the last. */
  private void caller(ActorTestKit kit, String node, MigrationSettings settings) {
    MigrationClient client = new MigrationClient(kit.system(), node, settings);
    Thread t = new Thread(() -> {
      long last = 0;
      while (running.get()) {
        try {
          long v = client.call(Duration.ofSeconds(30));
          if (v != last + 1) problems.add(settings.name() + " returned " + v + " after " + last);
          last = v;
        } catch (RuntimeException e) {
          problems.add(settings.name() + ": " + e);
          return;
        }
      }
    }, "caller-" + settings.name());
    t.start();
    callers.add(t);
  }

  @Test
  void localityMovesTheActorNextToTheNodeThatCallsIt() {
    MigrationSettings base = start(List.of("counter"));
    TestProbe<Decided> decided = placer(base, List.of("counter"), new PlacementPolicy.Locality(0.6, 20));
    caller(kits.get(1), "n2", named(base, "counter")); // n2 calls it; it runs on n1
    Decided order = decided.receiveMessage(Duration.ofSeconds(30));
    assertEquals(new Placement("counter", "n1", "n2", Placement.Reason.LOCALITY, order.placement().detail()), order.placement());
    Decided end = decided.receiveMessage(Duration.ofSeconds(30));
    assertTrue(end.outcome().moved(), end.toString());
    decided.expectNoMessage(Duration.ofSeconds(2)); // next to its caller now: it stays
    assertEquals(List.of(), problems, "nothing lost or applied twice");
  }

  @Test
  void loadDistributionMovesOneOfTwoBusyActorsOffTheNodeThatRunsBoth() {
    MigrationSettings base = start(List.of("a", "b"));
    TestProbe<Decided> decided = placer(base, List.of("a", "b"), new PlacementPolicy.LoadBalancing(20));
    caller(kits.get(2), "n3", named(base, "a"));
    caller(kits.get(2), "n3", named(base, "b"));
    Decided order = decided.receiveMessage(Duration.ofSeconds(30));
    assertEquals(Placement.Reason.LOAD, order.placement().reason(), order.toString());
    assertEquals("n1", order.placement().from(), order.toString());
    assertEquals("n2", order.placement().to(), order.toString());
    Decided end = decided.receiveMessage(Duration.ofSeconds(30));
    assertTrue(end.outcome().moved(), end.toString());
    decided.expectNoMessage(Duration.ofSeconds(2)); // one each: balanced, the other stays
    assertEquals(List.of(), problems, "nothing lost or applied twice");
  }
}
