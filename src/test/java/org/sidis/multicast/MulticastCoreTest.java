package org.sidis.multicast;

import org.junit.jupiter.api.Test;
import org.sidis.clock.VectorClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery rules as values: one member's core fed messages out of order, twice, late or
 * never, with time passing only when the test says so.
 */
class MulticastCoreTest {

  /** Everything the core asked for, in order. */
  static final class Recorder implements MulticastCore.Effects {
    final List<String> delivered = new ArrayList<>();
    final List<String> sent = new ArrayList<>(); // "peer <- msgId"
    final List<String> nacks = new ArrayList<>(); // "peer <- origin from..to"
    final List<String> hellos = new ArrayList<>();
    final List<String> rejects = new ArrayList<>();
    final List<String> traces = new ArrayList<>();
    final List<Long> stable = new ArrayList<>();
    final List<String> ordering = new ArrayList<>();
    int statuses;

    @Override public void sendData(String peer, Data data) { sent.add(peer + " <- " + data.msgId()); }
    @Override public void sendHello(String peer, long firstSeq) { hellos.add(peer + " from " + firstSeq); }
    @Override public void sendNack(String peer, String origin, long from, long to) { nacks.add(peer + " <- " + origin + " " + from + ".." + to); }
    @Override public void sendStatus(String peer, Map<String, Long> delivered, Map<String, Long> released, long gseq) { statuses++; }
    @Override public void sendOrdering(String peer, TotalOrder.Message message) { ordering.add(peer + " <- " + message); }
    @Override public void deliver(Data data, long gseq) { delivered.add(data.msgId()); }
    @Override public boolean tracing() { return true; }
    @Override public void stable(long upToSeq) { stable.add(upToSeq); }
    @Override public void reject(String reason) { rejects.add(reason); }
    @Override public void trace(String event, String msgId, VectorClock vc, Long gseq, Map<String, ?> extra) {
      traces.add(event + (msgId == null ? "" : " " + msgId) + (gseq == null ? "" : " #" + gseq) + (extra == null ? "" : " " + extra));
    }

    List<String> traced(String event) {
      return traces.stream().filter(t -> t.startsWith(event + " ")).collect(Collectors.toList());
    }
  }

  private final Recorder fx = new Recorder();

  private MulticastCore member(String self, Order order, String... peers) {
    MulticastSettings s = MulticastSettings.defaults("chat", order);
    MulticastCore core = new MulticastCore(self, s, fx);
    Set<String> view = new java.util.TreeSet<>(List.of(peers));
    view.add(self);
    core.onView(view, 0);
    for (String p : peers) core.onHello(p, 1);
    return core;
  }

  /** A message without a clock (FIFO, total order). Shared with OrderingStageTest. */
  static Data fifo(String origin, long seq) {
    return new Data(origin, seq, null, origin + " says " + seq);
  }

  /** A causal message: its origin's own entry is {@code seq}, the rest given as name, count pairs. */
  static Data causal(String origin, long seq, Object... clock) {
    VectorClock vc = VectorClock.EMPTY.with(origin, seq);
    for (int i = 0; i < clock.length; i += 2) vc = vc.with((String) clock[i], ((Number) clock[i + 1]).longValue());
    return new Data(origin, seq, vc, origin + " says " + seq);
  }

  // ------------------------------------------------------------------ FIFO and the reliable layer

