package org.sidis.multicast;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
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
    kit = ActorTestKit.create("member", ConfigFactory.parseMap(Map.of(
        "akka.actor.provider", "local",
        "sidis.node.name", "n1",
        "sidis.trace.dir", dir.toString()))
        .withFallback(ConfigFactory.load()));
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
  void everyWireMessageSurvivesAkkasSerializer() {
    Serialization serialization = SerializationExtension.get(kit.system());
    List<Object> wire = List.of(
        new GroupMember.Hello("chat", "n2", n2.getRef(), 3),
        new GroupMember.Bundle("chat", "n2", List.of(new Data("n2", 1, VectorClock.EMPTY.with("n2", 1).with("n1", 4), "x"),
            new Data("n2", 2, null, "y"))),
        new GroupMember.Nack("chat", "n2", "n1", 2, 9),
        new GroupMember.Status("chat", "n2", Map.of("n1", 3L, "n2", 5L), Map.of("n1", 4L, "n2", 5L), 7),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.Ordered(2, List.of(new TotalOrder.Run(9, "n1", 4, 3)))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.FlushReply(3, 1, 2, 8, List.of(new TotalOrder.Assignment(2, 9, "n1", 4)), List.of("n1:4"))),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.NewEpoch(3, 1, 1, 9, List.of())),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.FlushRequest(3)),
        new GroupMember.Sequencing("chat", "n2", new TotalOrder.OrderNack(3, 4, 9)));
    for (Object msg : wire) {
      var serializer = serialization.findSerializerFor(msg);
      assertEquals(JACKSON_CBOR, serializer.identifier(), "serializer of " + msg.getClass().getSimpleName());
      byte[] bytes = serialization.serialize(msg).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg)).get();
      assertEquals(msg, back);
    }
  }

  /** Akka's identifier of its Jackson CBOR serializer (akka-serialization-jackson's reference.conf). */
  private static final int JACKSON_CBOR = 33;
}
