package org.sidis.migration.code;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Fetch;
import org.sidis.migration.code.CodeProtocol.Outcome;
import org.sidis.migration.code.CodeProtocol.Publish;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;
import org.sidis.migration.code.CodeProtocol.Ship;
import org.sidis.node.TestClusters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weak mobility across three ActorSystems of one JVM joined in an Akka Cluster, every message
 * through Artery and Jackson CBOR: n1 has a sort unit compiled at test time (on no class path);
 * it pushes it to n2 (sender-initiated), and n3, which lacks it, fetches it by name from a
 * member that has it (receiver-initiated). Each runs it in its own class loader and the caller
 * gets its output back. n1 and n2 ship in parts of 1 KiB, so the unit crosses the wire in several
 * messages; n3 ships a unit over twice Artery's frame in the default parts.
 */
class CodeClusterTest {

  @TempDir
  static Path traces;

  private static List<ActorTestKit> kits;
  private static List<ActorRef<Command>> hosts;
  private static final Map<String, Object> SMALL_PARTS = Map.of("sidis.migration.code.part-bytes", "1 KiB");

  @BeforeAll
  static void cluster() {
    kits = List.of(
        ActorTestKit.create("sidis", TestClusters.tracedNodeConfig("n1", traces, SMALL_PARTS)),
        ActorTestKit.create("sidis", TestClusters.tracedNodeConfig("n2", traces, SMALL_PARTS)),
        ActorTestKit.create("sidis", TestClusters.tracedNodeConfig("n3", traces, Map.of()))); // n3 ships in the default 128 KiB parts
    TestClusters.joinAndAwaitUp(kits);
    hosts = kits.stream().map(k -> k.spawn(CodeHost.create(
        CodeSettings.fromConfig(k.system().settings().config().getConfig("sidis.migration.code"))), "code-host")).toList();
    // A fetch asks the receptionist for the other hosts: wait until n3 sees all three.
    TestProbe<Receptionist.Listing> listing = kits.get(2).createTestProbe();
    listing.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      kits.get(2).system().receptionist().tell(Receptionist.find(CodeHost.KEY, listing.ref()));
      assertEquals(3, listing.receiveMessage().getServiceInstances(CodeHost.KEY).size());
      return null;
    });
  }

  @AfterAll
  static void stop() {
    TestClusters.shutdownAll(kits);
  }

  /** {@code ref} (of node {@code of}) as node {@code from} reaches it: through Artery, not in-JVM. */
  private static ActorRef<Command> remote(int from, int of, ActorRef<Command> ref) {
    return ActorRefResolver.get(kits.get(from).system()).resolveActorRef(ActorRefResolver.get(kits.get(of).system()).toSerializationFormat(ref));
  }

  private static List<String> sortAt(ActorTestKit caller, ActorRef<MobileJob.Run> job, List<String> lines) {
    TestProbe<MobileJob.Output> out = caller.createTestProbe();
    job.tell(new MobileJob.Run(lines, out.ref()));
    return out.receiveMessage(Duration.ofSeconds(20)).lines();
  }

  @Test
  void pushAndFetchRunAUnitOnNodesThatNeverHadItsClasses() throws IOException {
    assertThrows(ClassNotFoundException.class, () -> Class.forName(ShippedCode.SORT_ENTRY), "negative control: the job's classes must not be on a class path");
    CodeUnit unit = ShippedCode.sortUnit();
    assertTrue(unit.size() > 2 * 1024, "the unit must cross in several parts: " + unit.size());
    ActorTestKit n1 = kits.get(0);
    hosts.get(0).tell(new Publish(unit));

    // Sender-initiated: n1 pushes the unit to n2 and talks to the job running there.
    TestProbe<Outcome> app = n1.createTestProbe();
    hosts.get(0).tell(new Ship(unit, remote(0, 1, hosts.get(1)), app.ref()));
    Outcome pushed = app.receiveMessage(Duration.ofSeconds(30));
    assertTrue(pushed instanceof Running, "push: expected Running at n2, got " + pushed);
    Running atN2 = (Running) pushed;
    assertEquals("n2", atN2.node());
    assertEquals(unit.digest().hex(), atN2.digest());
    assertEquals(List.of("a", "b", "c", "loader=code-unit-sort"), sortAt(n1, atN2.job(), List.of("c", "a", "b")));

    // Receiver-initiated: n3 lacks the unit and fetches it by name from a member that has it.
    ActorTestKit n3 = kits.get(2);
    TestProbe<Outcome> fetcher = n3.createTestProbe();
    hosts.get(2).tell(new Fetch("sort", unit.digest(), fetcher.ref()));
    Outcome fetched = fetcher.receiveMessage(Duration.ofSeconds(30));
    assertTrue(fetched instanceof Running, "fetch: expected Running at n3, got " + fetched);
    Running atN3 = (Running) fetched;
    assertEquals("n3", atN3.node());
    assertEquals(List.of("x", "y", "loader=code-unit-sort"), sortAt(n3, atN3.job(), List.of("y", "x")));

    // The traces say who shipped and who loaded which unit, by digest.
    String n1Trace = Files.readString(traces.resolve("n1.jsonl"));
    String n2Trace = Files.readString(traces.resolve("n2.jsonl"));
    String n3Trace = Files.readString(traces.resolve("n3.jsonl"));
    assertTrue(n1Trace.contains("\"event\":\"" + CodeEvents.SHIP + "\"") && n1Trace.contains(unit.digest().hex()), n1Trace);
    assertTrue(n2Trace.contains("\"event\":\"" + CodeEvents.LOAD + "\"") && n2Trace.contains(unit.digest().hex()), n2Trace);
    assertTrue(n3Trace.contains("\"event\":\"" + CodeEvents.FETCH + "\"") && n3Trace.contains("\"event\":\"" + CodeEvents.LOAD + "\""), n3Trace);
    assertTrue(n2Trace.contains("\"proto\":\"" + CodeEvents.PROTO + "\""), n2Trace);
    assertTrue(n2Trace.contains("\"peer\":\"n1\""), "peer is the sender's node name: " + n2Trace);
    assertTrue(n1Trace.contains("\"peer\":\"n2\""), "peer is the target's node name: " + n1Trace);
  }

  @Test
  void aUnitLargerThanArterysFrameCrossesInParts() {
    CodeUnit big = CodeUnit.of("big", "shipped.big.BigJob", ShippedCode.compile(ShippedCode.BIG));
    assertTrue(big.size() > 2 * 256 * 1024, "the unit must be over twice Artery's 256 KiB frame: " + big.size());
    ActorTestKit n3 = kits.get(2);
    TestProbe<Outcome> app = n3.createTestProbe();
    hosts.get(2).tell(new Ship(big, remote(2, 0, hosts.get(0)), app.ref()));
    Outcome o = app.receiveMessage(Duration.ofSeconds(60));
    assertTrue(o instanceof Running, "expected Running at n1, got " + o);
    assertEquals("n1", ((Running) o).node());
    TestProbe<MobileJob.Output> out = n3.createTestProbe();
    ((Running) o).job().tell(new MobileJob.Run(List.of(), out.ref()));
    assertEquals(List.of("constants=600000"), out.receiveMessage(Duration.ofSeconds(20)).lines());
  }

  @Test
  void aSystemOutsideTheClusterIsRefusedAndTheRefusalIsTraced() throws IOException {
    ActorTestKit outsider = ActorTestKit.create("sidis", TestClusters.nodeConfig("n9"));
    try {
      ActorRef<Command> outsiderHost = outsider.spawn(CodeHost.create(CodeSettings.defaults()), "code-host");
      ActorRef<Command> n1Host = ActorRefResolver.get(outsider.system())
          .resolveActorRef(ActorRefResolver.get(kits.get(0).system()).toSerializationFormat(hosts.get(0)));
      CodeUnit unit = ShippedCode.filterUnit();
      TestProbe<Outcome> app = outsider.createTestProbe();
      outsiderHost.tell(new Ship(unit, n1Host, app.ref()));
      Outcome o = app.receiveMessage(Duration.ofSeconds(30));
      assertTrue(o instanceof Refused r && r.reason() == Refusal.NOT_MEMBER, "expected NOT_MEMBER, got " + o);
      String n1Trace = Files.readString(traces.resolve("n1.jsonl"));
      assertTrue(n1Trace.contains("\"event\":\"" + CodeEvents.REFUSE + "\"") && n1Trace.contains("\"reason\":\"NOT_MEMBER\"")
          && n1Trace.contains(unit.digest().hex()) && n1Trace.contains(outsider.system().address().toString()), n1Trace);
    } finally {
      outsider.shutdownTestKit();
    }
  }

  @Test
  void aFetchOfAUnitNoMemberHasIsRefusedAsUnknown() {
    TestProbe<Outcome> fetcher = kits.get(1).createTestProbe();
    hosts.get(1).tell(new Fetch("nobody-has-this", null, fetcher.ref()));
    Outcome o = fetcher.receiveMessage(Duration.ofSeconds(30));
    assertTrue(o instanceof Refused r && r.reason() == Refusal.UNKNOWN_UNIT, "expected UNKNOWN_UNIT, got " + o);
  }
}
