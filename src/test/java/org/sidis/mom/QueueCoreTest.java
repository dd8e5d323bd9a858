package org.sidis.mom;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The queue's rules as a value: time is a number the test moves. */
class QueueCoreTest {

  private final QueueCore<String> q = new QueueCore<>(1_000, 3);

  @Test
  void pollHandsOutMessagesInArrivalOrderAndIsEmptyAfterwards() {
    q.enqueue("a", "A");
    q.enqueue("b", "B");
    assertEquals("a", q.poll(0).orElseThrow().id());
    assertEquals("b", q.poll(0).orElseThrow().id());
    assertEquals(Optional.empty(), q.poll(0));
  }

  @Test
  void aRetriedPutOfAHeldMessageIsNotASecondMessage() {
    assertTrue(q.enqueue("a", "A"));
    assertFalse(q.enqueue("a", "A"));
    q.poll(0);
    assertFalse(q.enqueue("a", "A"), "an in-flight message is still held");
    assertEquals(0, q.readyCount());
  }

  @Test
  void getWaitsForAPutAndWaitersAreServedFirstComeFirstServed() {
    assertEquals(Optional.empty(), q.get("c1", 500, 0));
    assertEquals(Optional.empty(), q.get("c2", 500, 0));
    q.enqueue("a", "A");
    q.enqueue("b", "B");
    List<QueueCore.Handoff<String>> served = q.serveWaiters(10);
    assertEquals(List.of("c1", "c2"), served.stream().map(QueueCore.Handoff::waiter).toList());
    assertEquals(List.of("a", "b"), served.stream().map(h -> h.delivery().id()).toList());
  }

  @Test
  void getTimesOutAtItsDeadline() {
    q.get("c1", 500, 0);
    assertTrue(q.expire(499).timedOut().isEmpty());
    assertEquals(List.of("c1"), q.expire(500).timedOut());
    assertEquals(0, q.waitingCount());
  }

  @Test
  void anUnacknowledgedMessageIsRedeliveredInItsPlaceAfterTheVisibilityTimeout() {
    q.enqueue("a", "A");
    q.enqueue("b", "B");
    assertEquals(1, q.poll(0).orElseThrow().deliveries());
    assertEquals(List.of("a"), q.expire(1_000).redelivered());
    QueueCore.Delivery again = q.poll(1_000).orElseThrow();
    assertEquals("a", again.id(), "redelivered before b: it keeps its place");
    assertEquals(2, again.deliveries());
  }

  @Test
  void anAcknowledgedMessageIsGoneAndASecondAckIsRefused() {
    q.enqueue("a", "A");
    String token = q.poll(0).orElseThrow().token();
    assertEquals(QueueCore.AckResult.ACKED, q.ack("a", token));
    assertEquals(QueueCore.AckResult.NOT_HELD, q.ack("a", token));
    assertTrue(q.expire(5_000).redelivered().isEmpty());
    assertEquals(Optional.empty(), q.poll(5_000));
  }

