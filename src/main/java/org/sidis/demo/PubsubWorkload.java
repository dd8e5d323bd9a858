package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import org.sidis.mom.BrokerProtocol;
import org.sidis.mom.QueueProtocol;
import org.sidis.mom.TopicTrace;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workloads of {@code sidis demo pubsub} (settings {@code sidis.demo.pubsub}). The
 * <b>publisher</b> node publishes to one topic and also subscribes to it twice: durably as
 * {@code audit} (a consumer of the subscription's queue) and non-durably as {@code screen} (an
 * actor the topic pushes to). A <b>subscriber</b> node consumes durable subscription
 * {@code billing}: the launcher kills the first one mid-run and starts another later, and the
 * subscription's queue keeps what is published in between. Everyone traces put/get/ack with
 * proto {@code topic} for the topic checker.
 */
public final class PubsubWorkload {

  private PubsubWorkload() {}

  public static void startPublisher(ActorContext<?> ctx, String node, Config demo) {
    ActorSystem<?> system = ctx.getSystem();
    String topic = demo.getString("topic");
    AtomicLong screenGot = new AtomicLong();
    TopicTrace screenTrace = new TopicTrace(system, "screen/" + topic, topic);
    ActorRef<QueueProtocol.Reply> screen = ctx.spawn(Behaviors.receive(QueueProtocol.Reply.class)
        .onMessage(QueueProtocol.Delivery.class, d -> {
          screenTrace.get(d.msgId(), "screen", false, d.deliveries());
          screenGot.incrementAndGet();
          return Behaviors.same();
        }).build(), "screen");
    Threads.daemon("pubsub-publisher", () -> {
      MomClient client = MomClient.find(system, demo.getString("manager"));
      try {
        BrokerProtocol.Reply s = client.ask(ref -> new BrokerProtocol.Subscribe(topic, "screen", false, screen, ref), Duration.ofSeconds(10));
        if (!(s instanceof BrokerProtocol.Subscribed)) throw new IllegalStateException("subscribing screen: " + s);
      } catch (TimeoutException e) {
        throw new IllegalStateException("subscribing screen timed out", e);
      }
      AtomicLong auditAcked = new AtomicLong();
      AtomicLong lastAuditNanos = new AtomicLong(System.nanoTime());
      TopicTrace auditTrace = new TopicTrace(system, "audit/" + topic, topic);
      client.consume(BrokerProtocol.subscriptionQueue(topic, "audit"), Duration.ofSeconds(1), new MomClient.Handler() {
        public void got(QueueProtocol.Delivery d) {
          auditTrace.get(d.msgId(), "audit", true, d.deliveries());
        }

        public void acked(QueueProtocol.Delivery d) {
          auditTrace.ack(d.msgId(), "audit");
          auditAcked.incrementAndGet();
          lastAuditNanos.set(System.nanoTime());
        }
      });
      Progress.print("started", Map.of("node", node));
      TopicTrace trace = new TopicTrace(system, "publisher/" + topic, topic);
      int messages = demo.getInt("messages");
      long pause = demo.getDuration("interval").toMillis();
      long progressEvery = demo.getDuration("progress-interval").toNanos();
      long published = 0, rejected = 0;
      long lastReport = System.nanoTime();
      for (int i = 1; i <= messages; i++) {
        String id = node + ":" + i;
        String payload = "{\"n\":" + i + ",\"price\":" + (100 + i % 17) + "}";
        trace.attempt(id);
        try {
          BrokerProtocol.Reply r = client.ask(ref -> new BrokerProtocol.Publish(topic, id, payload, ref), Duration.ofSeconds(30));
          if (r instanceof BrokerProtocol.Published p) {
            trace.put(id, p.subscriptions());
            published++;
          } else {
            rejected++;
            System.err.println("publish of " + id + " rejected: " + r);
          }
        } catch (TimeoutException e) {
          rejected++;
        }
        if (System.nanoTime() - lastReport >= progressEvery) {
          lastReport = System.nanoTime();
          Progress.print("progress", Map.of("node", node, "multicast", i, "delivered", published, "audit", auditAcked.get(),
              "screen", screenGot.get()));
        }
        if (pause > 0) Threads.sleep(pause);
      }
      // Done once audit, the durable subscription this node consumes, has been quiet for a while.
      while (System.nanoTime() - lastAuditNanos.get() < Duration.ofSeconds(2).toNanos()) Threads.sleep(200);
      Progress.print("done", Map.of("node", node, "multicast", messages, "delivered", published, "rejected", rejected,
          "audit", auditAcked.get(), "screen", screenGot.get()));
    });
  }

  /** A consumer of durable subscription {@code subscription}; reports how long since it last got a message. */
  public static void startSubscriber(ActorSystem<?> system, String node, Config demo) {
    Threads.daemon("pubsub-subscriber", () -> {
      MomClient client = MomClient.find(system, demo.getString("manager"));
      String topic = demo.getString("topic");
      String subscription = demo.getString("subscription");
      try {
        // Reattaching to a declared durable subscription: it already exists and holds what was
        // published while no subscriber was online.
        BrokerProtocol.Reply s = client.ask(ref -> new BrokerProtocol.Subscribe(topic, subscription, true, null, ref), Duration.ofSeconds(10));
        if (!(s instanceof BrokerProtocol.Subscribed)) throw new IllegalStateException("subscribing " + subscription + ": " + s);
      } catch (TimeoutException e) {
        throw new IllegalStateException("subscribing timed out", e);
      }
      AtomicLong acked = new AtomicLong();
      AtomicLong last = new AtomicLong(System.nanoTime());
      TopicTrace trace = new TopicTrace(system, subscription + "/" + topic, topic);
      client.consume(BrokerProtocol.subscriptionQueue(topic, subscription), Duration.ofSeconds(1), new MomClient.Handler() {
        public void got(QueueProtocol.Delivery d) {
          trace.get(d.msgId(), subscription, true, d.deliveries());
          last.set(System.nanoTime());
        }

        public void acked(QueueProtocol.Delivery d) {
          trace.ack(d.msgId(), subscription);
          acked.incrementAndGet();
          last.set(System.nanoTime());
        }
      });
      Progress.print("started", Map.of("node", node));
      while (true) {
        Threads.sleep(demo.getDuration("progress-interval").toMillis());
        Progress.print("progress", Map.of("node", node, "delivered", acked.get(),
            "idle_ms", (System.nanoTime() - last.get()) / 1_000_000));
      }
    });
  }
}
