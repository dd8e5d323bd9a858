package org.sidis.migration.code;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sidis.migration.code.CodeProtocol.Answer;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Offer;
import org.sidis.migration.code.CodeProtocol.Outcome;
import org.sidis.migration.code.CodeProtocol.Part;
import org.sidis.migration.code.CodeProtocol.Proceed;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;
import org.sidis.migration.code.CodeProtocol.Ship;
import org.sidis.node.TestClusters;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's rules, driven through probes that play the shipper: it runs a member's unit whose
 * bytes match the announced digest, and refuses — answering the sender with the reason, and
 * staying up for the next unit — code from a non-member, bytes whose digest differs, a unit too
 * large, malformed parts, a transfer that never completes, and each loading failure.
 */
class CodeHostTest {

  private static final ActorTestKit KIT = ActorTestKit.create("sidis", TestClusters.nodeConfig("n1"));
  private static final Set<Address> ME = Set.of(KIT.system().address());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static ActorRef<Command> host(CodeSettings s, Set<Address> members) {
    return KIT.spawn(CodeHost.withMembers(s, members));
  }

  private static ActorRef<Command> host() {
    return host(CodeSettings.defaults(), ME);
  }

  /** Offers {@code unit} announcing {@code digest}, and sends its parts when the host says so; returns the host's last answer. */
  private static Answer ship(ActorRef<Command> host, CodeUnit unit, String digest) {
    TestProbe<Answer> shipper = KIT.createTestProbe();
    byte[] bytes = unit.encode();
    byte[][] parts = Assembly.cut(bytes, 4096);
    host.tell(new Offer(unit.name(), digest, bytes.length, parts.length, "n9", shipper.ref()));
    Answer first = shipper.receiveMessage(Duration.ofSeconds(10));
    if (!(first instanceof Proceed)) return first;
    for (int i = parts.length - 1; i >= 0; i--) host.tell(new Part(shipper.ref(), i, parts[i])); // out of order on purpose
    return shipper.receiveMessage(Duration.ofSeconds(10));
  }

  private static Refused refused(Answer a, Refusal reason) {
    assertTrue(a instanceof Refused, "expected a refusal " + reason + ", got " + a);
    Refused r = (Refused) a;
    assertEquals(reason, r.reason(), r.detail());
    return r;
  }

  /** The host still takes a good unit after refusing: it did not crash. */
  private static void stillRuns(ActorRef<Command> host) {
    CodeUnit unit = ShippedCode.sortUnit();
    assertTrue(ship(host, unit, unit.digest().hex()) instanceof Running, "the host no longer runs good units");
  }

  @Test
  void runsAMembersUnitInItsOwnLoaderAndTheSenderTalksToIt() {
    ActorRef<Command> host = host();
    CodeUnit unit = ShippedCode.sortUnit();
    Answer a = ship(host, unit, unit.digest().hex());
    assertTrue(a instanceof Running, "expected Running, got " + a);
    Running r = (Running) a;
    assertEquals("sort", r.unit());
    assertEquals(unit.digest().hex(), r.digest());
    assertEquals("n1", r.node());
    TestProbe<MobileJob.Output> out = KIT.createTestProbe();
    r.job().tell(new MobileJob.Run(List.of("pear", "apple", "fig"), out.ref()));
    MobileJob.Output o = out.receiveMessage(Duration.ofSeconds(10));
    assertEquals(List.of("apple", "fig", "pear", "loader=code-unit-sort"), o.lines());
    assertEquals("n1", o.node());
  }

  @Test
  void refusesCodeFromANonMember() {
    ActorRef<Command> host = host(CodeSettings.defaults(), Set.of(new Address("akka", "sidis", "198.18.0.9", 2551)));
    CodeUnit unit = ShippedCode.sortUnit();
    Refused r = refused(ship(host, unit, unit.digest().hex()), Refusal.NOT_MEMBER);
    assertTrue(r.detail().contains("not an Up member"), r.detail());
  }

  @Test
  void refusesCodeFromASenderThatLeftWhileItsPartsTravelled() {
    ActorRef<Command> host = host();
    CodeUnit unit = ShippedCode.sortUnit();
    TestProbe<Answer> shipper = KIT.createTestProbe();
    byte[] bytes = unit.encode();
    host.tell(new Offer("sort", unit.digest().hex(), bytes.length, 1, "n9", shipper.ref()));
    shipper.expectMessageClass(Proceed.class);
    host.tell(new CodeHost.MembersChanged(Set.of()));
    host.tell(new Part(shipper.ref(), 0, bytes));
    refused(shipper.receiveMessage(), Refusal.NOT_MEMBER);
  }

  @Test
  void refusesBytesWhoseDigestDiffersFromTheAnnouncedOne() {
    ActorRef<Command> host = host();
    Refused r = refused(ship(host, ShippedCode.sortUnit(), ShippedCode.filterUnit().digest().hex()), Refusal.DIGEST_MISMATCH);
    assertTrue(r.detail().contains(ShippedCode.sortUnit().digest().hex()), r.detail());
    stillRuns(host);
  }