  @Test
  void deliversOneOriginsMessagesInSendOrderWhenTheyArriveOutOfOrder() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.onData("n2", fifo("n2", 3), 0);
    c.onData("n2", fifo("n2", 1), 0);
    assertEquals(List.of("n2:1"), fx.delivered, "n2:3 must wait for n2:2");
    c.onData("n2", fifo("n2", 2), 0);
    assertEquals(List.of("n2:1", "n2:2", "n2:3"), fx.delivered);
  }

  @Test
  void deliversADuplicateOnlyOnce() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.onData("n2", fifo("n2", 1), 0);
    c.onData("n2", fifo("n2", 1), 0);
    c.onData("n2", fifo("n2", 3), 0);
    c.onData("n2", fifo("n2", 3), 0);
    c.onData("n2", fifo("n2", 2), 0);
    assertEquals(List.of("n2:1", "n2:2", "n2:3"), fx.delivered);
    assertEquals(2, fx.traced("duplicate").size(), fx.traces.toString());
  }

  @Test
  void asksTheOriginForAGapOnlyAfterTheNackDelay() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.onData("n2", fifo("n2", 1), 1000);
    c.onData("n2", fifo("n2", 4), 1000);
    c.tick(1050);
    assertEquals(List.of(), fx.nacks, "a gap younger than nack-delay may be reordering, not loss");
    c.tick(1100);
    assertEquals(List.of("n2 <- n2 2..3"), fx.nacks);
    c.tick(1150);
    assertEquals(1, fx.nacks.size(), "one request per nack-delay");
    c.onData("n2", fifo("n2", 2), 1160);
    c.onData("n2", fifo("n2", 3), 1160);
    assertEquals(List.of("n2:1", "n2:2", "n2:3", "n2:4"), fx.delivered);
    c.tick(1400);
    assertEquals(1, fx.nacks.size(), "no gap left, no request");
  }

  @Test
  void aStatusRevealsALostLastMessageAndItIsRequested() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.onData("n2", fifo("n2", 1), 0);
    c.onStatus("n2", Map.of("n2", 2L), null, 0, 0); // n2 sent two; the second was lost
    c.tick(200);
    assertEquals(List.of("n2 <- n2 2..2"), fx.nacks);
  }

  @Test
  void theOriginRetransmitsWhatItStillBuffers() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.multicast("a");
    c.multicast("b");
    c.multicast("c");
    fx.sent.clear();
    c.onNack("n2", "n1", 2, 3, 0);
    assertEquals(List.of("n2 <- n1:2", "n2 <- n1:3"), fx.sent);
    assertEquals(2, fx.traced("retransmit").size());
  }

  @Test
  void aRepeatedRequestDoesNotResendWhatIsStillOnItsWay() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.multicast("a");
    c.multicast("b");
    fx.sent.clear();
    c.onNack("n2", "n1", 1, 2, 1000);
    c.onNack("n2", "n1", 1, 2, 1100); // within 2 x nack-delay: the first resend is still travelling
    assertEquals(List.of("n2 <- n1:1", "n2 <- n1:2"), fx.sent);
    c.onNack("n2", "n1", 1, 2, 1300); // it must have been lost too: resend
    assertEquals(4, fx.sent.size(), fx.sent.toString());
  }

  @Test
  void retransmissionAfterLossCompletesTheStream() {
    Recorder originFx = new Recorder();
    MulticastCore origin = new MulticastCore("n2", MulticastSettings.defaults("chat", Order.FIFO), originFx);
    origin.onView(Set.of("n1", "n2"), 0);
    MulticastCore receiver = member("n1", Order.FIFO, "n2");
    origin.multicast("a");
    origin.multicast("b"); // lost
    origin.multicast("c");
    receiver.onData("n2", fifo("n2", 1), 0);
    receiver.onData("n2", new Data("n2", 3, null, "c"), 0);
    receiver.tick(500);
    assertEquals(List.of("n2 <- n2 2..2"), fx.nacks);
    originFx.sent.clear();
    origin.onNack("n1", "n2", 2, 2, 0);
    assertEquals(List.of("n1 <- n2:2"), originFx.sent);
    receiver.onData("n2", new Data("n2", 2, null, "b"), 600);
    assertEquals(List.of("n2:1", "n2:2", "n2:3"), fx.delivered);
  }

  @Test
  void stableMessagesLeaveTheBufferAndLetWaitingMulticastsGo() {
    MulticastSettings s = new MulticastSettings("chat", Order.FIFO, 2, Duration.ofMillis(100), 256,
        Duration.ofMillis(100), 500, Duration.ofSeconds(2), 256, 64 * 1024, 1, Overlay.Topology.DIRECT, 2);
    MulticastCore c = new MulticastCore("n1", s, fx);
    c.onView(Set.of("n1", "n2"), 0);
    c.multicast("a");
    c.multicast("b");
    c.multicast("c"); // the window of 2 is full: waits
    assertEquals(List.of("n2 <- n1:1", "n2 <- n1:2"), fx.sent);
    assertEquals(1, c.pendingCount());
    assertEquals(2, c.buffered());
    c.onStatus("n2", Map.of("n1", 1L), null, 0, 0);
    assertEquals(List.of(1L), fx.stable);
    assertEquals(List.of("n2 <- n1:1", "n2 <- n1:2", "n2 <- n1:3"), fx.sent, "one stable, one slot free");
    assertEquals(0, c.pendingCount());
    assertEquals(2, c.buffered());
  }

  @Test
  void holdsBackAnOriginsMessagesUntilItsHelloSaysWhereItsStreamStarts() {
    MulticastCore c = new MulticastCore("n3", MulticastSettings.defaults("chat", Order.FIFO), fx);
    c.onView(Set.of("n1", "n2", "n3"), 0);
    c.onData("n1", fifo("n1", 8), 0);
    c.onData("n1", fifo("n1", 7), 0);
    c.onData("n1", fifo("n1", 9), 0);
    assertEquals(List.of(), fx.delivered, "n3 joined late: it cannot know yet whether n1:7 is n1's first message to it");
    c.onHello("n1", 8);
    assertEquals(List.of("n1:8", "n1:9"), fx.delivered, "n1:7 was sent before n3 joined");
    assertEquals(1, fx.traced("drop").size());
  }

  @Test
  void sendsEachNewPeerAHelloWithTheNextSequenceNumber() {
    MulticastCore c = new MulticastCore("n1", MulticastSettings.defaults("chat", Order.FIFO), fx);
    c.onView(Set.of("n1", "n2"), 0);
    c.multicast("a");
    c.onView(Set.of("n1", "n2", "n3"), 0);
    c.multicast("b");
    assertEquals(List.of("n2 from 1", "n3 from 2"), fx.hellos);
    assertEquals(List.of("n2 <- n1:1", "n2 <- n1:2", "n3 <- n1:2"), fx.sent);
  }

  // ------------------------------------------------------------------ members leaving

  @Test
  void aHelloIsSaidAgainUntilThePeersStatusShowsIt() {
    MulticastSettings s = MulticastSettings.defaults("chat", Order.FIFO);
    MulticastCore c = new MulticastCore("n1", s, fx);
    c.onView(Set.of("n1", "n2"), 0);
    assertEquals(List.of("n2 from 1"), fx.hellos);
    c.tick(50);
    assertEquals(1, fx.hellos.size(), "not before nack-delay");
    c.tick(150);
    assertEquals(List.of("n2 from 1", "n2 from 1"), fx.hellos, "nothing told us n2 has it: say it again");
    c.onStatus("n2", Map.of(), Map.of("n1", 0L), 0, 160); // n2 names our stream: it has the Hello
    c.tick(400);
    assertEquals(2, fx.hellos.size(), fx.hellos.toString());
  }

  @Test
  void aStatusNamesAnOriginWhoseHelloArrivedEvenBeforeItsFirstMessage() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    assertEquals(0L, c.progress().released().get("n2"), c.progress().toString());
  }

  @Test
  void aDepartedOriginsMissingMessageIsAskedOfTheSurvivors() {
    MulticastCore c = member("n1", Order.FIFO, "n2", "n3");
    c.onData("n2", fifo("n2", 1), 0);
    c.onData("n2", fifo("n2", 3), 0);
    c.onView(Set.of("n1", "n3"), 10); // n2 crashed
    c.tick(200);
    assertEquals(List.of("n3 <- n2 2..2"), fx.nacks, "the origin is gone: any survivor may hold n2:2");
    c.onData("n3", fifo("n2", 2), 250); // n3 had it
    assertEquals(List.of("n2:1", "n2:2", "n2:3"), fx.delivered);
  }

  @Test
  void aDepartedOriginsStreamIsClosedAtTheFirstGapNoSurvivorCouldFill() {
    MulticastCore c = member("n1", Order.FIFO, "n2", "n3");
    c.onData("n2", fifo("n2", 1), 0);
    c.onData("n2", fifo("n2", 3), 0);
    c.onView(Set.of("n1", "n3"), 0);
    c.tick(1000);
    assertEquals(List.of("n2:1"), fx.delivered);
    c.tick(2000); // departed-flush-timeout
    assertEquals(List.of("n2:1"), fx.delivered, "n2:3 must never be delivered: its predecessor is lost");
    assertTrue(fx.traced("drop").stream().anyMatch(t -> t.startsWith("drop n2:3")), fx.traces.toString());
    c.onData("n3", fifo("n2", 2), 2100);
    assertEquals(List.of("n2:1"), fx.delivered, "the stream stays closed");
  }

  @Test
  void aDepartedMemberNoLongerHoldsBackStability() {
    MulticastCore c = member("n1", Order.FIFO, "n2", "n3");
    c.multicast("a");
    c.onStatus("n2", Map.of("n1", 1L), null, 0, 0);
    assertEquals(List.of(), fx.stable, "n3 has not delivered n1:1");
    c.onView(Set.of("n1", "n2"), 0);
    assertEquals(List.of(1L), fx.stable);
  }

  @Test
  void aNodeNameThatComesBackAfterLeavingIsRefused() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.onView(Set.of("n1"), 0);
    c.onView(Set.of("n1", "n2"), 0);
    assertEquals(1, fx.rejects.size());
    assertTrue(fx.rejects.get(0).contains("came back"), fx.rejects.toString());
  }

  // ------------------------------------------------------------------ a node restarted under its name

  /**
   * Issue 17: the nemesis kills n1 and the launcher starts it again under its name. Members are
   * named with their incarnation ({@code n1~a}, {@code n1~b}), so the new one is a new member:
   * its ids never collide with the old one's, and the old one's departure is a crash.
   */
  @Test
  void aRestartedNodeIsANewMemberWhoseMessagesNeverCollideWithItsFormerIncarnation() {
    MulticastCore c = member("n2", Order.FIFO, "n1~a");
    c.onData("n1~a", fifo("n1~a", 1), 0);
    c.onData("n1~a", fifo("n1~a", 2), 0);
    c.onView(Set.of("n2"), 10); // n1~a killed and removed
    c.onView(Set.of("n2", "n1~b"), 20); // n1 restarted: a new incarnation
    assertEquals(List.of(), fx.rejects, "a new incarnation is not a name coming back");
    assertTrue(fx.hellos.contains("n1~b from 1"), fx.hellos.toString());
    c.onHello("n1~b", 1);
    c.onData("n1~b", fifo("n1~b", 1), 30);
    assertEquals(List.of("n1~a:1", "n1~a:2", "n1~b:1"), fx.delivered, "n1~b:1 is not n1~a:1 again");
  }

  /**
   * The restarted member n1~b joins a causal group whose messages cite the old incarnation
   * n1~a: n2:6 was sent after n1~b joined n2's view, and its clock names n1~a:3, which n1~a
   * multicast before n1~b existed and so never to it. Before the fix n1~b held n2:6 back for
   * good, and with it every later message of n2.
   */
  @Test
  void aRestartedMemberDeliversWhatIsSentAfterItJoinedThoughItCitesTheFormerIncarnation() {
    MulticastCore c = new MulticastCore("n1~b", MulticastSettings.defaults("chat", Order.CAUSAL), fx);
    c.onView(Set.of("n1~b", "n1~a", "n2"), 0); // the old incarnation is still listed, unreachable
    c.onHello("n2", 6);
    c.onData("n2", causal("n2", 6, "n1~a", 3), 0);
    assertEquals(List.of(), fx.delivered, "while n1~a is a member it may yet say where its stream to us starts");
    c.onView(Set.of("n1~b", "n2"), 100); // n1~a removed: it never addressed n1~b
    assertEquals(List.of("n2:6"), fx.delivered);
    c.onData("n2", causal("n2", 7, "n1~a", 3), 110);
    assertEquals(List.of("n2:6", "n2:7"), fx.delivered);
  }

  /**
   * Negative control: a cause from a departed origin that did address us (its Hello came) is
   * still waited for — only causes that were never ours are settled by the departure.
   */
  @Test
  void aCauseFromADepartedOriginThatAddressedUsIsStillWaitedFor() {
    MulticastCore c = new MulticastCore("n1~b", MulticastSettings.defaults("chat", Order.CAUSAL), fx);
    c.onView(Set.of("n1~b", "n3", "n2"), 0);
    c.onHello("n2", 1);
    c.onHello("n3", 1);
    c.onData("n2", causal("n2", 1, "n3", 1), 0);
    c.onView(Set.of("n1~b", "n2"), 100); // n3 crashed; its n3:1 was addressed to us
    assertEquals(List.of(), fx.delivered, "n3:1 may still come from a survivor");
    c.onData("n2", causal("n3", 1), 110);
    assertEquals(List.of("n3:1", "n2:1"), fx.delivered);
  }

  /**
   * A restarted member learns from each peer's Hello what the peer had delivered when it added
   * the member (the cut): a cause within the cut from an origin the member never heard from
   * was multicast before the member was there, and does not hold back what is addressed to it.
   */
  @Test
  void causesInsideThePeersCutFromAnOriginThatNeverAddressedUsDoNotHoldBack() {
    MulticastCore c = new MulticastCore("n1~b", MulticastSettings.defaults("chat", Order.CAUSAL), fx);
    c.onView(Set.of("n1~b", "n2"), 0); // n1~a was removed before n1~b's first view
    c.onHello("n2", 6, Map.of("n1~a", 3L, "n2", 5L));
    c.onData("n2", causal("n2", 6, "n1~a", 3), 0);
    assertEquals(List.of("n2:6"), fx.delivered);
    c.onData("n2", causal("n2", 7, "n1~a", 4), 0);
    assertEquals(List.of("n2:6"), fx.delivered, "n1~a:4 is past the cut: n2 delivered it after adding us, it may be ours");
  }

  // ------------------------------------------------------------------ causal order

  @Test
  void holdsBackAReplyThatOvertakesItsCause() {
    MulticastCore c = member("n3", Order.CAUSAL, "n1", "n2");
    // n2 delivered n1:1 and replied with n2:1; the reply reaches n3 first.
    c.onData("n2", causal("n2", 1, "n1", 1), 0);
    assertEquals(List.of(), fx.delivered, "n2:1 depends on n1:1");
    c.onData("n1", causal("n1", 1), 0);
    assertEquals(List.of("n1:1", "n2:1"), fx.delivered);
  }

  @Test
  void deliversConcurrentMessagesAsTheyArrive() {
    MulticastCore c = member("n3", Order.CAUSAL, "n1", "n2");
    c.onData("n2", causal("n2", 1), 0);
    c.onData("n1", causal("n1", 1), 0);
    assertEquals(List.of("n2:1", "n1:1"), fx.delivered);
  }

  @Test
  void waitsForTransitiveCauses() {
    MulticastCore c = member("n4", Order.CAUSAL, "n1", "n2", "n3");
    Data m1 = causal("n1", 1);
    Data m2 = causal("n2", 1, "n1", 1);
    Data m3 = causal("n3", 1, "n1", 1, "n2", 1);
    c.onData("n3", m3, 0);
    c.onData("n2", m2, 0);
    assertEquals(List.of(), fx.delivered);
    c.onData("n1", m1, 0);
    assertEquals(List.of("n1:1", "n2:1", "n3:1"), fx.delivered);
  }

  @Test
  void stampsOwnMessagesWithWhatTheMemberDelivered() {
    Recorder r = new Recorder();
    List<Data> out = new ArrayList<>();
    MulticastCore c = new MulticastCore("n1", MulticastSettings.defaults("chat", Order.CAUSAL), new MulticastCore.Effects() {
      @Override public void sendData(String peer, Data data) { out.add(data); }
      @Override public void sendHello(String peer, long firstSeq) { }
      @Override public void sendNack(String peer, String origin, long from, long to) { }
      @Override public void sendStatus(String peer, Map<String, Long> delivered, Map<String, Long> released, long gseq) { }
      @Override public void sendOrdering(String peer, TotalOrder.Message message) { }
      @Override public void deliver(Data data, long gseq) { r.deliver(data, gseq); }
      @Override public boolean tracing() { return false; }
      @Override public void stable(long upToSeq) { }
      @Override public void reject(String reason) { r.reject(reason); }
      @Override public void trace(String event, String msgId, VectorClock vc, Long gseq, Map<String, ?> extra) { }
    });
    c.onView(Set.of("n1", "n2"), 0);
    c.onHello("n2", 1);
    c.onData("n2", causal("n2", 1), 0);
    c.onData("n2", causal("n2", 2), 0);
    c.multicast("reply");
    assertEquals(VectorClock.EMPTY.with("n1", 1).with("n2", 2), out.get(0).vc());
    assertEquals(List.of("n2:1", "n2:2", "n1:1"), r.delivered);
  }

  /**
   * Review F2's causal violation, as a rule: n3 lost sight of n1 (departed), n1:2 never reached
   * it, and n2's reply to n1:2 did. The old rule closed n1's stream after departed-flush-timeout
   * and then delivered n2:1 without its cause. n2 delivered n1:2, so n2 holds it: n3 must wait
   * for it, however long n2 takes to answer, and deliver the cause first.
   */
  @Test
  void anEffectNeverOvertakesItsCauseWhenTheCausesOriginDeparts() {
    MulticastCore c = member("n3", Order.CAUSAL, "n1", "n2");
    c.onData("n2", causal("n2", 1, "n1", 2), 0); // n2 delivered n1:1 and n1:2 before replying
    c.onData("n1", causal("n1", 1), 0);
    c.onView(Set.of("n2", "n3"), 0); // n1 is gone
    c.onStatus("n2", Map.of("n1", 2L, "n2", 1L), Map.of("n1", 2L, "n2", 1L), 0, 100); // n2 is slow but says it holds n1:2
    c.tick(2000);
    c.tick(5000); // far past departed-flush-timeout: still no close, n2 holds more of n1
    assertEquals(List.of("n1:1"), fx.delivered, "n2:1 must not be delivered before its cause n1:2");
    assertTrue(fx.traced("close").isEmpty(), "closed while a survivor holds more: " + fx.traces);
    assertTrue(fx.nacks.contains("n2 <- n1 2..2"), "n1:2 is asked of the survivor n2: " + fx.nacks);
    c.onData("n2", causal("n1", 2), 5100); // n2's retransmission, late
    assertEquals(List.of("n1:1", "n1:2", "n2:1"), fx.delivered);
  }

  @Test
  void anEffectWhoseCauseIsHeldByNoSurvivorIsDroppedNeverDelivered() {
    MulticastCore c = member("n3", Order.CAUSAL, "n1", "n2", "n4");
    c.onData("n2", causal("n2", 1, "n1", 2), 0);
    c.onData("n1", causal("n1", 1), 0);
    c.onView(Set.of("n3", "n4"), 0); // n1 and n2 are both gone; n4 never saw n1:2
    c.onStatus("n4", Map.of("n1", 1L), Map.of("n1", 1L), 0, 10);
    c.tick(2000);
    assertEquals(List.of("n1:1"), fx.delivered, "n2:1's cause n1:2 is lost: n2:1 must not be delivered");
    assertTrue(fx.traced("drop").stream().anyMatch(t -> t.startsWith("drop n2:1")), fx.traces.toString());
  }

  @Test
  void aClosedStreamReopensWhenASurvivorTurnsOutToHoldMore() {
    MulticastCore c = member("n1", Order.FIFO, "n2", "n3");
    c.onData("n2", fifo("n2", 1), 0);
    c.onView(Set.of("n1", "n3"), 0); // n2 departs
    c.tick(2000);
    assertEquals(1, fx.traced("close").size(), fx.traces.toString());
    c.onStatus("n3", Map.of("n2", 2L), Map.of("n2", 2L), 0, 2100); // n3's status was late: it has n2:2
    c.tick(2300);
    assertTrue(fx.nacks.contains("n3 <- n2 2..2"), fx.nacks.toString());
    c.onData("n3", fifo("n2", 2), 2400);
    assertEquals(List.of("n2:1", "n2:2"), fx.delivered);
  }

  @Test
  void aSurvivorStillServesADepartedOriginsMessagesAfterClosingItsStream() {
    MulticastCore c = member("n1", Order.FIFO, "n2", "n3");
    c.onData("n2", fifo("n2", 1), 0);
    c.onData("n2", fifo("n2", 2), 0);
    c.onView(Set.of("n1", "n3"), 0);
    c.tick(2000); // n1 has all it will get of n2 and closes its stream
    fx.sent.clear();
    c.onNack("n3", "n2", 1, 2, 2100); // n3 was slower
    assertEquals(List.of("n3 <- n2:1", "n3 <- n2:2"), fx.sent);
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void refusesAPayloadTooLargeForOneBundleAndSendsNothing() {
    MulticastCore c = member("n1", Order.FIFO, "n2");
    c.multicast("é".repeat(70_000)); // 140,000 bytes in UTF-8, over 128 KiB less the header room
    assertEquals(1, fx.rejects.size(), fx.rejects.toString());
    assertTrue(fx.rejects.get(0).contains("140000-byte payload refused"), fx.rejects.toString());
    assertEquals(List.of(), fx.sent);
    assertEquals(List.of(), fx.delivered);
    c.multicast("small");
    assertEquals(List.of("n1:1"), fx.delivered, "the refused payload took no sequence number");
  }

  @Test
  void refusesMalformedMessagesWithAReasonAndDeliversNothingFromThem() {
    MulticastCore c = member("n1", Order.CAUSAL, "n2");
    c.onData("n2", new Data("n2", 0, VectorClock.EMPTY, "x"), 0);
    c.onData("n2", new Data(" ", 1, VectorClock.EMPTY, "x"), 0);
    c.onData("n2", new Data("n2", 1, null, "x"), 0);
    c.onData("n2", new Data("n2", 1, VectorClock.EMPTY.with("n2", 5), "x"), 0);
    c.onData("n2", new Data("n2", 1, VectorClock.EMPTY.with("n2", 1), null), 0);
    c.onData("n2", null, 0);
    c.onNack("n2", "n1", 5, 2, 0);
    c.onHello("n2", 0);
    c.onStatus("n2", Map.of("n1", -1L), null, 0, 0);
    assertEquals(9, fx.rejects.size(), fx.rejects.toString());
    assertEquals(List.of(), fx.delivered);
    c.onData("n2", causal("n2", 1), 0);
    assertEquals(List.of("n2:1"), fx.delivered, "the member goes on after bad input");
  }
}
