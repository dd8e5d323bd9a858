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
    q.poll(0);
    assertTrue(q.ack("a"));
    assertFalse(q.ack("a"));
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
    assertFalse(q.ack("a"), "a dead letter cannot be acknowledged");
  }

  @Test
  void replayingEnqueueAndAckRebuildsTheDurableStateWithNothingInFlight() {
    QueueCore<String> replayed = new QueueCore<>(1_000, 3);
    replayed.enqueue("a", "A");
    replayed.enqueue("b", "B");
    replayed.enqueue("c", "C");
    replayed.ack("b"); // acked while ready: the ack of an incarnation that had delivered it
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
    assertTrue(q.ack("b"), "each fetched message is acknowledged on its own");
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
    once.poll(0);
    assertEquals(List.of("a"), once.expire(1_000).dying());
    assertTrue(once.holds("a"), "dying, not yet dead-lettered");
    assertTrue(once.ack("a"));
    assertFalse(once.deadLetter("a"), "nothing left to dead-letter");
    assertEquals(List.of(), once.deadLetters());
    assertFalse(once.holds("a"));
  }
}