  @Test
  void refusesAnOfferWhoseDigestIsNoSha256() {
    ActorRef<Command> host = host();
    refused(ship(host, ShippedCode.sortUnit(), "not-a-digest"), Refusal.MALFORMED);
  }

  @Test
  void refusesAUnitLargerThanTheLimitBeforeItsBytesTravel() {
    CodeUnit unit = ShippedCode.sortUnit();
    ActorRef<Command> host = host(new CodeSettings(4096, unit.size() - 1, Duration.ofSeconds(30), Duration.ofSeconds(5)), ME);
    refused(ship(host, unit, unit.digest().hex()), Refusal.TOO_LARGE);
  }

  @Test
  void refusesAPartOutsideTheAnnouncedShape() {
    ActorRef<Command> host = host();
    CodeUnit unit = ShippedCode.sortUnit();
    TestProbe<Answer> shipper = KIT.createTestProbe();
    host.tell(new Offer("sort", unit.digest().hex(), unit.size(), 2, "n9", shipper.ref()));
    shipper.expectMessageClass(Proceed.class);
    host.tell(new Part(shipper.ref(), 7, new byte[10]));
    refused(shipper.receiveMessage(), Refusal.MALFORMED);
    stillRuns(host);
  }

  @Test
  void refusesATransferWhosePartsNeverCome() {
    ActorRef<Command> host = host(new CodeSettings(4096, 1 << 20, Duration.ofMillis(300), Duration.ofSeconds(5)), ME);
    CodeUnit unit = ShippedCode.sortUnit();
    TestProbe<Answer> shipper = KIT.createTestProbe();
    host.tell(new Offer("sort", unit.digest().hex(), unit.size(), 2, "n9", shipper.ref()));
    shipper.expectMessageClass(Proceed.class);
    refused(shipper.receiveMessage(Duration.ofSeconds(10)), Refusal.TIMEOUT);
  }

  @Test
  void eachLoadingFailureIsAnsweredAndTheHostCarriesOn() {
    ActorRef<Command> host = host();
    Map<String, byte[]> damaged = new HashMap<>(ShippedCode.compile(ShippedCode.SORT));
    damaged.put("shipped.sort.Order", new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0});
    Map<CodeUnit, Refusal> bad = Map.of(
        CodeUnit.of("damaged", ShippedCode.SORT_ENTRY, damaged), Refusal.BAD_CLASS,
        CodeUnit.of("missing", "shipped.sort.Missing", ShippedCode.compile(ShippedCode.SORT)), Refusal.NO_ENTRY,
        CodeUnit.of("plain", "shipped.bad.Plain", ShippedCode.compile(ShippedCode.NOT_A_JOB)), Refusal.NOT_A_JOB,
        CodeUnit.of("throwing", "shipped.bad.Throwing", ShippedCode.compile(ShippedCode.THROWING)), Refusal.ENTRY_FAILED);
    bad.forEach((unit, reason) -> {
      Refused r = refused(ship(host, unit, unit.digest().hex()), reason);
      assertEquals(unit.name(), r.unit());
    });
    stillRuns(host);
  }

  @Test
  void aShipperPushesAUnitInManyPartsAndHandsBackTheRunningJob() {
    ActorRef<Command> target = host(new CodeSettings(1024, 1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(5)), ME);
    ActorRef<Command> sender = host(new CodeSettings(1024, 1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(5)), ME);
    CodeUnit unit = ShippedCode.sortUnit();
    assertTrue(unit.size() > 2 * 1024, "the unit must need several parts: " + unit.size());
    TestProbe<Outcome> app = KIT.createTestProbe();
    sender.tell(new Ship(unit, target, app.ref()));
    Outcome o = app.receiveMessage(Duration.ofSeconds(10));
    assertTrue(o instanceof Running, "expected Running, got " + o);
    TestProbe<MobileJob.Output> out = KIT.createTestProbe();
    ((Running) o).job().tell(new MobileJob.Run(List.of("b", "a"), out.ref()));
    assertEquals(List.of("a", "b", "loader=code-unit-sort"), out.receiveMessage(Duration.ofSeconds(10)).lines());
  }

  @Test
  void aShipperToAHostThatNeverAnswersGivesUpWithTimeout() {
    TestProbe<Command> silent = KIT.createTestProbe();
    ActorRef<Command> sender = host(new CodeSettings(4096, 1 << 20, Duration.ofMillis(300), Duration.ofSeconds(5)), ME);
    TestProbe<Outcome> app = KIT.createTestProbe();
    sender.tell(new Ship(ShippedCode.sortUnit(), silent.ref(), app.ref()));
    silent.expectMessageClass(Offer.class);
    Outcome o = app.receiveMessage(Duration.ofSeconds(10));
    assertTrue(o instanceof Refused r && r.reason() == Refusal.TIMEOUT, "expected TIMEOUT, got " + o);
  }
}
