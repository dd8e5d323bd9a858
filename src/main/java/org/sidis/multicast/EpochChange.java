package org.sidis.multicast;

import org.sidis.trace.Events;
import org.sidis.multicast.TotalOrder.FlushReply;
import org.sidis.multicast.TotalOrder.FlushRequest;
import org.sidis.multicast.TotalOrder.Host;
import org.sidis.multicast.TotalOrder.NewEpoch;
import org.sidis.multicast.TotalOrder.Assignment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Total order's epoch change: the role that moves the group from one sequencer to the next
 * when the view changes — the primary-partition rule, the flush (a candidate asks every member
 * for its state), and the new epoch's cut ({@link NewEpoch}) that every member adopts. It is
 * the view-synchronous hand-over of Birman and Joseph's virtual synchrony (1987) applied to the
 * fixed sequencer of Défago, Schiper and Urbán (2004, §4.1), as Amoeba elects a new sequencer
 * when the old one fails (Kaashoek 1992); {@link TotalOrder}'s class comment tells the rule.
 *
 * <p>It keeps the hand-over's own state — what this member promised and to whom, the flush it
 * leads, the group it is forming, the joiners it refused — and reads the member's ordering
 * state through {@link TotalOrder} ({@code stage}), which it changes only by the two steps the
 * protocol names: adopt an epoch's cut ({@link TotalOrder#adopt}) and lead it
 * ({@link TotalOrder#lead}).
 */
final class EpochChange {

  /** A hand-over this member leads as the candidate sequencer. */
  private static final class Flush {
    final long epoch;
    final Set<String> members;
    final Map<String, FlushReply> replies = new HashMap<>();
    /** Parts received so far, per member and part number (an answer given twice fills the same slots). */
    final Map<String, Map<Integer, FlushReply>> partial = new HashMap<>();
    long askedAt = -1; // when the requests last went out, on the tick's clock; -1 before the first tick

    Flush(long epoch, Set<String> members) {
      this.epoch = epoch;
      this.members = members;
    }
  }


  private final String self;
  private final MulticastSettings settings;
  private final Host host;
  private final TotalOrder stage;

  private long promisedEpoch; // the highest epoch this member answered a flush for
  private String promisedTo;
  private Flush flush;
  /**
   * Before any epoch is installed: the members of the last hand-over this member led or answered
   * (the group it promised to form). Empty until the first one. It stands in for the installed
   * epoch in the primary-partition rule, and it says the group formed once (total-min-members
   * was met), so a candidate that dies before its first NewEpoch does not stall the group.
   */
  private Set<String> formingMembers = Set.of();


  EpochChange(String self, MulticastSettings settings, Host host, TotalOrder stage) {
    this.self = self;
    this.settings = settings;
    this.host = host;
    this.stage = stage;
  }

  /** The highest epoch this member promised a candidate: it takes nothing older, and delivers nothing until it is installed. */
  long promisedEpoch() {
    return promisedEpoch;
  }

  /** Told it joined after ordering began, and not admitted since. */
  boolean toldLate() {
    return toldLate;
  }

  /** Epoch {@code e} was installed here: it is a member after all, and a hand-over it led for an epoch up to e is over. */
  void installed(long e) {
    toldLate = false;
    if (flush != null && flush.epoch <= e) flush = null; // a hand-over we led lost to this one
    promisedEpoch = Math.max(promisedEpoch, e);
  }

  /** Time passes: ask again who did not answer our flush, answer again a flush whose NewEpoch is late. */
  void tick(long now) {
    askAgain(now);
    repeatPromise(now);
  }

  /**
   * The primary-partition rule: only a view that holds a majority of the last installed stage.epoch()'s
   * members — or exactly half of them, the lowest name among them included (the same tie-break
   * on every side) — may number, deliver or open the next stage.epoch(). Two disjoint views can never
   * both pass, so a stage.sequencer() cut off or paused in a minority cannot fork the numbering while the
   * majority opens a new stage.epoch() (review F1). Before the first stage.epoch() the group the member promised
   * to form stands in for it; before any promise, nothing is ordered yet and any view may form.
   */
  boolean primary(Set<String> members) {
    Set<String> last = stage.epochMembers().isEmpty() ? formingMembers : stage.epochMembers();
    if (last.isEmpty()) return true;
    int have = 0;
    for (String m : last) if (members.contains(m)) have++;
    int all = last.size();
    return 2 * have > all || (2 * have == all && members.contains(MemberNames.first(last)));
  }

  void onView(Set<String> members, long now) {
    if (!primary(members)) {
      host.trace(Events.Group.MINORITY, null, null, Map.of("epoch", stage.epoch(), "view", MemberNames.sorted(members), "installed", stage.epochMembers()));
      flush = null;
      if (stage.leading()) {
        stage.stopLeading(); // a minority numbers nothing; the majority's stage.sequencer() takes over
        host.trace(Events.Group.STEP_DOWN, null, null, Map.of("epoch", stage.epoch(), "for", "majority"));
      }
      return;
    }
    // Once an stage.epoch() is installed, only its members may lead: a newcomer is brought in (or refused)
    // by their stage.sequencer()'s hand-over, never by stage.leading() one itself.
    TreeSet<String> eligible = MemberNames.sorted(members);
    if (!stage.epochMembers().isEmpty()) eligible.retainAll(stage.epochMembers());
    String lowest = eligible.first();
    if (flush != null) {
      if (!lowest.equals(self)) {
        flush = null; // someone with a lower name leads the hand-over
      } else if (!flush.members.equals(withoutRefused(members))) {
        startFlush(members); // a member left or came during the hand-over: ask again
      }
      return;
    }
    if (stage.leading() && !lowest.equals(self)) {
      stage.stopLeading(); // a member with a lower name came: it will lead; assign nothing more meanwhile
      host.trace(Events.Group.STEP_DOWN, null, null, Map.of("epoch", stage.epoch(), "for", lowest));
    }
    stage.deliverReady(); // a departed member no longer holds deliveries back
    if (!lowest.equals(self) || toldLate) return;
    // The group is still forming — unless it formed once: a candidate that died before its
    // first NewEpoch leaves a majority of the promised group that must go on without it.
    if (stage.sequencer() == null && formingMembers.isEmpty() && members.size() < settings.totalMinMembers()) return;
    // The lowest name leads. It opens an stage.epoch() when it is not the stage.sequencer() yet (start, or the
    // stage.sequencer() left) and when members came that never adopted its stage.epoch() (the group forming).
    boolean newcomers = false;
    for (String m : members) newcomers |= !stage.epochMembers().contains(m) && !refusedJoiners.contains(m);
    if (!self.equals(stage.sequencer()) || newcomers || !stage.leading()) startFlush(members);
  }

  private final Set<String> refusedJoiners = new TreeSet<>(MemberNames.ORDER);

  /**
   * A peer says it delivered up to {@code gseq} while this member never adopted an stage.epoch(): it
   * joined after ordering began and is not admitted (review F9). Said once, as a clear error.
   */
  private boolean toldLate;
  /** It answered another member's hand-over: it was asked into the group, so it is no late joiner. */
  private boolean answeredAnother;

  void noteLateJoin(String from, long gseq) {
    // A member of the forming group whose NewEpoch is late has promised it to the candidate; a
    // newcomer was never asked (startFlush leaves it out once ordering began).
    // Having answered one, it stays a member of that group when it later leads a hand-over itself
    // (its candidate died and the NewEpoch never reached it): it lacks the epoch, not admission.
    if (stage.epoch() == 0 && gseq > 0 && !toldLate && !answeredAnother) {
      toldLate = true;
      flush = null; // a hand-over it leads would only be refused, again and again
      String reason = "this member joined total-order group after ordering began ([" + from + "] is ready up to gseq "
          + gseq + "): late joiners are not admitted; it will deliver nothing of this group";
      host.reject(reason);
      host.trace(Events.Group.NOT_ADMITTED, null, null, Map.of("by", from, "gseq", gseq));
      host.notAdmitted(reason);
    }
  }

  private void startFlush(Set<String> members) {
    if (!stage.epochMembers().isEmpty() && stage.began()) {
      // Ordering began here: a newcomer is refused now, not asked (see admitOrRefuseNewcomers).
      Set<String> admitted = new TreeSet<>(MemberNames.ORDER);
      for (String m : members) {
        if (stage.epochMembers().contains(m)) admitted.add(m);
        else refuseJoiner(m);
      }
      members = admitted;
    }
    long e = Math.max(Math.max(stage.epoch(), promisedEpoch), flush == null ? 0 : flush.epoch) + 1;
    flush = new Flush(e, MemberNames.sorted(members));
    promisedEpoch = e;
    promisedTo = self;
    if (stage.epochMembers().isEmpty()) formingMembers = flush.members;
    stage.stopLeading();
    host.trace(Events.Group.FLUSH, null, null, Map.of("epoch", e, "members", MemberNames.sorted(members)));
    flush.replies.put(self, stage.stateFor(e));
    for (String peer : flush.members) if (!peer.equals(self)) host.sendOrdering(peer, new FlushRequest(e, List.copyOf(flush.members)));
    maybeDecide();
  }

  void onFlushRequest(String from, FlushRequest r) {
    if (!stage.epochMembers().isEmpty() && !stage.epochMembers().contains(from)) {
      host.reject("refused hand-over to epoch " + r.epoch() + " from [" + from + "]: it is not a member of epoch "
          + stage.epoch() + " " + stage.epochMembers() + " (members that join after ordering began are not admitted)");
      return;
    }
    boolean older = r.epoch() < promisedEpoch || r.epoch() <= stage.epoch();
    boolean sameButOutranked = r.epoch() == promisedEpoch && promisedTo != null && MemberNames.before(promisedTo, from);
    if (older || sameButOutranked) {
      host.reject("refused hand-over to epoch " + r.epoch() + " from [" + from + "]: already promised epoch "
          + promisedEpoch + " to [" + promisedTo + "]");
      return;
    }
    promisedEpoch = r.epoch();
    promisedTo = from;
    answeredAnother = true;
    stage.stopLeading();
    if (stage.epochMembers().isEmpty()) formingMembers = MemberNames.sorted(r.members());
    if (flush != null && MemberNames.before(from, self)) flush = null;
    for (FlushReply part : parts(stage.stateFor(r.epoch()))) host.sendOrdering(from, part);
  }

  /** The state cut into parts that each fit a frame. */
  private static List<FlushReply> parts(FlushReply whole) {
    int parts = Math.max(1, Math.max(ceil(whole.known().size()), ceil(whole.held().size())));
    List<FlushReply> out = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      out.add(new FlushReply(whole.epoch(), i + 1, parts, whole.deliveredGseq(), slice(whole.known(), i), slice(whole.held(), i)));
    }
    return out;
  }

  private static int ceil(int n) {
    return (n + TotalOrder.PART_SIZE - 1) / TotalOrder.PART_SIZE;
  }

  private static <T> List<T> slice(List<T> all, int part) {
    int from = Math.min(all.size(), part * TotalOrder.PART_SIZE);
    return List.copyOf(all.subList(from, Math.min(all.size(), from + TotalOrder.PART_SIZE)));
  }

  void onFlushReply(String from, FlushReply r) {
    if (flush == null && stage.leading() && r.epoch() == stage.epoch() && decided != null && stage.epochMembers().contains(from)) {
      // Its answer came again: it is still waiting for our NewEpoch, which was lost. Say it again.
      host.trace(Events.Group.NEW_EPOCH_AGAIN, null, null, Map.of("epoch", stage.epoch(), "to", from));
      sendDecision(from);
      return;
    }
    if (flush == null || r.epoch() != flush.epoch || !flush.members.contains(from)) return;
    Map<Integer, FlushReply> got = flush.partial.computeIfAbsent(from, f -> new TreeMap<>());
    got.put(r.part(), r);
    if (got.size() < r.parts()) return;
    List<Assignment> known = new ArrayList<>();
    List<String> heldIds = new ArrayList<>();
    for (FlushReply part : got.values()) {
      known.addAll(part.known());
      heldIds.addAll(part.held());
    }
    flush.replies.put(from, new FlushReply(r.epoch(), 1, 1, r.deliveredGseq(), known, heldIds));
    maybeDecide();
  }

  private void maybeDecide() {
    if (flush == null || !flush.replies.keySet().containsAll(flush.members)) return;
    admitOrRefuseNewcomers();
    long minDelivered = Long.MAX_VALUE, maxDelivered = 0;
    Map<Long, Assignment> known = new HashMap<>();
    Set<String> heldAnywhere = new HashSet<>();
    for (FlushReply r : flush.replies.values()) {
      minDelivered = Math.min(minDelivered, r.deliveredGseq());
      maxDelivered = Math.max(maxDelivered, r.deliveredGseq());
      for (Assignment a : r.known()) known.merge(a.gseq(), a, (x, y) -> x.epoch() >= y.epoch() ? x : y);
      heldAnywhere.addAll(r.held());
    }
    // Keep what a survivor delivered; past that, only while someone still holds the message.
    long keepUpTo = minDelivered;
    while (true) {
      Assignment next = known.get(keepUpTo + 1);
      if (next == null) break;
      if (keepUpTo + 1 > maxDelivered && !heldAnywhere.contains(next.msgId())) break;
      keepUpTo++;
    }
    if (keepUpTo < maxDelivered) {
      // Numbering on from keepUpTo would give gseqs a member already delivered to other
      // messages: stop here, loudly, rather than fork the order (review F9).
      throw new IllegalStateException("total order invariant broken in group hand-over to epoch " + flush.epoch
          + ": no assignment for gseq " + (keepUpTo + 1) + " is known though a member delivered up to gseq "
          + maxDelivered + " (answers from " + MemberNames.sorted(flush.replies.keySet()) + ")");
    }
    List<Assignment> kept = new ArrayList<>();
    for (long g = minDelivered + 1; g <= keepUpTo; g++) kept.add(known.get(g));
    long e = flush.epoch;
    Set<String> deciding = flush.members;
    flush = null;
    List<String> members = List.copyOf(MemberNames.sorted(deciding));
    NewEpoch decision = new NewEpoch(e, 1, 1, keepUpTo, kept, members);
    host.trace(Events.Group.SEQUENCER, null, null, Map.of("epoch", e, "keepUpTo", keepUpTo, "kept", kept.size()));
    decided = decision;
    for (String peer : deciding) if (!peer.equals(self)) sendDecision(peer);
    stage.adopt(self, decision);
    stage.lead(e, keepUpTo);
  }

  /**
   * A member that joins once ordering began delivered nothing, so it cannot take up numbering
   * where the others are: admitting it would restart numbering at 1 and fork the order. It is
   * refused — once, as a clear error — and the stage.epoch() goes on among the old members; it may still
   * multicast (its messages are ordered for the others) but delivers nothing (review F9). Before
   * anything was numbered, a newcomer joins the next stage.epoch() as the group forms.
   */
  private void admitOrRefuseNewcomers() {
    if (stage.epochMembers().isEmpty()) return;
    boolean began = stage.began();
    for (FlushReply r : flush.replies.values()) began |= r.deliveredGseq() > 0 || !r.known().isEmpty();
    if (!began) return;
    for (Iterator<String> it = flush.members.iterator(); it.hasNext(); ) {
      String m = it.next();
      if (stage.epochMembers().contains(m)) continue;
      it.remove();
      flush.replies.remove(m);
      refuseJoiner(m);
    }
  }

  private Set<String> withoutRefused(Set<String> members) {
    Set<String> out = MemberNames.sorted(members);
    out.removeAll(refusedJoiners);
    return out;
  }

  private void refuseJoiner(String m) {
    if (refusedJoiners.add(m)) {
      host.reject("member [" + m + "] joined total-order group after ordering began (epoch " + stage.epoch() + " of "
          + stage.epochMembers() + "): late joiners are not admitted; it delivers nothing of this group");
      host.trace(Events.Group.REFUSE_JOINER, null, null, Map.of("member", m, "epoch", stage.epoch()));
    }
  }

  private final List<NewEpoch> newEpochParts = new ArrayList<>();
  /** The last stage.epoch() this member opened, whole: said again to a member that shows it missed it. */
  private NewEpoch decided;
  private long promiseRepeatedAt = -1;
  /** How long to wait before the next repeat: nack-delay, doubled after each repeat up to 8 times it. */
  private long promiseRepeatDelay;
  /** The promised epoch the back-off is for: a new promise starts again from nack-delay. */
  private long promiseRepeatFor;

  private void sendDecision(String peer) {
    int parts = Math.max(1, ceil(decided.kept().size()));
    for (int i = 0; i < parts; i++) {
      host.sendOrdering(peer, new NewEpoch(decided.epoch(), i + 1, parts, decided.keepUpTo(), slice(decided.kept(), i), decided.members()));
    }
  }

  /**
   * A member that promised a hand-over delivers nothing until its NewEpoch arrives, and a
   * NewEpoch is one message: if it was lost, the group would stall for good. So every
   * nack-delay the member answers again; a candidate still collecting takes it as its answer,
   * and a stage.sequencer() that already decided takes it as a sign the NewEpoch was lost.
   */
  private void repeatPromise(long now) {
    if (promisedEpoch <= stage.epoch() || promisedTo == null || promisedTo.equals(self)) {
      promiseRepeatedAt = -1;
      return;
    }
    if (promiseRepeatedAt == -1 || promiseRepeatFor != promisedEpoch) {
      promiseRepeatedAt = now;
      promiseRepeatFor = promisedEpoch;
      promiseRepeatDelay = settings.nackDelay().toMillis();
      return;
    }
    if (now - promiseRepeatedAt < promiseRepeatDelay) return;
    promiseRepeatedAt = now;
    // Behind a data backlog the NewEpoch is late rather than lost: answering at every nack-delay
    // (each answer carrying every held id) only lengthened the queue it waits in.
    promiseRepeatDelay = Math.min(promiseRepeatDelay * 2, 8 * settings.nackDelay().toMillis());
    host.trace(Events.Group.FLUSH_REPLY_AGAIN, null, null, Map.of("epoch", promisedEpoch, "to", promisedTo));
    for (FlushReply part : parts(stage.stateFor(promisedEpoch))) host.sendOrdering(promisedTo, part);
  }

  void onNewEpoch(String from, NewEpoch e) {
    if (e.kept() == null || e.members() == null || !e.members().contains(from)) {
      host.reject("refused malformed new epoch from [" + from + "]: " + e);
      return;
    }
    if (e.epoch() == stage.epoch() && from.equals(stage.sequencer())) return; // said again while the first one was on its way
    if (e.epoch() < promisedEpoch && !from.equals(promisedTo) || e.epoch() <= stage.epoch()) {
      host.reject("refused new epoch " + e.epoch() + " from [" + from + "]: this member is at epoch " + stage.epoch()
          + " and promised epoch " + promisedEpoch + " to [" + promisedTo + "]");
      return;
    }
    newEpochParts.removeIf(p -> p.epoch() != e.epoch());
    newEpochParts.add(e);
    if (newEpochParts.size() < e.parts()) return;
    List<Assignment> kept = new ArrayList<>();
    for (NewEpoch part : newEpochParts) kept.addAll(part.kept());
    newEpochParts.clear();
    stage.adopt(from, new NewEpoch(e.epoch(), 1, 1, e.keepUpTo(), kept, e.members()));
    stage.deliverReady();
  }

  /**
   * A member that had not named us yet when our request came could not answer, and a reply can
   * be lost with the network model: ask those who have not answered again every nack-delay.
   * Answering twice is harmless — a member answers the same stage.epoch()'s candidate as often as asked.
   */
  private void askAgain(long now) {
    if (flush == null) return;
    if (flush.askedAt == -1) {
      flush.askedAt = now;
      return;
    }
    if (now - flush.askedAt < settings.nackDelay().toMillis()) return;
    flush.askedAt = now;
    for (String peer : flush.members) {
      if (peer.equals(self) || flush.replies.containsKey(peer)) continue;
      host.trace(Events.Group.FLUSH_AGAIN, null, null, Map.of("epoch", flush.epoch, "peer", peer));
      host.sendOrdering(peer, new FlushRequest(flush.epoch, List.copyOf(flush.members)));
    }
  }

}
