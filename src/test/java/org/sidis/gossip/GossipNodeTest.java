package org.sidis.gossip;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.net.NetworkModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One replica between probes: its peer n2 is a TestProbe, so the test plays the other side of
 * every exchange — and the network, sending what it likes, late, twice or malformed.
 */
class GossipNodeTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<GossipNode.Command> n2;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("gossip", dir);
    n2 = kit.createTestProbe("n2");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<GossipNode.Command> node(GossipSettings settings) {
    ActorRef<GossipNode.Command> n1 = kit.spawn(GossipNode.createInProcess("n1", settings, NetworkModel.PERFECT,
        GossipNode.Clocking.MANUAL, 1), "gossip-kv");
    n1.tell(new GossipNode.ViewChanged(Map.of("n1", n1, "n2", n2.getRef())));
    return n1;
  }

  private static GossipSettings settings(Mode mode) {
    return GossipSettings.defaults("kv", mode);
  }

  /** The next message of this type that reaches the probe, skipping others. */
  private static <T extends GossipNode.Command> T next(TestProbe<GossipNode.Command> peer, Class<T> type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      GossipNode.Command m = peer.receiveMessage(Duration.ofSeconds(3));
      if (type.isInstance(m)) return type.cast(m);
    }
    throw new AssertionError("no " + type.getSimpleName() + " reached " + peer.getRef());
  }

  private GossipNode.State state(ActorRef<GossipNode.Command> node) {
    TestProbe<GossipNode.State> reply = kit.createTestProbe();
    node.tell(new GossipNode.GetState(reply.getRef()));
    return reply.receiveMessage();
  }

  private static Entry put(String key, String value, long ts, String origin, long seq) {
    return Entry.put(key, value, new Version(ts, origin), origin, seq);
  }

  private static List<String> ids(Delta d) {
    return d.entries().stream().map(Entry::msgId).toList();
  }

  // ------------------------------------------------------------------ anti-entropy

  @Test
  void pushPullSendsTheDigestTakesWhatItLacksAndSendsWhatThePeerLacks() {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PUSH_PULL));
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(GossipNode.RunRound.INSTANCE);
    GossipMessage.Syn syn = next(n2, GossipMessage.Syn.class);
    assertEquals(Digest.of(Map.of("n1", 1L)), syn.digest());

    Entry theirs = put("b", "2", 1, "n2", 1);
    n1.tell(new GossipMessage.Ack("kv", "n2", Digest.of(Map.of("n2", 1L)), new Delta(List.of(theirs), Map.of("n2", 1L)), false));
    GossipMessage.Ack2 ack2 = next(n2, GossipMessage.Ack2.class);
    assertEquals(List.of("n1:1"), ids(ack2.delta()));
    assertEquals(Map.of("n1", 1L), ack2.delta().upTo());
    GossipNode.State s = state(n1);
    assertEquals(Map.of("a", "1", "b", "2"), s.values());
    assertEquals(Digest.of(Map.of("n1", 1L, "n2", 1L)), s.digest());
  }

  @Test
  void pushPullAnswersASynWithWhatTheInitiatorLacksAndItsOwnDigestWhenItLacksSomething() {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PUSH_PULL));
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.of(Map.of("n2", 4L))));
    GossipMessage.Ack ack = next(n2, GossipMessage.Ack.class);
    assertEquals(List.of("n1:1"), ids(ack.delta()));
    assertEquals(Digest.of(Map.of("n1", 1L)), ack.digest(), "n1 asks for n2's four updates");
    assertFalse(ack.behind());
  }

  @Test
  void pushSendsOnlyWhenThePeerAsksAndNeverTakesInTheSameExchange() {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PUSH));
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(GossipNode.RunRound.INSTANCE);
    next(n2, GossipMessage.Syn.class);
    // The peer lacks n1:1: it asks with its digest, and gets the update.
    n1.tell(new GossipMessage.Ack("kv", "n2", Digest.EMPTY, null, false));
    assertEquals(List.of("n1:1"), ids(next(n2, GossipMessage.Ack2.class).delta()));

    // As responder, n1 pushes nothing back: it only asks for what it lacks.
    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.of(Map.of("n2", 2L))));
    GossipMessage.Ack ack = next(n2, GossipMessage.Ack.class);
    assertNull(ack.delta());
    assertEquals(Digest.of(Map.of("n1", 1L)), ack.digest());
    // A peer that knows nothing n1 lacks gets no answer at all.
    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.EMPTY));
    n2.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void pullTakesWhatItLacksAndAnswersOnlyWithWhatTheInitiatorLacks() {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PULL));
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(GossipNode.RunRound.INSTANCE);
    next(n2, GossipMessage.Syn.class);
    n1.tell(new GossipMessage.Ack("kv", "n2", null, new Delta(List.of(put("b", "2", 1, "n2", 1)), Map.of("n2", 1L)), false));
    n2.expectNoMessage(Duration.ofMillis(200)); // no Ack2 in pull
    assertEquals(Map.of("a", "1", "b", "2"), state(n1).values());

    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.of(Map.of("n2", 1L))));
    GossipMessage.Ack ack = next(n2, GossipMessage.Ack.class);
    assertEquals(List.of("n1:1"), ids(ack.delta()));
    assertNull(ack.digest(), "pull never asks the initiator for anything");
  }

  @Test
  void aDeltaThatArrivesTwiceOrLateChangesNothing() {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PUSH_PULL));
    Entry newer = put("k", "new", 5, "n2", 2);
    Entry older = put("k", "old", 3, "n2", 1);
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(newer), Map.of()), false));
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(newer), Map.of()), false));
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(older), Map.of("n2", 2L)), false));
    GossipNode.State s = state(n1);
    assertEquals(Map.of("k", "new"), s.values());
    assertEquals(Digest.of(Map.of("n2", 2L)), s.digest());
  }

  // ------------------------------------------------------------------ rumor mongering

  @Test
  void aRumorMongerWithFeedbackAndCoinOneStopsTheFirstTimeThePeerAlreadyKnew() {
    GossipSettings s = settings(Mode.RUMOR).withRumor(new GossipSettings.Rumor(GossipSettings.Stop.COIN, 1.0, 1, true));
    ActorRef<GossipNode.Command> n1 = node(s);
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(GossipNode.RunRound.INSTANCE);
    assertEquals(List.of("n1:1"), next(n2, GossipMessage.Rumor.class).entries().stream().map(Entry::msgId).toList());
    n1.tell(GossipNode.RunRound.INSTANCE);
    next(n2, GossipMessage.Rumor.class); // silence from n2 meant "news to me": still hot
    n1.tell(new GossipMessage.Feedback("kv", "n2", List.of("n1:1")));
    assertEquals(0, state(n1).hot());
    n1.tell(GossipNode.RunRound.INSTANCE);
    n2.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aRumorMongerWithACounterStopsAfterKFeedbacks() {
    GossipSettings s = settings(Mode.RUMOR).withRumor(new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 1.0, 2, true));
    ActorRef<GossipNode.Command> n1 = node(s);
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(new GossipMessage.Feedback("kv", "n2", List.of("n1:1")));
    assertEquals(1, state(n1).hot(), "one strike of two");
    n1.tell(new GossipMessage.Feedback("kv", "n2", List.of("n1:1")));
    assertEquals(0, state(n1).hot());
  }

  @Test
  void aBlindRumorMongerLosesInterestAfterPushingWhateverThePeerKnew() {
    GossipSettings s = settings(Mode.RUMOR).withRumor(new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 1.0, 2, false));
    ActorRef<GossipNode.Command> n1 = node(s);
    n1.tell(new GossipNode.Write("a", "1"));
    n1.tell(GossipNode.RunRound.INSTANCE);
    next(n2, GossipMessage.Rumor.class);
    n1.tell(GossipNode.RunRound.INSTANCE);
    next(n2, GossipMessage.Rumor.class);
    assertEquals(0, state(n1).hot());
  }

  @Test
  void aRumorReceiverTellsWhichRumorsItAlreadyKnewAndSpreadsTheNewOnes() {
    GossipSettings s = settings(Mode.RUMOR);
    ActorRef<GossipNode.Command> n1 = node(s);
    Entry first = put("a", "1", 1, "n2", 1);
    n1.tell(new GossipMessage.Rumor("kv", "n2", List.of(first)));
    assertEquals(1, state(n1).hot(), "news is hot");
    n2.expectNoMessage(Duration.ofMillis(100));
    n1.tell(new GossipMessage.Rumor("kv", "n2", List.of(first, put("b", "2", 2, "n2", 2))));
    assertEquals(List.of("n2:1"), next(n2, GossipMessage.Feedback.class).known());
  }

  // ------------------------------------------------------------------ flooding

  @Test
  void floodingForwardsWhatItHadNotSeenToEveryNeighbourButTheOneItCameFrom() {
    TestProbe<GossipNode.Command> n3 = kit.createTestProbe("n3");
    GossipSettings s = settings(Mode.FLOOD).withFlood(new GossipSettings.Flood(Overlay.MESH, 4, "", 1));
    ActorRef<GossipNode.Command> n1 = kit.spawn(GossipNode.createInProcess("n1", s, NetworkModel.PERFECT,
        GossipNode.Clocking.MANUAL, 1), "gossip-kv");
    n1.tell(new GossipNode.ViewChanged(Map.of("n1", n1, "n2", n2.getRef(), "n3", n3.getRef())));
    Entry e = put("a", "1", 1, "n2", 1);
    n1.tell(new GossipMessage.Flood("kv", "n2", List.of(e)));
    n1.tell(new GossipMessage.Flood("kv", "n3", List.of(e)));
    n1.tell(GossipNode.RunRound.INSTANCE);
    assertEquals(List.of(e), next(n3, GossipMessage.Flood.class).entries());
    n2.expectNoMessage(Duration.ofMillis(200));
    n1.tell(GossipNode.RunRound.INSTANCE);
    n3.expectNoMessage(Duration.ofMillis(100));
  }

  // ------------------------------------------------------------------ death certificates

  private static GossipSettings certificates(Mode mode, Duration retention) {
    return settings(mode).withCertificates(new GossipSettings.Certificates(retention, Duration.ofHours(1), 2, Duration.ofSeconds(1)));
  }

  @Test
  void aCertificateExpiresAfterRetentionAndADormantOneWakesWhenTheDeletedValueComesBack() throws Exception {
    ActorRef<GossipNode.Command> n1 = node(certificates(Mode.PUSH_PULL, Duration.ZERO));
    n1.tell(new GossipNode.Write("k", "v"));
    n1.tell(new GossipNode.Delete("k"));
    n1.tell(GossipNode.Sweep.INSTANCE);
    GossipNode.State s = state(n1);
    assertEquals(0, s.certificates());
    assertEquals(1, s.dormant(), "with two members and two keepers, n1 keeps every certificate");

    // n2 was away: it still has the value, under the version n1 wrote (1@n1), and sends it back.
    Entry old = Entry.put("k", "v", new Version(1, "n1"), "n2", 1);
    n1.tell(new GossipMessage.Flood("kv", "n2", List.of(old)));
    GossipMessage.Ack2 back = next(n2, GossipMessage.Ack2.class);
    Entry cert = back.delta().entries().get(0);
    assertTrue(cert.isDeath());
    assertEquals(new Version(2, "n1"), cert.version(), "the delete's own version");
    assertEquals("n1:3", cert.msgId(), "a new id, so that digests carry it again");
    s = state(n1);
    assertTrue(s.values().isEmpty());
    assertEquals(1, s.certificates());
    assertEquals(0, s.dormant());

    TestProbe<Done> done = kit.createTestProbe();
    n1.tell(new GossipNode.TraceState(done.getRef()));
    done.receiveMessage();
    String trace = Files.readString(dir.resolve("n1.jsonl"));
    assertTrue(trace.contains("\"event\":\"expire\",\"msg\":\"n1:2\""), trace);
    assertTrue(trace.contains("\"event\":\"reactivate\",\"msg\":\"n1:3\""), trace);
    assertTrue(trace.contains("\"event\":\"state\""), trace);
  }

  @Test
  void aPeerBehindTheMemoryOfDeletionsIsToldAndOffersItsItemsToTheKeepers() {
    ActorRef<GossipNode.Command> n1 = node(certificates(Mode.PUSH_PULL, Duration.ZERO));
    n1.tell(new GossipNode.Write("x", "1"));
    n1.tell(new GossipNode.Delete("x"));
    n1.tell(GossipNode.Sweep.INSTANCE);
    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.EMPTY));
    assertTrue(next(n2, GossipMessage.Ack.class).behind(), "n2 never took account of n1:2, whose certificate n1 dropped");

    // The other way round: n1 hears it is behind, and offers its live items to their keepers (n2 is one).
    n1.tell(new GossipNode.Write("y", "2"));
    n1.tell(new GossipMessage.Ack("kv", "n2", null, null, true));
    GossipMessage.Recheck recheck = next(n2, GossipMessage.Recheck.class);
    assertEquals(List.of("y"), recheck.entries().stream().map(Entry::key).toList());
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void badInputIsRefusedWithALogLineAndTheStoreStaysAsItWas() throws Exception {
    ActorRef<GossipNode.Command> n1 = node(settings(Mode.PUSH_PULL));
    n1.tell(new GossipNode.Write("k", "mine"));
    // a digest from a node outside the view: ignored
    n1.tell(new GossipMessage.Syn("kv", "n9", Digest.of(Map.of("n9", 3L))));
    // a digest with a negative count
    n1.tell(new GossipMessage.Syn("kv", "n2", Digest.of(Map.of("n2", -4L))));
    // a malformed update in a delta: the whole delta is refused, the good entry too
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(put("g", "good", 9, "n2", 1),
        new Entry(null, Op.PUT, "x", new Version(1, "n2"), "n2", 2)), Map.of("n2", 2L)), false));
    // an update claiming to be n1's own, which n1 never made
    n1.tell(new GossipMessage.Flood("kv", "n2", List.of(put("k", "forged", 99, "n1", 5))));
    // a peer vouching for more of n1's updates than it made
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(), Map.of("n1", 40L)), false));
    // a stale version of a key
    n1.tell(new GossipMessage.Ack2("kv", "n2", new Delta(List.of(Entry.put("k", "stale", new Version(1, "n0"), "n2", 1)),
        Map.of()), false));
    // a message for another store
    n1.tell(new GossipMessage.Syn("other", "n2", Digest.EMPTY));
    n2.expectNoMessage(Duration.ofMillis(200));

    GossipNode.State s = state(n1);
    assertEquals(Map.of("k", "mine"), s.values());
    assertEquals(Digest.of(Map.of("n1", 1L, "n2", 1L)), s.digest(), "only the stale one was taken account of");
    TestProbe<Done> done = kit.createTestProbe();
    n1.tell(new GossipNode.TraceState(done.getRef()));
    done.receiveMessage();
    String trace = Files.readString(dir.resolve("n1.jsonl"));
    assertTrue(trace.contains("the count [-4]"), trace);
    assertTrue(trace.contains("refused whole: update [n2:2] without key"), trace);
    assertTrue(trace.contains("claims to be an update of this node"), trace);
    assertTrue(trace.contains("vouches for 40 updates of this node"), trace);
    assertTrue(trace.contains("message for another group"), trace);
    assertFalse(trace.contains("n9"), "a stranger's digest is not evidence of anything: a log line only");
  }

  @Test
  void everyWireMessageSurvivesAkkasSerializer() {
    Serialization serialization = SerializationExtension.get(kit.system());
    Entry put = put("k", "v", 3, "n2", 1);
    Entry cert = Entry.death("k", new Version(4, "n2"), "n2", 2);
    List<Object> wire = List.of(
        new GossipMessage.Syn("kv", "n2", Digest.of(Map.of("n1", 3L, "n2", 5L))),
        new GossipMessage.Ack("kv", "n2", Digest.EMPTY, new Delta(List.of(put, cert), Map.of("n2", 2L)), true),
        new GossipMessage.Ack("kv", "n2", null, null, false),
        new GossipMessage.Ack2("kv", "n2", Delta.of(List.of(cert)), false),
        new GossipMessage.Rumor("kv", "n2", List.of(put)),
        new GossipMessage.Feedback("kv", "n2", List.of("n2:1")),
        new GossipMessage.Flood("kv", "n2", List.of(cert)),
        new GossipMessage.Recheck("kv", "n2", List.of(put)));
    for (Object msg : wire) {
      var serializer = serialization.findSerializerFor(msg);
      assertEquals(33, serializer.identifier(), "Jackson CBOR for " + msg.getClass().getSimpleName());
      byte[] bytes = serialization.serialize(msg).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg)).get();
      assertEquals(msg, back);
      assertNotNull(back);
    }
  }
}
