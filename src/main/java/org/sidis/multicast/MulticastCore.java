package org.sidis.multicast;

import org.sidis.trace.Events;
import org.sidis.clock.HoldbackQueue;
import org.sidis.clock.VectorClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reliable layer of group multicast for one member of one group, with the group's ordering
 * stage above it — no actors, no threads, no clock of its own: it takes one input at a time (the application multicasts, a
 * message or control message arrives, the view changes, time passes) and tells its
 * {@link Effects} what to send, deliver and trace.
 *
 * <h2>Reliable layer</h2>
 * Every member numbers its own messages 1, 2, 3… per group and sends each to every member of
 * its current view. A receiver keeps, per origin, the highest number it released and holds
 * back anything later (the hold-back queue). A gap — a held-back message whose predecessor is
 * missing, or a peer's status saying more exists — that lasts {@code nack-delay} is answered
 * by a negative acknowledgement to the origin, which retransmits from its buffer. Members
 * exchange their delivered vectors ({@link #tick} and every {@code status-every}
 * deliveries); a message every current member has delivered is <em>stable</em> and leaves the
 * buffers. The origin keeps at most {@code window} unstable messages in flight; later
 * multicasts wait, in order, in its pending queue.
 *
 * <h2>Joins</h2>
 * When a member first sees a peer in its view it says Hello with the first sequence number the
 * peer will get from it. The peer holds back that origin's messages until the Hello arrives,
 * and counts everything before it as not addressed to it.
 *
 * <h2>Leaves</h2>
 * A member that leaves the view (its node left or was downed and removed from the cluster; an
 * unreachable member stays) is no longer waited for. Every member keeps the messages it
 * released until they are stable, so a survivor missing one of the departed origin's messages
 * asks the other survivors — for as long as a survivor's status says it holds more of that
 * origin than we do. Once {@code departed-flush-timeout} has passed and no survivor says so,
 * the survivor closes that origin's stream at the first gap and drops the later messages it
 * held (traced as {@code drop}). A closed stream reopens if a survivor's status later shows
 * more of it.
 *
 * <h2>Incarnations</h2>
 * A member's name is its node's name qualified by the node's incarnation ({@code n1~<inc>}, see
 * {@link GroupMember}): a node restarted under its name is a new member, whose messages
 * {@code n1~<inc'>:1, 2, …} never collide with the old one's, and the old one's departure is a
 * crash. The same member name must not come back once it left the view (it is refused). A
 * member that joins late gets each origin's messages from that origin's Hello on; in causal
 * groups a cause that was never addressed to it does not hold back what was ({@link #neverOurs}).
 *
 * <p>Nothing is ever delivered out of FIFO or causal order: a message whose cause is missing
 * waits, and is dropped (traced) only when both its origin and its cause's origin are closed
 * — its own origin delivered the cause, so while that origin lives the cause can be had.
 *
 * <h2>Ordering</h2>
 * What the reliable layer releases goes up to the group's {@link OrderingStage} — {@link
 * FifoStage}, {@link CausalStage} (Birman, Schiper and Stephenson 1991) or {@link TotalStage}
 * (a sequencer: Défago, Schiper and Urbán 2004; Kaashoek 1992) — picked once from the group's
 * order; the stage holds back what its order does not yet allow and hands up the rest. This
 * class never asks which order it carries.
 */
public final class MulticastCore {

  /** What the core asks its shell to do. */
  public interface Effects {
    void sendData(String peer, Data data);

    void sendHello(String peer, long firstSeq);

    /**
     * A Hello with the cut: in causal groups, what this member had delivered when it added the
     * peer (null elsewhere). A shell that carries it overrides this; tests may ignore it.
     */
    default void sendHello(String peer, long firstSeq, Map<String, Long> cut) {
      sendHello(peer, firstSeq);
    }

    /** In a total group, this member joined after ordering began and is not admitted: it delivers nothing. */
    default void notAdmitted(String reason) {}

    void sendNack(String peer, String origin, long fromSeq, long toSeq);

    /**
     * Our progress: per origin the highest sequence number delivered (stability) and released
     * by the reliable layer (what exists, for gap detection), and in total groups the highest
     * gseq delivered.
     */
    void sendStatus(String peer, Map<String, Long> delivered, Map<String, Long> released, long gseq);

    /** A total-order message (ordering, hand-over) for one peer. */
    void sendOrdering(String peer, TotalOrder.Message message);

    /** Hands a message to the application; {@code gseq} is its global number in total groups, else 0. */
    void deliver(Data data, long gseq);

    /** Whether trace lines are written: the core builds a trace's clock only when someone reads it. */
    boolean tracing();

    /** Own messages up to {@code upToSeq} are delivered everywhere in the view. */
    void stable(long upToSeq);

    /** Input that breaks the protocol's form: it was refused, and nothing was delivered from it. */
    void reject(String reason);

    void trace(String event, String msgId, VectorClock vc, Long gseq, Map<String, ?> extra);

    /**
     * A trace line about one message. Its id (a string made per call) is built only when this
     * member traces: on the hot paths an untraced bench paid for ids nobody read.
     */
    default void traceMessage(String event, Data data, VectorClock vc, Long gseq, Map<String, ?> extra) {
      if (tracing()) trace(event, data.msgId(), vc, gseq, extra);
    }

    /**
     * Whether the shell runs the total-order sequencer as an actor of its own ({@link
     * SequencerActor}): then the core asks it through {@link #openSequencer}, {@link #sequence}
     * and {@link #closeSequencer} and hears back through {@link MulticastCore#onNumbered}. A
     * shell that does not (the plain-core tests, the simulation) gets a {@link Sequencer} core
     * called in place.
     */
    default boolean sequencerIsAnActor() {
      return false;
    }

    /** This member leads {@code epoch}: start its sequencer, which asks {@link MulticastCore#sequencerState} for its state. */
    default void openSequencer(long epoch) {}

    /** Ask the sequencer of {@code epoch} to number {@code messages}. */
    default void sequence(long epoch, List<TotalOrder.Key> messages, long deliveredGseq) {}

    /** This member leads no more: its sequencer stops. */
    default void closeSequencer() {}
  }

  /** What this member knows of one origin's stream. */
  private static final class Inbound {
    long firstSeq = -1; // from the origin's Hello: the first message addressed to us; -1 until then
    long highestKnown; // highest sequence number known to exist (from data or a status)
    /** The hold-back queue: what arrived after a gap waits here; its next is the next to release in FIFO order. */
    HoldbackQueue<Data> holdback = HoldbackQueue.empty();
    long gapSince = -1;
    long lastNackAt = Long.MIN_VALUE / 2;
    long departedAt = -1;
    boolean closed; // departed, and what no survivor had is given up
    /** From the origin's Hello, in causal groups: what it had delivered when it added us. */
    Map<String, Long> cut = Map.of();

    boolean hasGap() {
      return firstSeq != -1 && !closed && (!holdback.isEmpty() || highestKnown > released());
    }

    /** The highest sequence number released in FIFO order. */
    long released() {
      return holdback.next() - 1;
    }
  }

  private final String self;
  private final MulticastSettings settings;
  private final Effects fx;

  private long nextSeq = 1;
  private long stableOwn;
  private final Set<String> view = new TreeSet<>(MemberNames.ORDER);
  private final Set<String> everDeparted = new TreeSet<>(MemberNames.ORDER);
  private final Map<String, Long> streamStart = new HashMap<>();
  /** Per peer, the cut its Hello carries (causal groups): our delivered vector when we added it. */
  private final Map<String, Map<String, Long>> helloCut = new HashMap<>();
  /**
   * Peers whose status does not yet show our Hello, with when we last said it. A Hello is a
   * single message that nothing else repeats, and until it arrives the peer holds our messages
   * back: it is said again every nack-delay until the peer's status names us (review, F9 part).
   */
  private final Map<String, Long> helloUnconfirmed = new HashMap<>();
  private final Map<String, Inbound> inbound = new HashMap<>();
  /** Every message this member holds for retransmission, per origin, until it is stable. */
  private final Map<String, TreeMap<Long, Data>> buffer = new HashMap<>();
  private final Map<String, Map<String, Long>> peerDelivered = new HashMap<>();
  /** Per current peer, its last reported released vector: who among the survivors holds what of a departed origin. */
  private final Map<String, Map<String, Long>> peerReleased = new HashMap<>();
  /**
   * Per origin, the highest sequence number delivered to the application (own ones included):
   * the member's vector clock in BSS's sense. Mutable and unboxed because it changes with every
   * delivery; {@link #delivered()} gives it as a value.
   */
  private final Map<String, long[]> delivered = new HashMap<>();
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private int deliveriesSinceStatus;
  /** Per peer and origin: the highest sequence number resent to it, and when. */
  private final Map<String, Map<String, long[]>> resent = new HashMap<>();
  private Overlay overlay;

  /** The ordering stage above this reliable layer: FIFO, causal or total, by the group's order. */
  private final OrderingStage stage;

  public MulticastCore(String self, MulticastSettings settings, Effects fx) {
    this.self = self;
    this.settings = settings;
    this.fx = fx;
    this.stage = OrderingStage.of(self, settings, fx, new Below());
    this.overlay = Overlay.of(settings.topology(), settings.fanout(), Set.of(self));
  }

  /** What the ordering stage sees of this member: the reliable layer's state and the way up. */
  private final class Below implements OrderingStage.Member {
    @Override
    public void deliver(Data data, Long gseq) {
      MulticastCore.this.deliver(data, gseq);
    }

    @Override
    public long deliveredOf(String origin) {
      return MulticastCore.this.deliveredOf(origin);
    }

    @Override
    public VectorClock delivered() {
      return MulticastCore.this.delivered();
    }

    @Override
    public Map<String, Long> deliveredMap() {
      return progress().delivered();
    }

    @Override
    public boolean neverOurs(String k, String citing, long seq) {
      return MulticastCore.this.neverOurs(k, citing, seq);
    }

    @Override
    public boolean closed(String origin) {
      Inbound in = inbound.get(origin);
      return in != null && in.closed;
    }

    @Override
    public long released(String origin) {
      Inbound in = inbound.get(origin);
      return in == null ? 0 : in.released();
    }

    @Override
    public void unrelease(String origin, long seq) {
      Inbound in = inbound(origin);
      in.holdback = in.holdback.startFrom(seq).rest();
      TreeMap<Long, Data> held = buffer.get(origin);
      if (held != null) held.tailMap(seq, true).clear();
    }

    @Override
    public Set<String> peers() {
      return view;
    }

    @Override
    public void announce() {
      broadcastStatus();
    }

    @Override
    public void reject(String reason) {
      fx.reject(reason);
    }
  }

  // ---------------------------------------------------------------- the application's side

  /** The application hands {@code payload} to the middleware. */
  public void multicast(String payload) {
    if (payload == null) {
      fx.reject("multicast without payload");
      return;
    }
    int size = Data.utf8Length(payload);
    if (size > settings.maxPayloadBytes()) {
      fx.reject("multicast of a " + size + "-byte payload refused: the most a message may carry is "
          + settings.maxPayloadBytes() + " bytes (bundle-max-bytes less room for the header)");
      return;
    }
    if (!pending.isEmpty() || !windowOpen()) {
      pending.add(payload);
      return;
    }
    send(payload);
  }

  private boolean windowOpen() {
    return nextSeq - 1 - stableOwn < settings.window();
  }

  private void send(String payload) {
    long seq = nextSeq++;
    VectorClock vc = stage.stamp(self, seq);
    Data data = new Data(self, seq, vc, payload);
    buffer.computeIfAbsent(self, o -> new TreeMap<>()).put(seq, data);
    // traceMessage builds the id only when tracing: with tracing off, building ids per message alone
    // was a visible share of a FIFO member's time (JFR).
    fx.traceMessage(Events.Group.MULTICAST, data, vc, null, null);
    if (overlay.topology() == Overlay.Topology.DIRECT) {
      for (String peer : view) {
        if (streamStart.getOrDefault(peer, Long.MAX_VALUE) <= seq) fx.sendData(peer, data);
      }
    } else {
      for (String peer : overlay.nextHops(self, self, null)) if (view.contains(peer)) fx.sendData(peer, data);
    }
    stage.onOwn(data);
  }

  // ---------------------------------------------------------------- the network's side

  public void onHello(String from, long firstSeq) {
    onHello(from, firstSeq, null);
  }

  /**
   * {@code from} addresses its messages to us from {@code firstSeq} on; in causal groups
   * {@code cut} is what it had delivered when it added us: its later messages may name those
   * as causes, and those of them from an origin that never addresses us were multicast before
   * we were there.
   */
  public void onHello(String from, long firstSeq, Map<String, Long> cut) {
    if (from == null || from.isBlank() || firstSeq < 1 || (cut != null && malformed(cut))) {
      fx.reject("hello from [" + from + "] with first sequence number [" + firstSeq + "]");
      return;
    }
    if (from.equals(self)) return;
    Inbound in = inbound(from);
    if (in.firstSeq != -1) {
      if (in.firstSeq != firstSeq)
        fx.reject("second hello from [" + from + "] with first sequence number [" + firstSeq
            + "] after [" + in.firstSeq + "]: a node name must not come back in one run");
      return;
    }
    in.firstSeq = firstSeq;
    if (cut != null) in.cut = Map.copyOf(cut);
    long settled = stage.settledUnaddressed(from);
    long start = Math.max(firstSeq, settled + 1);
    HoldbackQueue.Release<Data> notOurs = in.holdback.startFrom(start);
    in.holdback = notOurs.rest();
    if (deliveredOf(from) < start - 1) setDelivered(from, start - 1);
    for (Data before : notOurs.released()) {
      fx.traceMessage(Events.Group.DROP, before, null, null, Map.of("reason", before.seq() < firstSeq
          ? "sent before this member joined"
          : "taken as sent before this member joined: its effects were delivered before this Hello came"));
    }
    if (settled >= firstSeq) {
      // Messages [firstSeq, settled] were addressed to us after all, but their effects are
      // delivered: delivering them now would break causal order, so they are skipped, loudly.
      fx.reject("hello from [" + from + "] with first sequence number [" + firstSeq + "] came after this member had taken "
          + from + ":1.." + settled + " as sent before it joined: those are skipped, not delivered out of causal order");
    }
    release(from, in);
    stage.causesSettled();
  }

  public void onData(String from, Data data, long now) {
    String defect = data == null ? "empty data message" : data.defect();
    if (defect == null) defect = stage.defect(data);
    if (defect != null) {
      fx.reject(defect + " from [" + from + "]");
      return;
    }
    fx.traceMessage(Events.Group.RECEIVE, data, data.vc(), null, Map.of("from", from));
    if (data.origin().equals(self)) {
      fx.traceMessage(Events.Group.DUPLICATE, data, null, null, null);
      return;
    }
    Inbound in = inbound(data.origin());
    if (in.closed) {
      fx.traceMessage(Events.Group.DROP, data, null, null, Map.of("reason", "its origin left and its stream was closed"));
      return;
    }
    if (in.holdback.seen(data.seq())) {
      fx.traceMessage(Events.Group.DUPLICATE, data, null, null, null);
      return;
    }
    if (in.firstSeq != -1 && data.seq() < in.firstSeq) {
      fx.traceMessage(Events.Group.DROP, data, null, null, Map.of("reason", "sent before this member joined"));
      return;
    }
    // The common case — the next message of a stream with nothing held back — is handed up
    // without being held: the same outcome as adding it and releasing the run it starts, without
    // copying the queue twice per message (issue 15).
    boolean inOrder = in.firstSeq != -1 && in.holdback.isEmpty() && data.seq() == in.holdback.next();
    in.holdback = inOrder ? in.holdback.passNext() : in.holdback.add(data.seq(), data);
    in.highestKnown = Math.max(in.highestKnown, data.seq());
    forward(from, data);
    buffer.computeIfAbsent(data.origin(), o -> new TreeMap<>()).put(data.seq(), data);
    if (inOrder) stage.onReleased(data);
    else release(data.origin(), in);
    noteGap(in, now);
  }

  public void onNack(String from, String origin, long fromSeq, long toSeq, long now) {
    if (origin == null || fromSeq < 1 || toSeq < fromSeq) {
      fx.reject("retransmission request from [" + from + "] for [" + origin + "] " + fromSeq + ".." + toSeq);
      return;
    }
    TreeMap<Long, Data> held = buffer.get(origin);
    if (held == null) return;
    long last = Math.min(toSeq, fromSeq + settings.nackBatch() - 1);
    // What was resent to this peer moments ago is still on its way: resending it again on every
    // repeated request is how a slow receiver turns into a retransmission storm.
    Map<String, long[]> toPeer = resent.computeIfAbsent(from, p -> new HashMap<>());
    long[] recent = toPeer.get(origin);
    long first = fromSeq;
    if (recent != null && now - recent[1] < 2 * settings.nackDelay().toMillis()) first = Math.max(first, recent[0] + 1);
    if (first > last) return;
    toPeer.put(origin, new long[] {last, now});
    for (Data d : held.subMap(first, true, last, true).values()) {
      fx.traceMessage(Events.Group.RETRANSMIT, d, null, null, Map.of("to", from));
      fx.sendData(from, d);
    }
  }

  public void onStatus(String from, Map<String, Long> peerView, Map<String, Long> released, long gseq, long now) {
    if (from == null || peerView == null || malformed(peerView) || (released != null && malformed(released)) || gseq < 0) {
      fx.reject("status from [" + from + "] with a malformed vector " + peerView + " / " + released + " / gseq " + gseq);
      return;
    }
    peerDelivered.put(from, peerView);
    Map<String, Long> theirs = released == null ? peerView : released;
    if (theirs.containsKey(self)) helloUnconfirmed.remove(from); // it knows where our stream starts
    if (view.contains(from)) peerReleased.put(from, theirs);
    stage.onPeerProgress(from, gseq);
    for (Map.Entry<String, Long> e : theirs.entrySet()) {
      if (e.getKey().equals(self)) continue;
      Inbound in = inbound(e.getKey());
      if (in.closed && view.contains(from) && e.getValue() > in.released()) reopen(e.getKey(), in, from, e.getValue(), now);
      if (e.getValue() > in.highestKnown) {
        in.highestKnown = e.getValue();
        noteGap(in, now);
      }
    }
    advanceStability();
  }

  private static boolean malformed(Map<String, Long> vector) {
    for (Map.Entry<String, Long> e : vector.entrySet()) if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) return true;
    return false;
  }

  /** This member's sequencer actor numbered messages (total groups whose shell runs one). */
  public void onNumbered(TotalOrder.Ordered numbered) {
    stage.onNumbered(numbered);
  }

  /**
   * What this member's sequencer actor comes back from when it (re)starts, or null when this
   * member leads nothing now (then the sequencer numbers nothing).
   */
  public TotalOrder.SequencerState sequencerState() {
    return stage.sequencerState();
  }

  /** A total-order message from a peer (total groups only). */
  public void onOrdering(String from, TotalOrder.Message message, long now) {
    stage.onOrdering(from, message, now);
  }

  // ---------------------------------------------------------------- membership and time

  /** The group's members now (this member may or may not be among them). */
  public void onView(Set<String> members, long now) {
    TreeSet<String> next = new TreeSet<>(MemberNames.ORDER);
    next.addAll(members);
    next.remove(self);
    for (String peer : next) {
      if (view.contains(peer)) continue;
      if (everDeparted.contains(peer)) {
        fx.reject("member [" + peer + "] came back after leaving the view: a node name must not come back in one run");
        continue;
      }
      view.add(peer);
      streamStart.put(peer, nextSeq);
      Map<String, Long> cut = stage.helloCut();
      if (cut != null) helloCut.put(peer, cut);
      fx.sendHello(peer, nextSeq, cut);
      helloUnconfirmed.put(peer, now);
    }
    List<String> departed = new java.util.ArrayList<>();
    for (Iterator<String> it = view.iterator(); it.hasNext(); ) {
      String peer = it.next();
      if (next.contains(peer)) continue;
      it.remove();
      streamStart.remove(peer);
      helloCut.remove(peer);
      helloUnconfirmed.remove(peer);
      peerDelivered.remove(peer);
      peerReleased.remove(peer);
      everDeparted.add(peer);
      inbound(peer).departedAt = now;
      departed.add(peer);
    }
    TreeSet<String> all = new TreeSet<>(MemberNames.ORDER);
    all.addAll(view);
    all.add(self);
    overlay = Overlay.of(settings.topology(), settings.fanout(), all);
    // "self" names this member's incarnation, so the checkers can tell a restarted node's
    // members apart and know to whom each multicast was addressed (the origin's view at the time).
    fx.trace(Events.Group.VIEW, null, null, null, Map.of("members", all, "self", self));
    // A cause from a departed origin that never addressed us no longer holds anything back.
    stage.causesSettled();
    advanceStability();
    stage.onView(all, departed, now);
  }

  /** Time passes: nack persistent gaps, give up on departed origins, tell peers our progress. */
  public void tick(long now) {
    for (Map.Entry<String, Inbound> e : inbound.entrySet()) {
      String origin = e.getKey();
      Inbound in = e.getValue();
      if (in.departedAt != -1 && !in.closed && now - in.departedAt >= settings.departedFlushTimeout().toMillis()
          && survivorHolding(origin, in) == null) {
        close(origin, in);
        continue;
      }
      noteGap(in, now);
      long wait = settings.nackDelay().toMillis();
      if (in.gapSince != -1 && now - in.gapSince >= wait && now - in.lastNackAt >= wait) {
        in.lastNackAt = now;
        long from = in.released() + 1;
        long to = in.holdback.isEmpty() ? in.highestKnown : in.holdback.first() - 1;
        to = Math.min(to, from + settings.nackBatch() - 1);
        fx.trace(Events.Group.NACK, null, null, null, Map.of("origin", origin, "from", from, "to", to));
        // The origin holds its messages until stable; once it left, any survivor may hold them.
        if (view.contains(origin)) fx.sendNack(origin, origin, from, to);
        else for (String peer : view) fx.sendNack(peer, origin, from, to);
      }
    }
    for (Map.Entry<String, Long> h : helloUnconfirmed.entrySet()) {
      if (now - h.getValue() < settings.nackDelay().toMillis()) continue;
      h.setValue(now);
      fx.trace(Events.Group.HELLO_AGAIN, null, null, null, Map.of("to", h.getKey(), "firstSeq", streamStart.get(h.getKey())));
      fx.sendHello(h.getKey(), streamStart.get(h.getKey()), helloCut.get(h.getKey()));
    }
    stage.tick(now);
    broadcastStatus();
  }

  // ---------------------------------------------------------------- the rules

  /**
   * Passes a message seen for the first time on along the overlay. Only what comes down the
   * overlay goes on: in a tree, what came from this member's parent (a repair sent straight from
   * the origin stops here); in a mesh, what came from a neighbour.
   */
  private void forward(String from, Data data) {
    if (overlay.topology() == Overlay.Topology.DIRECT) return;
    boolean downTheOverlay = overlay.topology() == Overlay.Topology.TREE
        ? overlay.nextHops(from, data.origin(), null).contains(self)
        : overlay.neighbours(self).contains(from);
    if (!downTheOverlay) return;
    List<String> to = new java.util.ArrayList<>();
    for (String peer : overlay.nextHops(self, data.origin(), from)) {
      if (view.contains(peer)) {
        to.add(peer);
        fx.sendData(peer, data);
      }
    }
    if (!to.isEmpty()) fx.traceMessage(Events.Group.FORWARD, data, null, null, Map.of("from", from, "to", to));
  }

  private void release(String origin, Inbound in) {
    if (in.firstSeq == -1) return; // not addressed to us until its Hello says from where
    HoldbackQueue.Release<Data> run = in.holdback.release();
    in.holdback = run.rest();
    for (Data next : run.released()) stage.onReleased(next);
  }

  /**
   * Whether message {@code k:seq}, a cause of a message from {@code citing}, was never addressed
   * to this member — so it never comes, and waiting for it would hold {@code citing}'s stream
   * back for good. That is so when k never said Hello to us (we have no stream of it) and either
   * k left the view (it never will), or k is not in our view and {@code citing} had delivered
   * k:seq before it added us (its Hello's cut): a member that joined late — a node restarted
   * under its name is a new member — gets what is multicast after it joined, and the causes of
   * that from before its time are not its to wait for. A cause from an origin that did address
   * us is always waited for. Issue 17.
   */
  private boolean neverOurs(String k, String citing, long seq) {
    Inbound ik = inbound.get(k);
    if (ik != null && ik.firstSeq != -1) return false;
    if (everDeparted.contains(k)) return true;
    if (view.contains(k)) return false; // its Hello may be on its way
    Inbound ic = inbound.get(citing);
    return ic != null && seq <= ic.cut.getOrDefault(k, 0L);
  }

  /**
   * A current peer whose last status says it released more of {@code origin} than we did, or
   * null: while one survivor holds a departed origin's message, it is asked for, however long
   * the survivor takes to answer — agreement must not depend on a timer.
   */
  private String survivorHolding(String origin, Inbound in) {
    for (String peer : view) {
      Map<String, Long> theirs = peerReleased.get(peer);
      if (theirs != null && theirs.getOrDefault(origin, 0L) > in.released()) return peer;
    }
    return null;
  }

  private void deliver(Data data, Long gseq) {
    setDelivered(data.origin(), data.seq());
    // Guarded here too: the delivery clock is a copy of the delivered vector, made per message.
    if (fx.tracing()) fx.traceMessage(Events.Group.DELIVER, data, stage.deliveryClock(), gseq, null);
    fx.deliver(data, gseq == null ? 0 : gseq);
    if (!data.origin().equals(self) && ++deliveriesSinceStatus >= settings.statusEvery()) broadcastStatus();
  }

  private void noteGap(Inbound in, long now) {
    if (in.hasGap()) {
      if (in.gapSince == -1) in.gapSince = now;
    } else {
      in.gapSince = -1;
    }
  }

  private void close(String origin, Inbound in) {
    in.closed = true;
    for (Data lost : in.holdback.held())
      fx.traceMessage(Events.Group.DROP, lost, null, null, Map.of("reason", "a predecessor was lost with its departed origin"));
    long droppedFrom = in.released() + 1;
    in.holdback = HoldbackQueue.startingAt(droppedFrom);
    in.gapSince = -1;
    // What we released stays buffered until stable: another survivor may still ask us for it.
    TreeMap<Long, Data> held = buffer.get(origin);
    if (held != null) held.tailMap(droppedFrom, true).clear();
    fx.trace(Events.Group.CLOSE, null, null, null, Map.of("origin", origin, "released", in.released(),
        "highestKnown", Math.max(in.highestKnown, droppedFrom - 1)));
    stage.onClosed(origin);
  }

  /**
   * A survivor's later status shows it holds more of a closed origin than we released: closing
   * was only giving up asking, so ask again. Nothing was delivered past the gap (causal order
   * never skips a missing cause), so taking the rest now keeps every order.
   */
  private void reopen(String origin, Inbound in, String holder, long theirs, long now) {
    in.closed = false;
    in.departedAt = now;
    fx.trace(Events.Group.REOPEN, null, null, null, Map.of("origin", origin, "released", in.released(), "holder", holder, "theirs", theirs));
  }

  private void broadcastStatus() {
    deliveriesSinceStatus = 0;
    List<String> beyond = new ArrayList<>();
    for (String m : stage.toldBeyondView()) if (!m.equals(self) && !view.contains(m) && !everDeparted.contains(m)) beyond.add(m);
    if (view.isEmpty() && beyond.isEmpty()) return;
    Progress p = progress();
    for (String peer : view) fx.sendStatus(peer, p.delivered(), p.released(), p.gseq());
    for (String peer : beyond) fx.sendStatus(peer, p.delivered(), p.released(), p.gseq());
  }

  /**
   * What a status says: per origin the highest sequence number delivered and released, and in
   * total groups the ready gseq. The shell also rides it on every data bundle, so progress —
   * and with it stability and safe delivery — travels as fast as the data does.
   */
  public record Progress(Map<String, Long> delivered, Map<String, Long> released, long gseq) {}

  public Progress progress() {
    Map<String, Long> mine = new LinkedHashMap<>();
    delivered.forEach((origin, seq) -> mine.put(origin, seq[0]));
    Map<String, Long> released = new LinkedHashMap<>();
    // An origin whose Hello we have is named even at 0: that is how it learns its Hello arrived.
    inbound.forEach((origin, in) -> { if (in.released() > 0 || in.firstSeq != -1) released.put(origin, in.released()); });
    released.put(self, nextSeq - 1);
    return new Progress(mine, released, stage.readyGseq());
  }

  /** Frees what every current member delivered, and lets waiting multicasts go. */
  private void advanceStability() {
    for (Iterator<Map.Entry<String, TreeMap<Long, Data>>> it = buffer.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, TreeMap<Long, Data>> e = it.next();
      String origin = e.getKey();
      // A member not admitted to a total group never delivers its own messages; the others do.
      long stable = origin.equals(self) && stage.deliversNothing() ? Long.MAX_VALUE : deliveredOf(origin);
      // A member that delivers nothing of the group (a total group's late joiner) is not waited for.
      for (String peer : stage.waitedFor()) {
        Map<String, Long> theirs = peerDelivered.get(peer);
        stable = Math.min(stable, theirs == null ? 0 : theirs.getOrDefault(origin, 0L));
      }
      e.getValue().headMap(stable, true).clear();
      if (origin.equals(self) && stable > stableOwn) {
        stableOwn = stable;
        fx.stable(stable);
      }
    }
    while (!pending.isEmpty() && windowOpen()) send(pending.poll());
  }

  private long deliveredOf(String origin) {
    long[] seq = delivered.get(origin);
    return seq == null ? 0 : seq[0];
  }

  private void setDelivered(String origin, long seq) {
    delivered.computeIfAbsent(origin, o -> new long[1])[0] = seq;
  }

  private Inbound inbound(String origin) {
    return inbound.computeIfAbsent(origin, o -> new Inbound());
  }

  // ---------------------------------------------------------------- for tests and progress

  /** The member's delivered vector as a value: for each origin, the highest sequence number delivered. */
  public VectorClock delivered() {
    Map<String, Long> copy = new HashMap<>();
    delivered.forEach((o, s) -> copy.put(o, s[0]));
    return VectorClock.of(copy);
  }

  public Set<String> view() {
    return java.util.Collections.unmodifiableSet(view);
  }

  public int pendingCount() {
    return pending.size();
  }

  /** The total-order stage's view of itself, for tests: epoch, sequencer, whether it leads. */
  public String sequencing() {
    return stage.sequencing();
  }

  public int heldBack() {
    int n = stage.held();
    for (Inbound in : inbound.values()) n += in.holdback.size();
    return n;
  }

  public int buffered() {
    int n = 0;
    for (TreeMap<Long, Data> b : buffer.values()) n += b.size();
    return n;
  }
}
