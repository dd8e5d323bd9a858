package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.BrokerProtocol.*;
import org.sidis.mom.QueueProtocol.Ack;
import org.sidis.mom.QueueProtocol.Acked;
import org.sidis.mom.QueueProtocol.Command;
import org.sidis.mom.QueueProtocol.Delivery;
import org.sidis.mom.QueueProtocol.Empty;
import org.sidis.mom.QueueProtocol.Get;
import org.sidis.mom.QueueProtocol.Poll;
import org.sidis.mom.QueueProtocol.Put;
import org.sidis.mom.QueueProtocol.PutAck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Queue vs topic vs durable subscription, message groups and the broker's rules, through a queue
 * manager between TestKit probes.
 */
class BrokerTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<Reply> app;
  private TestProbe<QueueProtocol.Reply> consumer;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("broker", dir);
    app = kit.createTestProbe("app");
    consumer = kit.createTestProbe("consumer");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static final String RULES = """
      sidis.mom.broker.rules = [
        { name = eu, match = { field = region, equals = eu }, to = "queue:orders-eu",
          transform { rename { "customer.name" = buyer }, set { version = 2 } } }
        { name = prices, match = { field = kind, equals = price }, to = "topic:prices" }
        { name = elsewhere, match = { field = region, equals = mars }, to = "queue:nowhere" }
      ]""";

  private static BrokerRules rules() {
    return BrokerRules.fromConfig(ConfigFactory.parseString(RULES), "sidis.mom.broker");
  }

  private ActorRef<Command> manager(QueueSettings queues, BrokerSettings broker) {
    return kit.spawn(QueueManager.create(queues, broker, "n1"), "queue-manager");
  }

  private ActorRef<Command> manager() {
    return manager(QueueSettings.defaults(), BrokerSettings.none().withRules(rules()));
  }

  private Subscribed subscribe(ActorRef<Command> qm, String topic, String name, boolean durable, ActorRef<QueueProtocol.Reply> who) {
    qm.tell(new Subscribe(topic, name, durable, who, app.getRef()));
    return assertInstanceOf(Subscribed.class, app.receiveMessage());
  }

  private Published publish(ActorRef<Command> qm, String topic, String id) {
    qm.tell(new Publish(topic, id, "{\"id\":\"" + id + "\"}", app.getRef()));
    return assertInstanceOf(Published.class, app.receiveMessage());
  }

  // ------------------------------------------------------------------ queue vs topic

  @Test
  void aQueueGivesEachMessageToOneOfItsCompetingConsumersATopicToEverySubscriber() {
    ActorRef<Command> qm = manager();
    TestProbe<QueueProtocol.Reply> c1 = kit.createTestProbe();
    TestProbe<QueueProtocol.Reply> c2 = kit.createTestProbe();
    TestProbe<QueueProtocol.Reply> ack = kit.createTestProbe();
    for (int i = 1; i <= 4; i++) qm.tell(new Put("jobs", "p:" + i, "x", ack.getRef()));
    for (int i = 1; i <= 4; i++) ack.expectMessageClass(PutAck.class);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      qm.tell(new Get("jobs", Duration.ofSeconds(1), c1.getRef()));
      qm.tell(new Get("jobs", Duration.ofSeconds(1), c2.getRef()));
      got.add(c1.expectMessageClass(Delivery.class).msgId());
      got.add(c2.expectMessageClass(Delivery.class).msgId());
    }
    assertEquals(List.of("p:1", "p:2", "p:3", "p:4"), got.stream().sorted().toList(), "each message went to exactly one consumer");

    subscribe(qm, "news", "a", false, c1.getRef());
    subscribe(qm, "news", "b", false, c2.getRef());
    assertEquals(List.of("a", "b"), publish(qm, "news", "t:1").subscriptions());
    assertEquals(new Delivery("news", "t:1", "{\"id\":\"t:1\"}", 1, null), c1.receiveMessage(), "a push has no token");
    assertEquals(new Delivery("news", "t:1", "{\"id\":\"t:1\"}", 1, null), c2.receiveMessage());
  }

  @Test
  void aDurableSubscriptionKeepsWhatIsPublishedWhileItsSubscriberIsOfflineANonDurableOneDoesNot() {
    ActorRef<Command> qm = manager();
    Subscribed durable = subscribe(qm, "news", "audit", true, null);
    assertEquals("news@audit", durable.queue());
    TestProbe<QueueProtocol.Reply> live = kit.createTestProbe();
    subscribe(qm, "news", "live", false, live.getRef());
    live.stop(); // the non-durable subscriber goes away
    // The topic learns of the stop through its watch; publish until it has dropped the subscription.
    List<String> subs = List.of();
    for (int i = 1; i <= 50 && !subs.equals(List.of("audit")); i++) {
      subs = publish(qm, "news", "t:" + i).subscriptions();
      if (!subs.equals(List.of("audit"))) sleep(50);
    }
    assertEquals(List.of("audit"), subs, "a stopped non-durable subscriber is dropped");
    // The durable subscriber was never online; its queue kept every message, in order.
    List<String> kept = new ArrayList<>();
    while (true) {
      qm.tell(new Poll(durable.queue(), consumer.getRef()));
      QueueProtocol.Reply r = consumer.receiveMessage();
      if (r instanceof Empty) break;
      Delivery d = (Delivery) r;
      kept.add(d.msgId());
      qm.tell(new Ack(durable.queue(), d.msgId(), d.token(), consumer.getRef()));
      consumer.expectMessageClass(Acked.class);
    }
    assertFalse(kept.isEmpty());
    for (int i = 0; i < kept.size(); i++) assertEquals("t:" + (i + 1), kept.get(i), "durable copies in publish order: " + kept);
  }

  @Test
  void aDeclaredDurableSubscriptionExistsBeforeAnySubscriberAndSubscribingAgainReattaches() {
    ActorRef<Command> qm = manager(QueueSettings.defaults(),
        BrokerSettings.none().withTopic("prices", QueueSettings.Durability.TRANSIENT, List.of("billing")));
    assertEquals(List.of("billing"), publish(qm, "prices", "m:1").subscriptions());
    Subscribed s = subscribe(qm, "prices", "billing", true, null);
    assertEquals("prices@billing", s.queue());
    assertEquals(List.of("billing"), publish(qm, "prices", "m:2").subscriptions(), "subscribing again is not a second subscription");
    qm.tell(new Get(s.queue(), Duration.ofSeconds(1), consumer.getRef()));
    assertEquals("m:1", consumer.expectMessageClass(Delivery.class).msgId());
  }

  @Test
  void unsubscribingADurableSubscriptionStopsItsCopiesAndAnUnknownOneIsRejected() {
    ActorRef<Command> qm = manager();
    subscribe(qm, "news", "audit", true, null);
    qm.tell(new Unsubscribe("news", "audit", app.getRef()));
    assertEquals(new Unsubscribed("news", "audit"), app.receiveMessage());
    assertEquals(List.of(), publish(qm, "news", "t:1").subscriptions());
    qm.tell(new Unsubscribe("news", "audit", app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("no subscription [audit]"));
  }

  @Test
  void aSubscriptionNameIsEitherDurableOrNotAndBelongsToOneSubscriber() {
    ActorRef<Command> qm = manager();
    subscribe(qm, "news", "audit", true, null);
    qm.tell(new Subscribe("news", "audit", false, consumer.getRef(), app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("is durable"));
    TestProbe<QueueProtocol.Reply> other = kit.createTestProbe();
    subscribe(qm, "news", "live", false, consumer.getRef());
    qm.tell(new Subscribe("news", "live", false, other.getRef(), app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("another subscriber"));
    qm.tell(new Subscribe("news", "a/b", true, null, app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("contains '/' or '@'"));
  }

  @Test
  void publishingAnOversizedMessageOrToAMissingTopicIsRejectedSayingWhy() {
    ActorRef<Command> qm = manager(QueueSettings.defaults().withCreateOnDemand(false), BrokerSettings.none().withRules(rules()));
    qm.tell(new Publish("nope", "m:1", "{}", app.getRef()));
    Rejected missing = assertInstanceOf(Rejected.class, app.receiveMessage());
    assertEquals("no topic [nope] on this node (sidis.mom.create-on-demand = off)", missing.reason());
    qm.tell(new Publish("nope", "m:2", "x".repeat(300 * 1024), app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("exceeds sidis.mom.max-message-bytes"));
  }

  // ------------------------------------------------------------------ the broker

  @Test
  void theBrokerRoutesByContentAndTransformsOnTheWay() throws Exception {
    ActorRef<Command> qm = manager();
    qm.tell(new Send("p:1", "{\"region\":\"eu\",\"customer\":{\"name\":\"Ana\"},\"sku\":\"X\"}", app.getRef()));
    assertEquals(new Routed("p:1", "eu", "queue:orders-eu", List.of()), app.receiveMessage());
    qm.tell(new Poll("orders-eu", consumer.getRef()));
    Delivery d = consumer.expectMessageClass(Delivery.class);
    assertEquals(BrokerRules.JSON.readTree("{\"region\":\"eu\",\"customer\":{},\"sku\":\"X\",\"buyer\":\"Ana\",\"version\":2}"),
        BrokerRules.JSON.readTree(d.payload()));

    subscribe(qm, "prices", "screen", false, consumer.getRef());
    qm.tell(new Send("p:2", "{\"kind\":\"price\",\"v\":3}", app.getRef()));
    assertEquals(new Routed("p:2", "prices", "topic:prices", List.of("screen")), app.receiveMessage());
    assertEquals("p:2", consumer.expectMessageClass(Delivery.class).msgId());
  }

  @Test
  void theBrokerRejectsWhatItCannotRouteAndNeverDropsItSilently() {
    ActorRef<Command> qm = manager(QueueSettings.defaults().withCreateOnDemand(false), BrokerSettings.none().withRules(rules()));
    qm.tell(new Send("p:1", "{\"region\":\"us\"}", app.getRef()));
    Rejected r1 = assertInstanceOf(Rejected.class, app.receiveMessage());
    assertTrue(r1.reason().startsWith("no rule matches"), r1.reason());
    qm.tell(new Send("p:2", "not json", app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().startsWith("payload is not JSON"));
    qm.tell(new Send("p:3", "{\"region\":\"mars\"}", app.getRef()));
    Rejected r3 = assertInstanceOf(Rejected.class, app.receiveMessage());
    assertEquals("queue:nowhere", r3.destination());
    assertTrue(r3.reason().contains("no queue [nowhere]"), r3.reason());
    qm.tell(new Send("p:4", "{\"region\":\"eu\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}", app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("exceeds sidis.mom.max-message-bytes"));
  }

  @Test
  void aBrokerWithoutRulesRejectsEverySend() {
    ActorRef<Command> qm = manager(QueueSettings.defaults(), BrokerSettings.none());
    qm.tell(new Send("p:1", "{}", app.getRef()));
    assertTrue(assertInstanceOf(Rejected.class, app.receiveMessage()).reason().contains("has no rules"));
  }

  // ------------------------------------------------------------------ message groups through the actor

  @Test
  void aGroupedQueueKeepsPerKeyOrderWithCompetingConsumers() {
    ActorRef<Command> qm = manager(QueueSettings.defaults().withGroups("orders", QueueSettings.Durability.TRANSIENT, "customer"),
        BrokerSettings.none());
    TestProbe<QueueProtocol.Reply> ack = kit.createTestProbe();
    for (String[] m : new String[][] {{"o:1", "a"}, {"o:2", "a"}, {"o:3", "b"}}) {
      qm.tell(new Put("orders", m[0], "{\"customer\":\"" + m[1] + "\"}", ack.getRef()));
      ack.expectMessageClass(PutAck.class);
    }
    TestProbe<QueueProtocol.Reply> c1 = kit.createTestProbe();
    TestProbe<QueueProtocol.Reply> c2 = kit.createTestProbe();
    TestProbe<QueueProtocol.Reply> c3 = kit.createTestProbe();
    qm.tell(new Get("orders", Duration.ofSeconds(5), c1.getRef()));
    Delivery o1 = c1.expectMessageClass(Delivery.class);
    assertEquals("o:1", o1.msgId());
    qm.tell(new Get("orders", Duration.ofSeconds(5), c2.getRef()));
    assertEquals("o:3", c2.expectMessageClass(Delivery.class).msgId(), "o:2 waits behind o:1 of the same customer");
    qm.tell(new Get("orders", Duration.ofSeconds(5), c3.getRef()));
    c3.expectNoMessage(Duration.ofMillis(200));
    qm.tell(new Ack(o1, ack.getRef()));
    ack.expectMessageClass(Acked.class);
    assertEquals("o:2", c3.expectMessageClass(Delivery.class).msgId(), "the ack of o:1 frees customer a for the waiting GET");
  }

  // ------------------------------------------------------------------ durability across a restart

  @Test
  void aPersistentTopicsDurableSubscriptionsDeclaredOrMadeAtRunTimeKeepTheirMessagesAcrossARestart() {
    BrokerSettings broker = BrokerSettings.none().withTopic("prices", QueueSettings.Durability.PERSISTENT, List.of("audit"));
    ActorTestKit first = ActorTestKit.create("topic1", PersistentQueueTest.config(dir, "n1"));
    try {
      TestProbe<Reply> p = first.createTestProbe();
      ActorRef<Command> qm = first.spawn(QueueManager.create(QueueSettings.defaults(), broker, "n1"), "queue-manager");
      qm.tell(new Subscribe("prices", "late", true, null, p.getRef()));
      assertEquals(new Subscribed("prices", "late", "prices@late"), p.expectMessageClass(Subscribed.class, Duration.ofSeconds(10)));
      for (int i = 1; i <= 3; i++) {
        qm.tell(new Publish("prices", "m:" + i, "{\"i\":" + i + "}", p.getRef()));
        assertEquals(List.of("audit", "late"), p.expectMessageClass(Published.class, Duration.ofSeconds(10)).subscriptions());
      }
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = ActorTestKit.create("topic2", PersistentQueueTest.config(dir, "n1"));
    try {
      TestProbe<Reply> p = second.createTestProbe();
      TestProbe<QueueProtocol.Reply> c = second.createTestProbe();
      ActorRef<Command> qm = second.spawn(QueueManager.create(QueueSettings.defaults(), broker, "n1"), "queue-manager");
      // Nobody subscribes again: the journal brought "late" back, and the topic goes on filling it.
      for (int i = 4; i <= 5; i++) {
        qm.tell(new Publish("prices", "m:" + i, "{\"i\":" + i + "}", p.getRef()));
        assertEquals(List.of("audit", "late"), p.expectMessageClass(Published.class, Duration.ofSeconds(15)).subscriptions());
      }
      for (String queue : List.of("prices@audit", "prices@late")) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          qm.tell(new Get(queue, Duration.ofSeconds(10), c.getRef()));
          Delivery d = c.expectMessageClass(Delivery.class, Duration.ofSeconds(15));
          got.add(d.msgId());
          qm.tell(new Ack(queue, d.msgId(), d.token(), c.getRef()));
          c.expectMessageClass(Acked.class, Duration.ofSeconds(10));
        }
        assertEquals(List.of("m:1", "m:2", "m:3", "m:4", "m:5"), got, queue);
      }
      qm.tell(new Unsubscribe("prices", "late", p.getRef()));
      assertEquals(new Unsubscribed("prices", "late"), p.expectMessageClass(Unsubscribed.class, Duration.ofSeconds(10)));
    } finally {
      second.shutdownTestKit();
    }
    ActorTestKit third = ActorTestKit.create("topic3", PersistentQueueTest.config(dir, "n1"));
    try {
      TestProbe<Reply> p = third.createTestProbe();
      ActorRef<Command> qm = third.spawn(QueueManager.create(QueueSettings.defaults(), broker, "n1"), "queue-manager");
      qm.tell(new Publish("prices", "m:6", "{}", p.getRef()));
      assertEquals(List.of("audit"), p.expectMessageClass(Published.class, Duration.ofSeconds(15)).subscriptions(),
          "an unsubscribed durable subscription stays gone after a restart");
    } finally {
      third.shutdownTestKit();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
