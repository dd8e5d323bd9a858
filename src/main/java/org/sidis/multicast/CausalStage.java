package org.sidis.multicast;

import org.sidis.clock.HoldbackQueue;
import org.sidis.clock.VectorClock;
import org.sidis.trace.Events;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Causal order ("Ordem Causal" in the notes: if m1 causally precedes m2, every member delivers m1
 * before m2, whoever multicast them), by the vector-clock rule of Birman, Schiper and Stephenson
 * ("Lightweight causal and atomic group multicast", ACM TOCS 9(3), 1991). A message carries its
 * origin's vector clock at send time ({@link #stamp}), where entry k counts the messages of k the
 * origin had delivered, its own included. A member delivers m from j when m is j's next — the
 * reliable layer's FIFO release already guarantees that — and, for every other k, m's clock[k]
 * is at most the number of k's messages this member delivered. Until then m waits here.
 *
 * <p>The hold-back is one {@link HoldbackQueue} per origin: the reliable layer releases an
 * origin's messages in order, and only an origin's next message can be deliverable, so after a
 * delivery only the heads of these queues need checking, not every waiting message.
 *
 * <p>Causes that never come: a cause from an origin that never addressed this member (it left,
 * or this member joined after the cause was multicast, as the citing origin's Hello cut says) is
 * not waited for ({@link Member#neverOurs}); such a cause is recorded as settled, so should that
 * origin's Hello come after all, its messages up to there are skipped rather than delivered after
 * their effects. A message whose cause was lost with a closed origin is dropped (traced), never
 * delivered early — and only when its own origin is closed too: a live origin delivered every
 * cause it names and still holds it.
 */
final class CausalStage implements OrderingStage {

  private final Member member;
  private final MulticastCore.Effects fx;
  /** Per origin, its released messages that wait for a cause; each queue's next is that origin's next to deliver. */
  private final Map<String, HoldbackQueue<Data>> holdback = new HashMap<>();
  private int waiting;
  /** Per origin that never said Hello to us, the highest sequence number of it taken as not addressed to us. */
  private final Map<String, Long> settledUnaddressed = new HashMap<>();

  CausalStage(Member member, MulticastCore.Effects fx) {
    this.member = member;
    this.fx = fx;
  }

  @Override
  public Order order() {
    return Order.CAUSAL;
  }

  @Override
  public String defect(Data data) {
    if (data.vc() == null) return "causal message [" + data.msgId() + "] without vector clock";
    if (data.vc().get(data.origin()) != data.seq())
      return "causal message [" + data.msgId() + "] whose clock " + data.vc() + " does not count it at its origin";
    return null;
  }

  /** Everything the origin delivered, and this message as its own next. */
  @Override
  public VectorClock stamp(String self, long seq) {
    return member.delivered().with(self, seq);
  }

  @Override
  public VectorClock deliveryClock() {
    return member.delivered();
  }

  @Override
  public Map<String, Long> helloCut() {
    return member.deliveredMap();
  }

  /** The origin delivers its own message at once: everything its clock names, it delivered. */
  @Override
  public void onOwn(Data data) {
    member.deliver(data, null);
  }

  @Override
  public void onReleased(Data data) {
    HoldbackQueue<Data> q = holdback.get(data.origin());
    boolean nothingWaits = q == null || q.isEmpty();
    if (nothingWaits && causallyReady(data)) {
      member.deliver(data, null);
      if (waiting > 0) causesSettled(); // it may be the cause others waited for
      return;
    }
    if (nothingWaits) q = HoldbackQueue.startingAt(data.seq());
    holdback.put(data.origin(), q.add(data.seq(), data));
    waiting++;
  }

  /** Delivers every head whose causes are now delivered, until none is. */
  @Override
  public void causesSettled() {
    boolean progress = true;
    while (progress && waiting > 0) {
      progress = false;
      for (Map.Entry<String, HoldbackQueue<Data>> e : holdback.entrySet()) {
        HoldbackQueue<Data> q = e.getValue();
        // The queue's next must be its origin's next to deliver (the reliable layer released in order).
        if (q.isEmpty() || q.next() != member.deliveredOf(e.getKey()) + 1) continue;
        // Delivering an origin's message changes no other origin's count, so the run is judged at once.
        HoldbackQueue.Release<Data> run = q.release(this::causesDelivered);
        if (run.released().isEmpty()) continue;
        e.setValue(run.rest());
        waiting -= run.released().size();
        for (Data d : run.released()) member.deliver(d, null);
        progress = true;
      }
    }
  }

  /** Whether m is next from its origin and every cause it names is delivered here or never addressed here. */
  boolean causallyReady(Data m) {
    return m.seq() == member.deliveredOf(m.origin()) + 1 && causesDelivered(m);
  }

  /**
   * Whether every cause m names from another origin is delivered here or was never addressed
   * here; true also records the latter, so they are never delivered after m.
   */
  private boolean causesDelivered(Data m) {
    VectorClock vc = m.vc();
    for (int i = 0; i < vc.size(); i++) {
      String k = vc.node(i);
      if (k.equals(m.origin())) continue;
      if (vc.count(i) > member.deliveredOf(k) && !member.neverOurs(k, m.origin(), vc.count(i))) return false;
    }
    for (int i = 0; i < vc.size(); i++) {
      String k = vc.node(i);
      if (!k.equals(m.origin()) && vc.count(i) > member.deliveredOf(k)) settledUnaddressed.merge(k, vc.count(i), Math::max);
    }
    return true;
  }

  @Override
  public long settledUnaddressed(String origin) {
    return settledUnaddressed.getOrDefault(origin, 0L);
  }

  /**
   * Messages of closed origins that wait for a cause of a closed origin that no survivor holds
   * can never be delivered in causal order: drop them (traced), never deliver them early. A live
   * origin's message is never dropped here: its origin delivered every cause and still holds it.
   */
  @Override
  public void onClosed(String closedOrigin) {
    for (Map.Entry<String, HoldbackQueue<Data>> e : holdback.entrySet()) {
      String origin = e.getKey();
      HoldbackQueue<Data> q = e.getValue();
      if (q.isEmpty() || !member.closed(origin)) continue;
      Data head = q.get(q.first());
      if (!lostCause(head)) continue;
      for (Data d : q.held()) fx.traceMessage(Events.Group.DROP, d, null, null, Map.of("reason", "a cause was lost with its departed origin"));
      waiting -= q.size();
      e.setValue(HoldbackQueue.empty());
      // As if never released: should a survivor turn out to hold the cause, the stream reopens here.
      member.unrelease(origin, head.seq());
    }
  }

  private boolean lostCause(Data m) {
    VectorClock vc = m.vc();
    for (int i = 0; i < vc.size(); i++) {
      String k = vc.node(i);
      if (k.equals(m.origin())) continue;
      if (vc.count(i) > member.deliveredOf(k) && member.closed(k) && vc.count(i) > member.released(k)) return true;
    }
    return false;
  }

  @Override
  public Collection<String> waitedFor() {
    return member.peers();
  }

  @Override
  public int held() {
    return waiting;
  }

  @Override
  public void onOrdering(String from, TotalOrder.Message message, long now) {
    member.reject("ordering message from [" + from + "] in a causal group");
  }

  @Override
  public void onNumbered(TotalOrder.Ordered numbered) {
    member.reject("numbers from a sequencer in a causal group: " + numbered);
  }
}
