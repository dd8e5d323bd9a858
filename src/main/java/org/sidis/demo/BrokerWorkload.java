package org.sidis.demo;

import akka.actor.typed.ActorSystem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import org.sidis.mom.BrokerProtocol;
import org.sidis.mom.QueueProtocol;
import org.sidis.mom.QueueTrace;
import org.sidis.mom.TopicTrace;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workloads of {@code sidis demo broker} (settings {@code sidis.demo.broker}, rules in
 * conf/broker.conf). The <b>producer</b> sends orders and prices through the broker of the
 * manager's node without naming a destination; a share of them are not JSON at all and must be
 * refused. The <b>consumers</b> take from every queue the rules route to (two competing
 * consumers per queue) and from the durable subscription of the price topic, and check that each
 * message arrived in its destination's format (the rules' transforms) and, for the grouped
 * queue, in per-customer order. Producer and consumers trace put/get/ack for the checkers.
 */
public final class BrokerWorkload {

  private BrokerWorkload() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** Message {@code i} of the producer (or the launcher's gateway client): deterministic from the seed. */
  static String message(Random rnd, int i, Map<String, Integer> seqs, int badEvery) {
    if (badEvery > 0 && i % badEvery == 0) return "not JSON, message " + i;
    ObjectNode m = JSON.createObjectNode();
    int k = rnd.nextInt(10);
    if (k < 2) {
      return m.put("kind", "price").put("symbol", "S" + rnd.nextInt(5)).put("price", 10 + rnd.nextInt(1000) / 10.0).put("n", i).toString();
    }
    String region = k < 6 ? "eu" : k < 8 ? (rnd.nextBoolean() ? "us" : "ca") : "apac";
    String customer = "c" + rnd.nextInt(8);
    m.put("kind", "order").put("region", region).put("n", i);
    m.putObject("customer").put("id", customer).put("name", "Name of " + customer);
    m.put("sku", "SKU-" + rnd.nextInt(100)).put("qty", 1 + rnd.nextInt(9)).put("internal", true);
    if (region.equals("eu")) m.put("seq", seqs.merge(customer, 1, Integer::sum));
    return m.toString();
  }

  /** Why {@code payload} is not in {@code destination}'s format, or null when it is. */
  static String malformed(String destination, String payload) {
    JsonNode m;
    try {
      m = JSON.readTree(payload);
    } catch (Exception e) {
      return "not JSON";
    }
    return switch (destination) {
      case "orders-eu" -> !m.path("region").asText().equals("eu") ? "region is not eu"
          : !m.path("buyer").isTextual() ? "no buyer (customer.name renamed)"
          : !m.path("item").path("code").isTextual() || !m.path("item").path("quantity").isInt() ? "no item.code/item.quantity"
          : m.path("version").asInt() != 2 ? "version is not 2"
          : m.path("customer").has("name") || m.has("internal") || m.has("sku") ? "old fields left" : null;
      case "orders-us" -> !(m.path("region").asText().equals("us") || m.path("region").asText().equals("ca")) ? "region is not us/ca"
          : !m.path("customerName").isTextual() || !m.path("customerId").isTextual() ? "no customerName/customerId"
          : m.has("customer") || m.has("internal") ? "old fields left" : null;
      case "unrouted" -> !m.path("region").asText().equals("apac") ? "a message a rule matches went to unrouted"
          : !m.path("customer").path("name").isTextual() ? "an unrouted message was transformed" : null;
      case "prices" -> !m.path("kind").asText().equals("price") ? "not a price"
          : !m.path("currency").asText().equals("EUR") ? "no currency EUR (set by the rule)" : null;
      default -> "unexpected destination " + destination;
    };
  }

  // ------------------------------------------------------------------ producer

  public static void startProducer(ActorSystem<?> system, String node, Config demo) {
    Threads.daemon("broker-producer", () -> {
      MomClient client = MomClient.find(system, demo.getString("manager"));
      Progress.print("started", Map.of("node", node));
      int messages = demo.getInt("messages");
      int badEvery = demo.getInt("bad-every");
      long progressEvery = demo.getDuration("progress-interval").toNanos();
      Random rnd = new Random(demo.getLong("seed") * 7919 + node.hashCode());
      Map<String, Integer> seqs = new HashMap<>();
      Map<String, QueueTrace> queueTraces = new HashMap<>();
      Map<String, TopicTrace> topicTraces = new HashMap<>();
      Map<String, Long> byDestination = new TreeMap<>();
      long routed = 0, rejected = 0, wrongRejections = 0, timedOut = 0;
      long lastReport = System.nanoTime();
      for (int i = 1; i <= messages; i++) {
        String id = node + ":" + i;
        String payload = message(rnd, i, seqs, badEvery);
        boolean bad = badEvery > 0 && i % badEvery == 0;
        BrokerProtocol.Reply r;
        try {
          r = client.ask(ref -> new BrokerProtocol.Send(id, payload, ref), Duration.ofSeconds(30));
        } catch (TimeoutException e) {
          timedOut++;
          continue;
        }
        if (r instanceof BrokerProtocol.Routed routedTo) {
          routed++;
          byDestination.merge(routedTo.to(), 1L, Long::sum);
          String name = routedTo.to().substring(routedTo.to().indexOf(':') + 1);
          if (routedTo.to().startsWith("queue:")) {
            queueTraces.computeIfAbsent(name, q -> new QueueTrace(system, "producer/" + q, q)).put(id);
          } else {
            topicTraces.computeIfAbsent(name, t -> new TopicTrace(system, "producer/" + t, t)).put(id, routedTo.subscriptions());
          }
          if (bad) wrongRejections++; // a message that is not JSON must not be routed
        } else {
          rejected++;
          if (!bad) {
            wrongRejections++;
            System.err.println("message " + id + " rejected: " + r);
          }
        }
        if (System.nanoTime() - lastReport >= progressEvery) {
          lastReport = System.nanoTime();
          Progress.print("progress", Map.of("node", node, "multicast", i, "delivered", routed));
        }
      }
      Progress.print("done", Map.of("node", node, "multicast", messages, "delivered", routed, "rejected", rejected,
          "wrong_rejections", wrongRejections, "timed_out", timedOut, "by_destination", byDestination.toString()));
    });
  }

  // ------------------------------------------------------------------ consumers

  public static void startConsumers(ActorSystem<?> system, String node, Config demo) {
    Threads.daemon("broker-consumers", () -> {
      MomClient client = MomClient.find(system, demo.getString("manager"));
      AtomicLong acked = new AtomicLong();
      AtomicLong malformed = new AtomicLong();
      AtomicLong orderViolations = new AtomicLong();
      Map<String, AtomicLong> byQueue = new ConcurrentHashMap<>();
      Map<String, Integer> lastSeq = new HashMap<>();
      Duration wait = Duration.ofSeconds(1);
      int perQueue = demo.getInt("consumers-per-queue");
      for (String queue : demo.getStringList("queues")) {
        for (int c = 1; c <= perQueue; c++) {
          QueueTrace trace = new QueueTrace(system, "consumer-" + c + "/" + queue, queue);
          client.consume(queue, wait, new MomClient.Handler() {
            public void got(QueueProtocol.Delivery d) {
              synchronized (trace) {
                trace.get(d.msgId(), d.deliveries());
              }
              check(queue, d, malformed);
              if (queue.equals(demo.getString("grouped-queue"))) checkOrder(d, lastSeq, orderViolations);
            }

            public void acked(QueueProtocol.Delivery d) {
              synchronized (trace) {
                trace.ack(d.msgId());
              }
              acked.incrementAndGet();
              byQueue.computeIfAbsent(queue, q -> new AtomicLong()).incrementAndGet();
            }
          });
        }
      }
      String topic = demo.getString("topic");
      String subscription = demo.getString("subscription");
      TopicTrace trace = new TopicTrace(system, "consumer/" + topic + "@" + subscription, topic);
      String queue = BrokerProtocol.subscriptionQueue(topic, subscription);
      client.consume(queue, wait, new MomClient.Handler() {
        public void got(QueueProtocol.Delivery d) {
          trace.get(d.msgId(), subscription, true, d.deliveries());
          check(topic, d, malformed);
        }

        public void acked(QueueProtocol.Delivery d) {
          trace.ack(d.msgId(), subscription);
          acked.incrementAndGet();
          byQueue.computeIfAbsent(queue, q -> new AtomicLong()).incrementAndGet();
        }
      });
      Progress.print("started", Map.of("node", node));
      while (true) {
        Threads.sleep(demo.getDuration("progress-interval").toMillis());
        Progress.print("progress", Map.of("node", node, "delivered", acked.get(), "malformed", malformed.get(),
            "order_violations", orderViolations.get(), "by_queue", new TreeMap<>(byQueue).toString()));
      }
    });
  }

  private static void check(String destination, QueueProtocol.Delivery d, AtomicLong malformed) {
    String why = malformed(destination, d.payload());
    if (why != null) {
      malformed.incrementAndGet();
      System.err.println("malformed message " + d.msgId() + " in " + destination + ": " + why + " — " + d.payload());
    }
  }

  /**
   * Per-customer order in the grouped queue: each customer's {@code seq} must come as the one
   * after the last seen (or that one again: a redelivery). The record is made before the ack,
   * and the queue hands out the customer's next message only after the ack.
   */
  private static void checkOrder(QueueProtocol.Delivery d, Map<String, Integer> lastSeq, AtomicLong violations) {
    JsonNode m;
    try {
      m = JSON.readTree(d.payload());
    } catch (Exception e) {
      return;
    }
    // The launcher's gateway messages come from another producer: keep each producer's customers apart.
    String key = d.msgId().substring(0, d.msgId().lastIndexOf(':')) + "/" + m.path("customer").path("id").asText();
    int seq = m.path("seq").asInt();
    synchronized (lastSeq) {
      int last = lastSeq.getOrDefault(key, 0);
      if (seq != last + 1 && seq != last) {
        violations.incrementAndGet();
        System.err.println("out of order in the grouped queue: " + key + " seq " + seq + " after " + last + " (" + d.msgId() + ")");
      }
      lastSeq.put(key, Math.max(seq, last));
    }
  }
}
