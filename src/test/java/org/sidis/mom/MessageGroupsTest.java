package org.sidis.mom;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Message groups on the plain queue core: one message of a key in flight at a time, keys in parallel. */
class MessageGroupsTest {

  /** Payloads here are "key/n"; the key is before the slash, "-" means no group. */
  private final QueueCore<String> q = new QueueCore<>(1_000, 3, p -> p.startsWith("-") ? null : p.substring(0, p.indexOf('/')));

  private String next(long now) {
    return q.poll(now).map(QueueCore.Delivery::id).orElse(null);
  }

  @Test
  void aGroupWithAMessageInFlightIsSkippedAndOtherKeysGoAhead() {
    q.enqueue("a1", "a/1");
    q.enqueue("a2", "a/2");
    q.enqueue("b1", "b/1");
    q.enqueue("n1", "-/1");
    assertEquals("a1", next(0));
    assertEquals("b1", next(0), "a2 waits for a1; b1 is another key");
    assertEquals("n1", next(0), "a message without a key is never held back");
    assertEquals(null, next(0), "a2 still waits: a1 is not acknowledged");
    assertEquals(java.util.Set.of("a", "b"), q.heldGroups());
    q.acknowledged("a1");
    assertEquals("a2", next(0));
  }

  @Test
  void aRedeliveredMessageKeepsItsPlaceBeforeLaterMessagesOfItsGroup() {
    q.enqueue("a1", "a/1");
    q.enqueue("a2", "a/2");
    assertEquals("a1", next(0));
    assertEquals(List.of("a1"), q.expire(1_000).redelivered());
    assertEquals("a1", next(1_000), "the timed-out a1 comes again before a2");
    assertEquals(null, next(1_000));
  }

  @Test
  void aDeadLetteredMessageFreesItsGroup() {
    QueueCore<String> once = new QueueCore<>(1_000, 1, p -> "k");
    once.enqueue("k1", "x");
    once.enqueue("k2", "y");
    assertEquals("k1", once.poll(0).orElseThrow().id());
    assertEquals(List.of("k1"), once.expire(1_000).dying());
    assertEquals(Optional.empty(), once.poll(1_000), "k1 is about to be dead-lettered: the group is still held");
    once.deadLetter("k1");
    assertEquals("k2", once.poll(1_000).orElseThrow().id());
  }

  @Test
  void waitingGetsAreServedWhenAnAckFreesAGroup() {
    q.enqueue("a1", "a/1");
    q.enqueue("a2", "a/2");
    assertEquals("a1", q.get("c1", 500, 0).orElseThrow().id());
    assertEquals(Optional.empty(), q.get("c2", 500, 0), "a2 belongs to a held group: c2 waits");
    assertEquals(List.of(), q.serveWaiters(0), "nothing to hand out while a1 is in flight");
    q.acknowledged("a1");
    List<QueueCore.Handoff<String>> served = q.serveWaiters(1);
    assertEquals(1, served.size());
    assertEquals("c2", served.get(0).waiter());
    assertEquals("a2", served.get(0).delivery().id());
  }

  @Test
  void competingConsumersProcessEachKeyInOrderUnderRandomInterleavings() {
    for (int seed = 1; seed <= 50; seed++) {
      Random rnd = new Random(seed);
      QueueCore<String> g = new QueueCore<>(1_000, 100, p -> p.substring(0, p.indexOf('/')));
      Map<String, Integer> sent = new HashMap<>();
      int total = 200;
      for (int i = 0; i < total; i++) {
        String key = "k" + rnd.nextInt(5);
        int n = sent.merge(key, 1, Integer::sum);
        g.enqueue(key + ":" + n, key + "/" + n);
      }
      // Four consumers, each holding at most two messages, ack in random order; some acks are
      // forgotten and the visibility timeout hands the message back.
      List<List<QueueCore.Delivery>> holding = new ArrayList<>();
      for (int c = 0; c < 4; c++) holding.add(new ArrayList<>());
      Map<String, List<Integer>> processed = new HashMap<>();
      long now = 0;
      int steps = 0;
      while (processed.values().stream().mapToInt(List::size).sum() < total && steps++ < 100_000) {
        int c = rnd.nextInt(4);
        List<QueueCore.Delivery> h = holding.get(c);
        if (h.size() < 2 && rnd.nextBoolean()) {
          g.poll(now).ifPresent(h::add);
        } else if (!h.isEmpty()) {
          QueueCore.Delivery d = h.remove(rnd.nextInt(h.size()));
          if (rnd.nextInt(10) == 0) continue; // the consumer crashed before acking
          if (g.ack(d.id(), d.token()) == QueueCore.AckResult.ACKED) {
            String key = d.payload().substring(0, d.payload().indexOf('/'));
            processed.computeIfAbsent(key, k -> new ArrayList<>()).add(Integer.parseInt(d.payload().substring(key.length() + 1)));
          }
        }
        if (rnd.nextInt(50) == 0) {
          now += 1_000;
          g.expire(now);
          // what a consumer held past the timeout is no longer its to ack
          holding.forEach(List::clear);
        }
      }
      for (Map.Entry<String, List<Integer>> e : processed.entrySet()) {
        List<Integer> order = e.getValue();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= sent.get(e.getKey()); i++) expected.add(i);
        assertEquals(expected, order, "seed " + seed + ": key " + e.getKey() + " processed out of order");
      }
      assertEquals(total, processed.values().stream().mapToInt(List::size).sum(), "seed " + seed + ": not everything was processed");
    }
  }

  @Test
  void theGroupKeyIsAJsonFieldOfThePayloadWhenConfigured() {
    QueueSettings s = QueueSettings.defaults().withGroups("orders", QueueSettings.Durability.TRANSIENT, "customer.id");
    var key = s.grouping("orders");
    assertEquals("c7", key.apply("{\"customer\":{\"id\":\"c7\"}}"));
    assertEquals("42", key.apply("{\"customer\":{\"id\":42}}"));
    assertEquals(null, key.apply("{\"other\":1}"), "a message without the field has no group");
    assertEquals(null, key.apply("plain text"), "a payload that is not JSON has no group");
    assertEquals(null, s.grouping("jobs"), "a queue without group-by has no groups");
    assertTrue(s.queues().containsKey("orders"));
  }
}