  @Test
  void afterMaxDeliveriesAMessageIsDeadLettered() {
    q.enqueue("a", "A");
    long now = 0;
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, q.poll(now).orElseThrow().deliveries());
      now += 1_000;
      QueueCore.Expiry<String> e = q.expire(now);
      if (i < 3) assertEquals(List.of("a"), e.redelivered());
      else assertEquals(List.of("a"), e.dying());
    }
    assertTrue(q.deadLetter("a"));
    assertEquals(List.of("a"), q.deadLetters().stream().map(QueueCore.Stored::id).toList());
    assertEquals(Optional.empty(), q.poll(now));
    assertEquals(QueueCore.AckResult.NOT_HELD, q.ack("a", "3.x"), "a dead letter cannot be acknowledged");
  }

  @Test
  void replayingEnqueueAndAckRebuildsTheDurableStateWithNothingInFlight() {
    QueueCore<String> replayed = new QueueCore<>(1_000, 3);
    replayed.enqueue("a", "A");
    replayed.enqueue("b", "B");
    replayed.enqueue("c", "C");
    replayed.acknowledged("b"); // acked while ready: the ack of an incarnation that had delivered it
    replayed.deadLetter("c");
    assertEquals(1, replayed.readyCount());
    assertEquals(0, replayed.inFlightCount());
    assertEquals("a", replayed.poll(0).orElseThrow().id());
  }

  @Test
  void fetchHandsOutUpToItsMaxOfReadyMessagesOldestFirstEachInFlightOnItsOwn() {
    for (String id : List.of("a", "b", "c")) q.enqueue(id, id.toUpperCase());
    List<QueueCore.Delivery> got = q.fetch("c1", 2, 500, 0);
    assertEquals(List.of("a", "b"), got.stream().map(QueueCore.Delivery::id).toList());
    assertEquals(2, q.inFlightCount());
    assertEquals(1, q.readyCount());
    assertEquals(QueueCore.AckResult.ACKED, q.ack("b", got.get(1).token()), "each fetched message is acknowledged on its own");
    assertEquals(List.of("a"), q.expire(1_000).redelivered(), "the unacknowledged one comes back alone");
    assertEquals(List.of("a", "c"), q.fetch("c1", 10, 1_500, 1_000).stream().map(QueueCore.Delivery::id).toList(),
        "a keeps its place before c");
  }

  @Test
  void aWaitingFetchIsServedInItsTurnWithWhatIsReadyUpToItsMax() {
    assertEquals(Optional.empty(), q.get("single", 500, 0));
    assertEquals(List.of(), q.fetch("batch", 3, 500, 0));
    for (String id : List.of("a", "b", "c", "d", "e")) q.enqueue(id, id);
    List<QueueCore.Handoff<String>> served = q.serveWaiters(10);
    assertEquals(List.of("single", "batch"), served.stream().map(QueueCore.Handoff::waiter).toList());
    assertEquals(List.of("a"), served.get(0).deliveries().stream().map(QueueCore.Delivery::id).toList());
    assertEquals(List.of("b", "c", "d"), served.get(1).deliveries().stream().map(QueueCore.Delivery::id).toList());
    assertEquals(1, q.readyCount());
  }

  @Test
  void aFetchWaitsBehindEarlierWaitersAndTimesOutLikeAGet() {
    q.get("first", 500, 0);
    q.enqueue("a", "A");
    assertEquals(List.of(), q.fetch("second", 5, 300, 0), "a ready message belongs to the GET that waited first");
    assertEquals(List.of("first"), q.serveWaiters(1).stream().map(QueueCore.Handoff::waiter).toList());
    assertEquals(List.of("second"), q.expire(300).timedOut());
  }

  @Test
  void aFetchOfFewerThanOneMessageIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.fetch("c1", 0, 500, 0));
    assertTrue(e.getMessage().contains("at least one"), e.getMessage());
  }

  @Test
  void anAckThatRacesItsLastTimeoutWinsOverTheDeadLetteringStillToBeRecorded() {
    QueueCore<String> once = new QueueCore<>(1_000, 1);
    once.enqueue("a", "A");
    String token = once.poll(0).orElseThrow().token();
    assertEquals(List.of("a"), once.expire(1_000).dying());
    assertTrue(once.holds("a"), "dying, not yet dead-lettered");
    assertEquals(QueueCore.AckResult.ACKED, once.ack("a", token));
    assertFalse(once.deadLetter("a"), "nothing left to dead-letter");
    assertEquals(List.of(), once.deadLetters());
    assertFalse(once.holds("a"));
  }

  // ------------------------------------------------------------------ issue 17: delivery tokens, forwards, byte budgets

  @Test
  void anAckIsAcceptedOnlyForTheInFlightDeliveryItsTokenNames() {
    q.enqueue("a", "A");
    assertEquals(QueueCore.AckResult.NOT_THIS_DELIVERY, q.ack("a", "1.guessed"), "never delivered: a guessed ack is refused");
    assertEquals(1, q.readyCount(), "and the message stays");
    QueueCore.Delivery first = q.poll(0).orElseThrow();
    assertEquals(QueueCore.AckResult.NOT_THIS_DELIVERY, q.ack("a", "1.guessed"));
    assertEquals(List.of("a"), q.expire(1_000).redelivered());
    assertEquals(QueueCore.AckResult.NOT_THIS_DELIVERY, q.ack("a", first.token()), "a delivery past its timeout is over");
    QueueCore.Delivery second = q.poll(1_000).orElseThrow();
    assertNotEquals(first.token(), second.token(), "each delivery has its own token");
    assertEquals(QueueCore.AckResult.NOT_THIS_DELIVERY, q.ack("a", first.token()), "the slow consumer cannot ack the second delivery");
    assertEquals(QueueCore.AckResult.ACKED, q.ack("a", second.token()));
    assertEquals(QueueCore.AckResult.NOT_HELD, q.ack("a", second.token()));
  }

  @Test
  void aForwardIsRememberedByOriginAfterItsAckWhileAnotherOriginsSameIdIsStored() {
    assertTrue(q.enqueue("x:1", "from n1", "n1"));
    QueueCore.Delivery d = q.poll(0).orElseThrow();
    q.ack("x:1", d.token());
    assertTrue(q.storedFrom("n1", "x:1"));
    assertFalse(q.enqueue("x:1", "from n1", "n1"), "a retransmission of a consumed forward is not stored again");
    assertTrue(q.enqueue("x:1", "from n2", "n2"), "another node's message with the same id is");
    assertFalse(q.storedFrom(null, "x:1"), "a local PUT is not a forward");
    assertTrue(q.enqueue("y:1", "local"), "negative control: local PUTs after an ack are new messages");
  }

  @Test
  void aFetchStopsAtItsByteBudgetButAlwaysHandsOutOneMessage() {
    QueueCore<String> big = new QueueCore<>(1_000, 3, null, 0);
    for (String id : List.of("a", "b", "c")) big.enqueue(id, "x".repeat(99)); // 100 bytes each with the id
    assertEquals(List.of("a", "b"), big.fetch("c1", 10, 250, 500, 0).stream().map(QueueCore.Delivery::id).toList());
    assertEquals(List.of("c"), big.fetch("c1", 10, 50, 500, 0).stream().map(QueueCore.Delivery::id).toList(),
        "one message larger than the budget still goes, alone");
  }

  @Test
  void aWaiterPastItsDeadlineIsNotServedSoNoDeliveryIsCountedForNothing() {
    assertEquals(Optional.empty(), q.get("gone", 100, 0));
    q.enqueue("a", "A");
    assertEquals(List.of(), q.serveWaiters(200), "the GET gave up at 100");
    assertEquals(List.of("gone"), q.expire(200).timedOut());
    assertEquals(1, q.poll(200).orElseThrow().deliveries(), "the next consumer gets its first delivery");
  }

  @Test
  void utf8LengthCountsEncodedBytes() {
    for (String s : List.of("", "abc", "é", "€", "😀", "a😀é€")) {
      assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, QueueCore.utf8Length(s), s);
    }
  }
}
