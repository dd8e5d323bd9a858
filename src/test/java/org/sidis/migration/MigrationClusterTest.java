package org.sidis.migration;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Inspection;
import org.sidis.check.MigrationCalls;
import org.sidis.check.Report;
import org.sidis.check.Verdict;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.node.TestClusters;
import org.sidis.trace.Traces;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three ActorSystems in one JVM as one cluster: n1 and n2 host the moving actor, n3's client calls
 * it without pause while it moves n1 → n2 → n1 → n2, twice each way; every value comes back once, in
 * order, and the checker passes the traces.
 */
class MigrationClusterTest {

  @TempDir
  Path traces;

  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stop() {
    for (ActorTestKit k : kits) k.shutdownTestKit();
  }

  @Test
  void movesUnderLoadLoseNothingAndApplyNothingTwice() throws Exception {
    Map<String, Object> s = Map.of(
        "sidis.migration.state-size", "4MiB",
        "sidis.migration.write-rate", "8MiB",
        "sidis.migration.retry-after", "2s");
    for (String n : List.of("n1", "n2", "n3")) kits.add(ActorTestKit.create("sidis", TestClusters.tracedNodeConfig(n, traces, s)));
    TestClusters.joinAndAwaitUp(kits);
    MigrationSettings settings = MigrationSettings.fromConfig(kits.get(0).system().settings().config().getConfig("sidis.migration"));
    kits.get(0).spawn(Migratable.create("n1", settings, 1), "migration-counter");
    kits.get(1).spawn(Migratable.create("n2", settings, 1), "migration-counter");
    MigrationClient client = new MigrationClient(kits.get(2).system(), "n3", settings);

    List<Long> values = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread caller = new Thread(() -> {
      while (running.get()) {
        try {
          values.add(client.call(Duration.ofSeconds(30)));
        } catch (Throwable t) {
          errors.add(t);
          return;
        }
      }
    }, "caller");
    caller.start();
    while (values.size() < 20) Thread.sleep(20);
    List<MoveOutcome> outcomes = new ArrayList<>();
    String[] to = {"n2", "n1", "n2", "n1"};
    for (int i = 0; i < to.length; i++) {
      MoveMode mode = i % 2 == 0 ? MoveMode.PRE_COPY : MoveMode.STOP_AND_COPY;
      outcomes.add(client.move(to[i], mode, Duration.ofSeconds(30)));
      int seen = values.size();
      while (values.size() < seen + 10 && errors.isEmpty()) Thread.sleep(20);
    }
    running.set(false);
    caller.join(30_000);
    assertEquals(List.of(), errors, "a client never sees an error for a move");
    for (MoveOutcome o : outcomes) assertTrue(o.moved(), o.toString());
    assertTrue(outcomes.get(0).rounds() >= 1, "pre-copy copied in rounds: " + outcomes.get(0));
    for (int i = 0; i < values.size(); i++) {
      assertEquals(i + 1, values.get(i), "value " + (i + 1) + " of " + values.size() + " (nothing lost, nothing twice): " + values.subList(Math.max(0, i - 3), Math.min(values.size(), i + 3)));
    }
    for (ActorTestKit k : kits) Traces.get(k.system()).stop();
    Report report = Inspection.of(traces);
    assertTrue(report.passed(), report.table());
    assertEquals(Verdict.Outcome.HELD, report.verdict("counter", MigrationCalls.APPLIED_ONCE).outcome(), report.table());
    assertTrue(report.table().contains("completed moves 4"), report.table());
    System.out.println("moves: " + outcomes + "\n" + report.table());
  }
}
