package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.sidis.mom.BrokerProtocol.*;
import org.sidis.mom.QueueProtocol.Command;
import org.sidis.mom.QueueProtocol.Delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three ActorSystems in one JVM, a cluster over Artery TCP on loopback: the broker and a topic
 * live on a, a producer on b finds a's queue manager through the Receptionist and sends through
 * the broker, subscribers on c receive across the wire — pushed (non-durable) and from their
 * durable subscription's queue. Every broker and topic message crosses Akka's serializer.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class BrokerClusterTest {

  private static Config node(String name) {
    return ConfigFactory.parseString("""
            sidis.mom.topics = [ { name = prices, subscriptions = [audit] } ]
            sidis.mom.broker.rules = [
              { name = prices, match = { field = kind, equals = price }, to = "topic:prices", transform.set { currency = EUR } }
              { name = orders, match = { field = kind, equals = order }, to = "queue:orders", transform.rename { id = orderId } }
            ]""")
        .withFallback(org.sidis.node.TestClusters.nodeConfig(name));
  }

  @Test
  void aProducerOnOneNodeSendsThroughTheBrokerOfAnotherAndSubscribersOnAThirdReceive() throws Exception {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    ActorTestKit c = ActorTestKit.create("sidis", node("c"));
    try {
      org.sidis.node.TestClusters.joinAndAwaitUp(List.of(a, b, c));
      Config conf = a.system().settings().config();
      a.spawn(QueueManager.create(QueueSettings.fromConfig(conf.getConfig("sidis.mom")), BrokerSettings.fromConfig(conf.getConfig("sidis.mom"))),
          "queue-manager");
      ActorRef<Command> fromB = find(b, "a");
      ActorRef<Command> fromC = find(c, "a");

      TestProbe<QueueProtocol.Reply> screen = c.createTestProbe("screen");
      TestProbe<Reply> cReplies = c.createTestProbe();
      fromC.tell(new Subscribe("prices", "screen", false, screen.getRef(), cReplies.getRef()));
      assertEquals(new Subscribed("prices", "screen", null), cReplies.receiveMessage(Duration.ofSeconds(10)));

      TestProbe<Reply> producer = b.createTestProbe();
      List<String> sent = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        String id = "b:" + i;
        fromB.tell(new Send(id, i % 2 == 0 ? "{\"kind\":\"price\",\"v\":" + i + "}" : "{\"kind\":\"order\",\"id\":" + i + "}", producer.getRef()));
        Routed r = producer.expectMessageClass(Routed.class, Duration.ofSeconds(10));
        assertEquals(i % 2 == 0 ? "topic:prices" : "queue:orders", r.to(), r.toString());
        if (i % 2 == 0) assertEquals(List.of("audit", "screen"), r.subscriptions());
        sent.add(id);
      }
      // screen (non-durable, on c) was pushed every price, in order, transformed.
      for (int i = 2; i <= 20; i += 2) {
        Delivery d = screen.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
        assertEquals("b:" + i, d.msgId());
        assertTrue(d.payload().contains("\"currency\":\"EUR\""), d.payload());
      }
      // audit (durable) is consumed from c with GET/ACK across the wire.
      TestProbe<QueueProtocol.Reply> consumer = c.createTestProbe();
      for (int i = 2; i <= 20; i += 2) {
        fromC.tell(new QueueProtocol.Get("prices@audit", Duration.ofSeconds(5), consumer.getRef()));
        Delivery d = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
        assertEquals("b:" + i, d.msgId());
        fromC.tell(new QueueProtocol.Ack("prices@audit", d.msgId(), d.token(), consumer.getRef()));
        consumer.expectMessageClass(QueueProtocol.Acked.class, Duration.ofSeconds(10));
      }
      fromC.tell(new QueueProtocol.Get("orders", Duration.ofSeconds(5), consumer.getRef()));
      assertEquals("{\"kind\":\"order\",\"orderId\":1}", consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10)).payload());
    } finally {
      c.shutdownTestKit();
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

  private static ActorRef<Command> find(ActorTestKit kit, String node) {
    TestProbe<Receptionist.Listing> probe = kit.createTestProbe();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      kit.system().receptionist().tell(Receptionist.find(QueueManager.key(node), probe.getRef()));
      var refs = probe.receiveMessage(Duration.ofSeconds(5)).getServiceInstances(QueueManager.key(node));
      if (!refs.isEmpty()) return refs.iterator().next();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("the queue manager of " + node + " was not found within 20 s");
  }

  @Test
  void everyWireMessageOfTheBrokerCrossesAkkasSerializer() {
    ActorTestKit kit = org.sidis.node.TestKits.local("wire");
    try {
      TestProbe<Reply> app = kit.createTestProbe();
      TestProbe<QueueProtocol.Reply> sub = kit.createTestProbe();
      List<Object> wire = List.of(
          new Send("p:1", "{}", app.getRef()),
          new Publish("t", "p:1", "{}", app.getRef()),
          new Subscribe("t", "s", false, sub.getRef(), app.getRef()),
          new Subscribe("t", "s", true, null, app.getRef()),
          new Unsubscribe("t", "s", app.getRef()),
          new Routed("p:1", "r", "topic:t", List.of("a", "b")),
          new Routed("p:1", null, "queue:q", List.of()),
          new Published("t", "p:1", List.of("a")),
          new Subscribed("t", "s", "t@s"),
          new Subscribed("t", "s", null),
          new Unsubscribed("t", "s"),
          new Rejected(null, "p:1", "why"));
      org.sidis.node.WireRoundTrip.assertEachCrossesJacksonCbor(kit.system(), wire);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
