package org.sidis.multicast;

import org.sidis.trace.Events;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sequencer-based total order, the stage above the reliable layer in a {@code total} group:
 * the fixed sequencer of Défago, Schiper and Urbán ("Total order broadcast and multicast
 * algorithms: taxonomy and survey", ACM Computing Surveys 36(4), 2004, §4.1), broadcast-broadcast
 * variant, as in Amoeba (Kaashoek 1992), with uniform (safe) delivery and a sequencer elected
 * anew when the view changes.
 *
 * <p>One class per role: this class is the <em>member's ordering stage</em> — it holds what the
 * reliable layer released, takes the numbers, and delivers in gseq order; {@link Sequencer} (run
 * as its own actor, {@link SequencerActor}, on the leader's node) gives the numbers; and
 * {@link EpochChange} moves the group from one sequencer to the next (view change, flush,
 * new epoch). The rules of all three are told here, as one protocol.
 *
 * <h2>Ordering</h2>
 * Data travels as in every group: each origin multicasts its messages to all members through
 * the reliable layer. The sequencer — the first member of the view in {@link MemberNames#ORDER}
 * (n2 before n10, incarnation after node) — is a
 * member like the others; as the reliable layer releases a message to it (in FIFO order per
 * origin) it assigns the next global sequence number ({@code gseq}) and multicasts only the
 * assignment ({@link Ordered}, many per network message). A member is <em>ready</em> up to g
 * when it holds the assignments and the data of 1..g, and says so in its status. It delivers
 * g when every member of the view is ready up to g (safe delivery): then whoever survives a
 * crash holds g, so even a member that crashes right after delivering — the sequencer itself
 * included — delivered nothing the survivors will not deliver in the same place. A gap in the
 * assignments that lasts
 * {@code nack-delay} is asked of the sequencer ({@link OrderNack}); a gseq far ahead is never
 * delivered early. Because the sequencer assigns in release order, total order is also FIFO.
 *
 * <h2>Hand-over (epochs)</h2>
 * When the sequencer leaves the view (crashed, downed, left) — or a member with a lower name
 * joins — the new candidate opens epoch e+1: it asks every member of its view for its state
 * ({@link FlushRequest}); a member that accepts stops taking assignments of older epochs and
 * answers ({@link FlushReply}) with the highest gseq it delivered, the assignments it knows
 * that are not yet delivered everywhere, and the ids of the messages it holds undelivered —
 * and delivers nothing more until the new epoch's cut arrives, so its answer stays true.
 * With every answer in, the new sequencer keeps the old assignments up to the highest gseq any
 * survivor delivered, and beyond that only while some survivor holds the message (a survivor
 * delivered nothing past the first message nobody holds); it sends that cut ({@link NewEpoch})
 * and numbers every other held message from there, in the order its reliable layer released
 * them. Nothing a survivor delivered is renumbered or reordered, no number is assigned twice
 * in one epoch, and assignments carry their epoch, so a deposed sequencer's late messages are
 * refused. The group forms the same way: once {@code total-min-members} are in the view the
 * lowest name asks for the first hand-over, and if it dies before its first NewEpoch, a majority
 * of the group it asked for goes on without it (a minority does not: see {@link #primary}).
 * Origins do not re-submit: the reliable layer already has every message of a live
 * origin reach every member, and those of a crashed origin reach the survivors from whichever
 * survivor holds them.
 *
 * <p>Guarantee: uniform total order and agreement among surviving members — every surviving
 * member delivers the same messages in the same gseq order, and a message delivered by any
 * surviving member is delivered by all of them. A message only the crashed members ever held
 * is lost with them. Members that join after ordering began are not supported yet.
 */
public final class TotalOrder {

  // ------------------------------------------------------------------ the ordering protocol

  /** Message {@code origin:seq} is number {@code gseq} of the group, as decided in {@code epoch}. */
  public record Assignment(long epoch, long gseq, String origin, long seq) {
    @JsonIgnore
    public String msgId() {
      return origin + ":" + seq;
    }

    Key key() {
      return new Key(origin, seq);
    }
  }

  /** A message's identity as a map key: cheaper than building its id string on every lookup. */
  public record Key(String origin, long seq) {
    static Key of(Data d) {
      return new Key(d.origin(), d.seq());
    }

    String msgId() {
      return origin + ":" + seq;
    }
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Ordered.class, name = "ordered"),
      @JsonSubTypes.Type(value = OrderNack.class, name = "order-nack"),
      @JsonSubTypes.Type(value = FlushRequest.class, name = "flush-request"),
      @JsonSubTypes.Type(value = FlushReply.class, name = "flush-reply"),
      @JsonSubTypes.Type(value = NewEpoch.class, name = "new-epoch")})
  public sealed interface Message permits Ordered, OrderNack, FlushRequest, FlushReply, NewEpoch {
    long epoch();
  }

  /**
   * {@code count} consecutive numbers from {@code gseq} go to {@code count} consecutive
   * messages of {@code origin} from {@code seq}. The sequencer numbers what its reliable layer
   * releases, which arrives bundled per origin, so runs are long and ordering costs the wire
   * a few bytes per bundle, not per message.
   */
  public record Run(long gseq, String origin, long seq, int count) {}

  /** The sequencer of {@code epoch} assigned these numbers. */
  public record Ordered(long epoch, List<Run> runs) implements Message {

    /** The assignments these runs stand for. */
    @JsonIgnore
    public List<Assignment> assignments() {
      List<Assignment> out = new ArrayList<>();
      if (runs == null) return out;
      for (Run r : runs) {
        for (int i = 0; i < r.count(); i++) out.add(new Assignment(epoch, r.gseq() + i, r.origin(), r.seq() + i));
      }
      return out;
    }

    /** Runs for assignments in gseq order, each as long as the numbering allows. */
    public static Ordered of(long epoch, List<Assignment> assignments) {
      List<Run> runs = new ArrayList<>();
      for (Assignment a : assignments) appendTo(runs, new Run(a.gseq(), a.origin(), a.seq(), 1));
      return new Ordered(epoch, runs);
    }
  }

  /** Appends {@code next}, extending the last run when it continues it. */
  static void appendTo(List<Run> runs, Run next) {
    if (!runs.isEmpty()) {
      Run last = runs.get(runs.size() - 1);
      if (last.origin().equals(next.origin()) && last.gseq() + last.count() == next.gseq() && last.seq() + last.count() == next.seq()) {
        runs.set(runs.size() - 1, new Run(last.gseq(), last.origin(), last.seq(), last.count() + next.count()));
        return;
      }
    }
    runs.add(next);
  }

  /** A member misses the assignments {@code fromGseq..toGseq}. */
  public record OrderNack(long epoch, long fromGseq, long toGseq) implements Message {}

  /**
   * A candidate opens {@code epoch} for {@code members} and asks for the member's state. The
   * members matter while the group forms: a member that answered knows which group it promised
   * to, so it can tell a majority of it from a minority if the candidate dies before any epoch.
   */
  public record FlushRequest(long epoch, List<String> members) implements Message {}

  /**
   * A member's state for the hand-over to {@code epoch}, in {@code parts} messages (this is
   * number {@code part}, from 1): a state of thousands of messages must not outgrow a frame.
   */
  public record FlushReply(long epoch, int part, int parts, long deliveredGseq, List<Assignment> known, List<String> held)
      implements Message {}

  /**
   * Epoch {@code epoch} starts: the old assignments up to {@code keepUpTo} stand, later ones are
   * void. In {@code parts} messages; a member adopts the epoch when it has them all.
   */
  public record NewEpoch(long epoch, int part, int parts, long keepUpTo, List<Assignment> kept, List<String> members)
      implements Message {}

  /** Most assignments or ids in one hand-over message (about 100 KiB; Artery's frame is 256 KiB). */
  static final int PART_SIZE = 2000;

  /** What the stage needs from the member around it. */
  interface Host {
    Set<String> peers();

    void deliverOrdered(Data data, long gseq);

    void sendOrdering(String peer, Message message);

    void trace(String event, String msgId, Long gseq, Map<String, ?> extra);

    void reject(String reason);

    /** Tell the peers our progress now (ready gseq), not only at the next tick. */
    void announce();

    /** This member joined after ordering began and is not admitted (said once). */
    default void notAdmitted(String reason) {}

    /**
     * This member leads {@code epoch}: start its {@link Sequencer}, numbering on from what
     * {@link #sequencerState()} says (the state it comes back from after a restart, too).
     */
    void openSequencer(long epoch);

    /** Ask the sequencer of {@code epoch} to number {@code messages}; the answer comes to {@link #onNumbered}. */
    void sequence(long epoch, List<Key> messages, long deliveredGseq);

    /** This member leads no more: its sequencer stops. */
    void closeSequencer();
  }

  /**
   * What a (re)started sequencer of {@code epoch} numbers on from: {@code next} is one past the
   * highest gseq this member took from it (or from the epoch's cut), and {@code unnumbered} the
   * messages it holds that have no number yet — a request lost with a crashed sequencer is among
   * them, so nothing waits for good and nothing is numbered twice.
   */
  public record SequencerState(long epoch, long next, List<Key> unnumbered, long deliveredGseq) {}

  private final String self;
  private final MulticastSettings settings;
  private final Host host;

  private long epoch; // the epoch whose assignments this member takes; 0: none yet
  private String sequencer;
  private boolean leading;
  /** As the leader: the highest gseq of its epoch that its sequencer gave (or the epoch's cut). */
  private long numberedUpTo;
  private Set<String> epochMembers = Set.of();

  private long nextDeliver = 1;
  private final TreeMap<Long, Assignment> assignments = new TreeMap<>();
  /** Delivered assignments in gseq order, kept until every member holds them: a hand-over may need them. */
  private final java.util.ArrayDeque<Assignment> deliveredLog = new java.util.ArrayDeque<>();
  /** The gseq of every message assigned and not yet delivered. */
  private final Map<Key, Long> gseqOf = new HashMap<>();
  /** Released by the reliable layer, not yet delivered, in release order. */
  private final LinkedHashMap<Key, Data> held = new LinkedHashMap<>();
  private final List<Ordered> early = new ArrayList<>();
  private final Map<String, Long> peerReady = new HashMap<>();
  private long ready; // assignments and data of 1..ready are here
  private long announced;
  private long announcedDelivered;
  private long highestKnown;
  private long gapSince = -1;
  private long lastNackAt = Long.MIN_VALUE / 2;

  /** The epoch-change role: the view change, the flush and the new epoch's cut. */
  private final EpochChange change;

  TotalOrder(String self, MulticastSettings settings, Host host) {
    this.self = self;
    this.settings = settings;
    this.host = host;
    this.change = new EpochChange(self, settings, host, this);
  }

  /** Told it joined after ordering began, and not admitted since: it delivers nothing. */
  boolean notAdmitted() {
    return change.toldLate() && epoch == 0;
  }

  long deliveredGseq() {
    return nextDeliver - 1;
  }

  /** What this member tells its peers: it holds assignments and data of 1..ready. */
  long readyGseq() {
    return ready;
  }

  long epoch() {
    return epoch;
  }

  String sequencer() {
    return sequencer;
  }

  boolean leading() {
    return leading;
  }

  int heldCount() {
    return held.size();
  }

  private boolean primary() {
    Set<String> members = new HashSet<>(host.peers());
    members.add(self);
    return change.primary(members);
  }

  /**
   * The peers this stage orders with: the view's members that belong to the installed epoch. A
   * member that joined after ordering began is not one of them (late joiners are not admitted,
   * review F9): it is neither sent assignments nor waited for.
   */
  List<String> orderingPeers() {
    List<String> out = new ArrayList<>();
    for (String p : host.peers()) if (epochMembers.isEmpty() || epochMembers.contains(p)) out.add(p);
    return out;
  }

  // ------------------------------------------------------------------ data from the reliable layer

  /** The reliable layer released {@code data} (in FIFO order of its origin). */
  void onReleased(Data data) {
    Key key = Key.of(data);
    held.put(key, data);
    if (leading && !gseqOf.containsKey(key) && primary()) host.sequence(epoch, List.of(key), deliveredGseq());
    deliverReady();
  }

  /**
   * The sequencer numbered messages: as the leader of that epoch, take the numbers and tell the
   * group. A number from an epoch this member no longer leads is void (it stepped down, or a new
   * epoch began while the answer was on its way): those messages are numbered again, by whoever
   * leads, from the new cut.
   */
  void onNumbered(Ordered o) {
    if (!leading || o.epoch() != epoch) {
      host.trace(Events.Group.NUMBERED_VOID, null, null, Map.of("epoch", o.epoch(), "current", epoch, "leading", leading));
      return;
    }
    List<Assignment> batch = new ArrayList<>();
    for (Assignment a : o.assignments()) {
      if (a.gseq() <= numberedUpTo || assignments.containsKey(a.gseq()) || gseqOf.containsKey(a.key())) {
        // The sequencer's one rule says this cannot be; refusing it keeps the order whole if it were.
        host.reject("sequencer of epoch " + epoch + " gave " + a + " though gseq " + numberedUpTo + " was the last taken or the message has a number");
        continue;
      }
      numberedUpTo = a.gseq();
      assignments.put(a.gseq(), a);
      gseqOf.put(a.key(), a.gseq());
      batch.add(a);
    }
    if (batch.isEmpty()) return;
    highestKnown = Math.max(highestKnown, numberedUpTo);
    Ordered ordered = Ordered.of(epoch, batch);
    for (String peer : orderingPeers()) host.sendOrdering(peer, ordered);
    deliverReady();
  }

  /** What this member's sequencer comes back from, or null when this member leads nothing. */
  SequencerState sequencerState() {
    if (!leading) return null;
    return new SequencerState(epoch, numberedUpTo + 1, unnumbered(), deliveredGseq());
  }

  List<Key> unnumbered() {
    List<Key> out = new ArrayList<>();
    for (Key k : held.keySet()) if (!gseqOf.containsKey(k)) out.add(k);
    return out;
  }

  /** Leading ends here, whatever the reason: its sequencer stops with it. */
  void stopLeading() {
    if (leading) host.closeSequencer();
    leading = false;
  }

  void deliverReady() {
    Assignment r;
    while ((r = assignments.get(ready + 1)) != null && held.containsKey(r.key())) ready++;
    if (ready - announced >= 32) {
      announced = ready;
      host.announce();
    }
    // A member that answered a hand-over gave the new sequencer a snapshot of what it delivered;
    // delivering more before the new epoch's cut arrives could contradict the cut.
    if (change.promisedEpoch() > epoch) return;
    // A minority view delivers nothing: the majority may be numbering these gseqs otherwise.
    if (!primary()) return;
    long safe = ready;
    for (String peer : orderingPeers()) safe = Math.min(safe, peerReady.getOrDefault(peer, 0L));
    Assignment a;
    while (nextDeliver <= safe && (a = assignments.get(nextDeliver)) != null) {
      Key key = a.key();
      Data d = held.remove(key);
      if (d == null) return; // cannot be: ready covers it
      gseqOf.remove(key);
      assignments.remove(nextDeliver);
      deliveredLog.addLast(a);
      long g = nextDeliver++;
      host.deliverOrdered(d, g);
    }
    // Stability (and so the origins' windows) waits on our delivered vector: say it soon.
    if (nextDeliver - 1 - announcedDelivered >= 32) {
      announcedDelivered = nextDeliver - 1;
      host.announce();
    }
  }

  // ------------------------------------------------------------------ ordering messages

  void onMessage(String from, Message m, long now) {
    if (m == null || m.epoch() < 1 || (m instanceof Ordered o && malformed(o))
        || (m instanceof FlushRequest r && (r.members() == null || !r.members().contains(from)))) {
      host.reject("malformed ordering message from [" + from + "] (no valid epoch, or a hand-over that does not name its sender): " + m);
      return;
    }
    if (m instanceof Ordered o) onOrdered(from, o, now);
    else if (m instanceof OrderNack n) onOrderNack(from, n);
    else if (m instanceof FlushRequest r) change.onFlushRequest(from, r);
    else if (m instanceof FlushReply r) change.onFlushReply(from, r);
    else if (m instanceof NewEpoch e) change.onNewEpoch(from, e);
  }

  private static boolean malformed(Ordered o) {
    if (o.runs() == null) return true;
    for (Run r : o.runs()) if (r == null || r.origin() == null || r.gseq() < 1 || r.seq() < 1 || r.count() < 1) return true;
    return false;
  }

  private void onOrdered(String from, Ordered o, long now) {
    if (o.epoch() < epoch || o.epoch() < change.promisedEpoch()) {
      host.trace(Events.Group.REJECT, null, null, Map.of("reason", "stale epoch", "from", from, "epoch", o.epoch(), "current", Math.max(epoch, change.promisedEpoch())));
      host.reject("refused order from [" + from + "] of stale epoch " + o.epoch() + " (this member is at epoch "
          + Math.max(epoch, change.promisedEpoch()) + ")");
      return;
    }
    if (o.epoch() > epoch) {
      early.add(o); // its NewEpoch is still on the way
      return;
    }
    if (!from.equals(sequencer)) {
      host.reject("refused order from [" + from + "]: the sequencer of epoch " + epoch + " is [" + sequencer + "]");
      return;
    }
    take(o.assignments());
    deliverReady();
    noteGap(now);
  }

  private void take(List<Assignment> list) {
    for (Assignment a : list) {
      if (a.gseq() < nextDeliver || assignments.containsKey(a.gseq())) continue; // a duplicate
      Long known = gseqOf.get(a.key());
      if (known != null && known != a.gseq()) {
        host.reject("assignment " + a + " conflicts with gseq " + known + " for the same message");
        continue;
      }
      assignments.put(a.gseq(), a);
      gseqOf.put(a.key(), a.gseq());
      highestKnown = Math.max(highestKnown, a.gseq());
    }
  }

  private void onOrderNack(String from, OrderNack n) {
    if (!leading || n.epoch() != epoch || n.fromGseq() < 1 || n.toGseq() < n.fromGseq()) return;
    long to = Math.min(n.toGseq(), n.fromGseq() + settings.nackBatch() - 1);
    List<Assignment> again = new ArrayList<>();
    for (Assignment a : deliveredLog) if (a.gseq() >= n.fromGseq() && a.gseq() <= to) again.add(a);
    again.addAll(assignments.subMap(n.fromGseq(), true, to, true).values());
    if (again.isEmpty()) return;
    host.trace(Events.Group.RETRANSMIT_ORDER, null, null, Map.of("to", from, "from", n.fromGseq(), "upTo", to));
    host.sendOrdering(from, Ordered.of(epoch, again));
  }

  // ------------------------------------------------------------------ membership and hand-over

  /** The view changed: the epoch change decides whether a hand-over begins. */
  void onView(Set<String> members, long now) {
    change.onView(members, now);
  }

  /** The primary-partition rule (see {@link EpochChange#primary}). */
  boolean primary(Set<String> members) {
    return change.primary(members);
  }

  /** Installs epoch {@code e}'s cut: assignments past keepUpTo are void, the kept ones stand. */

  void adopt(String from, NewEpoch e) {
    epoch = e.epoch();
    sequencer = from;
    epochMembers = MemberNames.sorted(e.members());
    change.installed(e.epoch());
    if (!from.equals(self)) stopLeading();
    for (Iterator<Map.Entry<Long, Assignment>> it = assignments.tailMap(e.keepUpTo(), false).entrySet().iterator(); it.hasNext(); ) {
      gseqOf.remove(it.next().getValue().key());
      it.remove();
    }
    take(e.kept());
    ready = Math.min(ready, e.keepUpTo());
    ready = Math.max(ready, nextDeliver - 1);
    announced = Math.min(announced, ready);
    peerReady.replaceAll((peer, g) -> Math.min(g, e.keepUpTo())); // their readiness past the cut is void
    highestKnown = e.keepUpTo();
    gapSince = -1;
    host.trace(Events.Group.EPOCH, null, null, Map.of("epoch", e.epoch(), "sequencer", from, "keepUpTo", e.keepUpTo()));
    List<Ordered> pending = new ArrayList<>(early);
    early.clear();
    for (Ordered o : pending) {
      if (o.epoch() == epoch) take(o.assignments());
      else if (o.epoch() > epoch) early.add(o);
    }
  }

  /** This member's state for a hand-over to epoch {@code e}: what it delivered, knows and holds. */
  FlushReply stateFor(long e) {
    List<Assignment> known = new ArrayList<>(deliveredLog);
    known.addAll(assignments.values());
    List<String> heldIds = new ArrayList<>(held.size());
    for (Key k : held.keySet()) heldIds.add(k.msgId());
    return new FlushReply(e, 1, 1, deliveredGseq(), known, heldIds);
  }

  /** Whether ordering began here: anything was numbered, taken or delivered (a newcomer is refused then). */
  boolean began() {
    return nextDeliver > 1 || numberedUpTo > 0 || !assignments.isEmpty() || !deliveredLog.isEmpty();
  }

  /** The installed epoch's members (empty before the first). */
  Set<String> epochMembers() {
    return epochMembers;
  }

  /**
   * This member decided the hand-over to {@code e} and leads it: its sequencer numbers on from
   * the cut {@code keepUpTo}, the held messages without a number first.
   */
  void lead(long e, long keepUpTo) {
    leading = true;
    numberedUpTo = keepUpTo;
    host.openSequencer(e);
    List<Key> unordered = unnumbered();
    if (!unordered.isEmpty()) host.sequence(e, unordered, deliveredGseq());
    deliverReady();
  }

  // ------------------------------------------------------------------ progress and time

  /**
   * A peer is ready up to {@code gseq}: it may let deliveries go (safe delivery), and trims the
   * log of what every member holds.
   */
  void onPeerProgress(String from, long gseq) {
    change.noteLateJoin(from, gseq);
    if (change.promisedEpoch() > epoch) return; // readiness under the old epoch may be cut away
    peerReady.put(from, gseq);
    if (from.equals(sequencer)) highestKnown = Math.max(highestKnown, gseq);
    long stable = deliveredGseq();
    for (String peer : orderingPeers()) stable = Math.min(stable, peerReady.getOrDefault(peer, 0L));
    while (!deliveredLog.isEmpty() && deliveredLog.peekFirst().gseq() <= stable) deliveredLog.pollFirst();
    deliverReady();
  }

  void forget(String peer) {
    peerReady.remove(peer);
  }

  void tick(long now) {
    change.tick(now);
    noteGap(now);
    long wait = settings.nackDelay().toMillis();
    if (gapSince != -1 && now - gapSince >= wait && now - lastNackAt >= wait && sequencer != null && !leading) {
      lastNackAt = now;
      long to = assignments.isEmpty() ? highestKnown : Math.min(highestKnown, assignments.firstKey() - 1);
      if (to < nextDeliver) to = assignments.isEmpty() ? highestKnown : assignments.firstKey() - 1;
      to = Math.min(to, nextDeliver + settings.nackBatch() - 1);
      host.trace(Events.Group.ORDER_NACK, null, null, Map.of("from", nextDeliver, "upTo", to, "sequencer", sequencer));
      host.sendOrdering(sequencer, new OrderNack(epoch, nextDeliver, to));
    }
  }

  private void noteGap(long now) {
    boolean gap = !assignments.containsKey(nextDeliver) && (highestKnown >= nextDeliver || !assignments.isEmpty());
    if (gap) {
      if (gapSince == -1) gapSince = now;
    } else {
      gapSince = -1;
    }
  }
}
