package org.sidis.multicast;

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
import org.sidis.clock.VectorClock;
import org.sidis.net.NetworkModel;
import org.sidis.trace.Traces;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The member actor between probes: its peers n2 and n3 are TestProbes, so the test plays the
 * network — it sends the wire messages out of order, twice, or not at all, and reads what
 * the member sends back.
 */
class GroupMemberTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<GroupMember.Command> n2;
  private TestProbe<GroupMember.Command> n3;
  private TestProbe<GroupEvent> app;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("member", dir);
    n2 = kit.createTestProbe("n2");
    n3 = kit.createTestProbe("n3");
    app = kit.createTestProbe("app");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<GroupMember.Command> member(Order order) {
    ActorRef<GroupMember.Command> m = kit.spawn(GroupMember.createWithoutDiscovery(
        MulticastSettings.defaults("chat", order), NetworkModel.PERFECT), "multicast-chat");
    m.tell(new GroupMember.Subscribe(app.getRef()));
    app.expectMessageClass(GroupEvent.MembersChanged.class);
    m.tell(new GroupMember.ViewChanged(Map.of("n1", m, "n2", n2.getRef(), "n3", n3.getRef())));
    assertEquals(new GroupEvent.MembersChanged("chat", new java.util.TreeSet<>(List.of("n1", "n2", "n3"))),
        app.expectMessageClass(GroupEvent.MembersChanged.class));
    m.tell(new GroupMember.Hello("chat", "n2", n2.getRef(), 1));
    m.tell(new GroupMember.Hello("chat", "n3", n3.getRef(), 1));
    return m;
  }

  /** The next wire message of this type, skipping the periodic status messages. */
  private static <T extends GroupMember.Command> T next(TestProbe<GroupMember.Command> peer, Class<T> type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      GroupMember.Command m = peer.receiveMessage(Duration.ofSeconds(3));
      if (type.isInstance(m)) return type.cast(m);
    }
    throw new AssertionError("no " + type.getSimpleName() + " reached " + peer.getRef());
  }

  private List<String> deliveries(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GroupEvent e = app.receiveMessage(Duration.ofSeconds(3));
      if (e instanceof GroupEvent.Delivered d) ids.add(d.msgId());
      else i--;
    }
    return ids;
  }

  private static GroupMember.Bundle bundle(String from, Data... data) {
    return new GroupMember.Bundle("chat", from, List.of(data));
  }

  private static Data fifo(String origin, long seq) {
    return new Data(origin, seq, null, "hello " + seq);
  }

  @Test
  void greetsEachPeerWithTheFirstSequenceNumberItWillSendIt() {
    member(Order.FIFO);
    assertEquals(1, next(n2, GroupMember.Hello.class).firstSeq());
    assertEquals(1, next(n3, GroupMember.Hello.class).firstSeq());
  }

  @Test
  void multicastsToEveryPeerAndDeliversItsOwnMessage() {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(new GroupMember.Multicast("hi"));
    assertEquals(List.of("n1:1"), deliveries(1));
    assertEquals("hi", next(n2, GroupMember.Bundle.class).data().get(0).payload());
    assertEquals("n1:1", next(n3, GroupMember.Bundle.class).data().get(0).msgId());
  }

  @Test
  void deliversInSendOrderWhatArrivesOutOfOrderAndTwice() {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(bundle("n2", fifo("n2", 2)));
    m.tell(bundle("n2", fifo("n2", 2)));
    m.tell(bundle("n2", fifo("n2", 1), fifo("n2", 3)));
    m.tell(bundle("n2", fifo("n2", 1)));
    assertEquals(List.of("n2:1", "n2:2", "n2:3"), deliveries(3));
    app.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void asksTheOriginToRetransmitAMessageLostOnTheWay() {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(bundle("n2", fifo("n2", 1), fifo("n2", 3)));
    assertEquals(List.of("n2:1"), deliveries(1));
    GroupMember.Nack nack = next(n2, GroupMember.Nack.class);
    assertEquals(new GroupMember.Nack("chat", "n1", "n2", 2, 2), nack);
    m.tell(bundle("n2", fifo("n2", 2)));
    assertEquals(List.of("n2:2", "n2:3"), deliveries(2));
  }

  @Test
  void retransmitsItsOwnMessagesWhenAPeerAsks() {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(new GroupMember.Multicast("a"));
    m.tell(new GroupMember.Multicast("b"));
    next(n2, GroupMember.Bundle.class);
    m.tell(new GroupMember.Nack("chat", "n2", "n1", 2, 2));
    assertEquals(List.of("n1:2"), next(n2, GroupMember.Bundle.class).data().stream().map(Data::msgId).toList());
  }

  @Test
  void holdsBackAReplyThatOvertakesItsCause() {
    ActorRef<GroupMember.Command> m = member(Order.CAUSAL);
    // n3 delivered n2:1 and replied; its reply reaches n1 first.
    m.tell(bundle("n3", new Data("n3", 1, VectorClock.EMPTY.with("n2", 1).with("n3", 1), "re n2:1")));
    app.expectNoMessage(Duration.ofMillis(200));
    m.tell(bundle("n2", new Data("n2", 1, VectorClock.EMPTY.with("n2", 1), "question")));
    assertEquals(List.of("n2:1", "n3:1"), deliveries(2));
  }

  @Test
  void aMemberLeavingMidStreamStopsHoldingBackStability() {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(new GroupMember.Multicast("a"));
    deliveries(1);
    m.tell(new GroupMember.Status("chat", "n2", Map.of("n1", 1L), Map.of("n1", 1L), 0));
    app.expectNoMessage(Duration.ofMillis(200)); // n3 has not delivered n1:1
    m.tell(new GroupMember.ViewChanged(Map.of("n1", m, "n2", n2.getRef())));
    app.expectMessageClass(GroupEvent.MembersChanged.class);
    assertEquals(new GroupEvent.Stable("chat", 1), app.expectMessageClass(GroupEvent.Stable.class));
  }

  @Test
  void refusesAMessageForAnotherGroupAndKeepsServingItsOwn() throws Exception {
    ActorRef<GroupMember.Command> m = member(Order.FIFO);
    m.tell(new GroupMember.Bundle("other", "n2", List.of(fifo("n2", 1))));
    m.tell(bundle("n2", new Data("n2", -4, null, "bad")));
    app.expectNoMessage(Duration.ofMillis(200));
    m.tell(bundle("n2", fifo("n2", 1)));
    assertEquals(List.of("n2:1"), deliveries(1));
    Traces.get(kit.system()).sink().flush();
    String trace = Files.readString(dir.resolve("n1.jsonl"));
    assertTrue(trace.contains("\"event\":\"reject\"") && trace.contains("message for another group"), trace);
    assertTrue(trace.contains("sequence number below 1"), trace);
  }

  @Test
  void answersAMessageForAnotherGroupWithAClearError() {
    member(Order.FIFO);
    TestProbe<GroupMember.Command> stranger = kit.createTestProbe("stranger");
    kit.spawn(GroupMember.createWithoutDiscovery(MulticastSettings.defaults("chat", Order.FIFO), NetworkModel.PERFECT), "other");
    ActorRef<GroupMember.Command> m = member2();
    m.tell(new GroupMember.Hello("payroll", "n9", stranger.getRef(), 1));
    GroupMember.Refused refused = next(stranger, GroupMember.Refused.class);
    assertTrue(refused.reason().contains("serves group [chat] here, not [payroll]"), refused.reason());
  }

  private ActorRef<GroupMember.Command> member2() {
    return kit.spawn(GroupMember.createWithoutDiscovery(MulticastSettings.defaults("chat", Order.FIFO), NetworkModel.PERFECT),
        "multicast-chat-2");
  }

  // ------------------------------------------------------------------ total order between probes

  /** n1 is the sequencer of epoch 1 (lowest name); n2 and n3 are probes that say they are ready. */
  private ActorRef<GroupMember.Command> totalMember() {
    ActorRef<GroupMember.Command> m = member(Order.TOTAL);
    next(n2, GroupMember.Hello.class);
    TotalOrder.FlushRequest req = (TotalOrder.FlushRequest) nextSequencing(n2).body();
    assertEquals(1, req.epoch());
    for (TestProbe<GroupMember.Command> p : List.of(n2, n3)) {
      String name = p == n2 ? "n2" : "n3";
      m.tell(new GroupMember.Sequencing("chat", name, new TotalOrder.FlushReply(1, 1, 1, 0, List.of(), List.of())));
    }
    assertTrue(nextSequencing(n3).body() instanceof TotalOrder.FlushRequest);
    assertTrue(nextSequencing(n3).body() instanceof TotalOrder.NewEpoch, "n1 leads epoch 1");
    return m;
  }

  private static GroupMember.Sequencing nextSequencing(TestProbe<GroupMember.Command> peer) {
    return next(peer, GroupMember.Sequencing.class);
  }

  @Test
  void theSequencerNumbersWhatItReleasesAndDeliversOnceEveryMemberIsReady() {
    ActorRef<GroupMember.Command> m = totalMember();
    m.tell(bundle("n2", fifo("n2", 1)));
    TotalOrder.Ordered ordered = (TotalOrder.Ordered) nextSequencing(n3).body();
    assertEquals(List.of(new TotalOrder.Run(1, "n2", 1, 1)), ordered.runs());
    app.expectNoMessage(Duration.ofMillis(200)); // n2 and n3 have not said they are ready
    m.tell(new GroupMember.Status("chat", "n2", Map.of(), Map.of("n2", 1L), 1));
    m.tell(new GroupMember.Status("chat", "n3", Map.of(), Map.of("n2", 1L), 1));
    GroupEvent.Delivered d = null;
    while (d == null) if (app.receiveMessage(Duration.ofSeconds(3)) instanceof GroupEvent.Delivered got) d = got;
    assertEquals("n2:1", d.msgId());
    assertEquals(1, d.gseq());
  }

  @Test
  void aMemberRefusesOrdersOfAStaleEpochAndAsksForAGseqFarAhead() throws Exception {
    ActorRef<GroupMember.Command> m = member(Order.TOTAL);
    // n1 is lowest, so it leads; make it a follower instead: n0 opens epoch 5 and numbers.
    m.tell(new GroupMember.ViewChanged(Map.of("n0", n3.getRef(), "n1", m, "n2", n2.getRef())));
    m.tell(new GroupMember.Sequencing("chat", "n0", new TotalOrder.FlushRequest(5, List.of("n0", "n1", "n2"))));
    m.tell(new GroupMember.Sequencing("chat", "n0", new TotalOrder.NewEpoch(5, 1, 1, 0, List.of(), List.of("n0", "n1", "n2"))));
    m.tell(new GroupMember.Hello("chat", "n0", n3.getRef(), 1));
    m.tell(new GroupMember.Sequencing("chat", "n0", new TotalOrder.Ordered(4, List.of(new TotalOrder.Run(1, "n2", 1, 1)))));
    m.tell(new GroupMember.Sequencing("chat", "n0", new TotalOrder.Ordered(5, List.of(new TotalOrder.Run(40, "n2", 40, 1)))));
    TotalOrder.OrderNack nack = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (nack == null && System.nanoTime() < deadline) {
      if (nextSequencing(n3).body() instanceof TotalOrder.OrderNack n) nack = n;
    }
    assertEquals(new TotalOrder.OrderNack(5, 1, 39), nack, "gseq 40 far ahead: ask for 1..39, deliver nothing");
    for (GroupEvent e : app.receiveSeveralMessages(1, Duration.ofSeconds(1))) assertTrue(e instanceof GroupEvent.MembersChanged, e.toString());
    app.expectNoMessage(Duration.ofMillis(200));
    Traces.get(kit.system()).sink().flush();
    String trace = Files.readString(dir.resolve("n1.jsonl"));
    assertTrue(trace.contains("\"reason\":\"stale epoch\"") && trace.contains("\"epoch\":4"), trace);
  }

  @Test
  void everyWireMessageSurvivesAkkasSerializer() {
    Serialization serialization = SerializationExtension.get(kit.system());
    List<Object> wire = List.of(
        new GroupMember.Hello("chat", "n2", n2.getRef(), 3),
        new GroupMember.Bundle("chat", "n2", List.of(new Data("n2", 1, VectorClock.EMPTY.with("n2", 1).with("n1", 4), "x"),
            new Data("n2", 2, null, "y"))),
        // Runs broken by a gap and by another origin, repeated origins, no clocks, progress riding along.
        new GroupMember.Bundle("chat", "n2", List.of(new Data("n2~a", 4, null, "a"), new Data("n2~a", 5, null, "b"),
            new Data("n2~a", 7, null, ""), new Data("n3~b", 8, null, "é"), new Data("n2~a", 8, null, "c")),
            new MulticastCore.Progress(Map.of("n2~a", 8L), Map.of("n3~b", 8L), 0)),
        new GroupMember.Bundle("chat", "n2", List.of()),
        new GroupMember.Nack("chat", "n2", "n1", 2, 9),
        new GroupMember.Status("chat", "n2", Map.of("n1", 3L, "n2", 5L), Map.of("n1", 4L, "n2", 5L), 7),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.Ordered(2, List.of(new TotalOrder.Run(9, "n1", 4, 3)))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.FlushReply(3, 1, 2, 8, List.of(new TotalOrder.Assignment(2, 9, "n1", 4)), List.of("n1:4"))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.NewEpoch(3, 1, 1, 9, List.of(), List.of("n1", "n2"))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.FlushRequest(3, List.of("n1", "n2"))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.OrderNack(3, 4, 9)),
        new GroupMember.Refused("chat", "n2", "not here"));
    for (Object msg : wire) {
      var serializer = serialization.findSerializerFor(msg);
      assertEquals(JACKSON_CBOR, serializer.identifier(), "serializer of " + msg.getClass().getSimpleName());
      byte[] bytes = serialization.serialize(msg).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg)).get();
      assertEquals(msg, back);
    }
  }

  /**
   * A bundle travels in columns: 100 one-letter messages of one origin cost about a byte and a
   * half each, where a list of records (a map with origin, sequence number and payload keys per
   * message) cost over twelve.
   */
  @Test
  void aBundleOfOneOriginTravelsInColumns() {
    Serialization serialization = SerializationExtension.get(kit.system());
    List<Data> data = new java.util.ArrayList<>();
    for (int i = 1; i <= 100; i++) data.add(new Data("n2~abc", i, null, "x"));
    byte[] bytes = serialization.serialize(new GroupMember.Bundle("chat", "n2~abc", data)).get();
    assertTrue(bytes.length < 100 * 3, "a 100-message bundle took " + bytes.length + " bytes");
  }

  /** Columns that do not add up arrive as a bundle without data, which the member refuses with a reason. */
  @Test
  void aBundleWhoseColumnsDoNotAddUpArrivesWithoutData() {
    assertNull(new GroupMember.BundleWire("chat", "n2", List.of("n2"), new long[] {1}, new int[] {2}, List.of("x"), null, null)
        .bundle().data(), "two messages counted, one payload");
    assertNull(new GroupMember.BundleWire("chat", "n2", List.of("n2"), new long[] {1}, new int[] {1}, null, null, null)
        .bundle().data(), "no payloads");
    assertNull(new GroupMember.BundleWire("chat", "n2", List.of("n2"), new long[] {1}, new int[] {0}, List.of(), null, null)
        .bundle().data(), "an empty run");
    // Negative control: the same columns, adding up, carry the message.
    assertEquals(List.of(new Data("n2", 1, null, "x")),
        new GroupMember.BundleWire("chat", "n2", List.of("n2"), new long[] {1}, new int[] {1}, List.of("x"), null, null).bundle().data());
  }

  /** Akka's identifier of its Jackson CBOR serializer (akka-serialization-jackson's reference.conf). */
  private static final int JACKSON_CBOR = 33;
}
