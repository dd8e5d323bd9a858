package org.sidis.gossip;

import org.sidis.membership.NodeNames;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The rules of one gossip replica — no actors, no threads, no clock of its own. It takes one
 * input at a time (the application writes or deletes, a message arrives, the view changes, a
 * round begins, certificates are due) and tells its {@link Effects} what to send and trace.
 *
 * <p>The replica's data and bookkeeping are its {@link Store}. How updates travel is the
 * mode's core: {@link AntiEntropy} (push, pull, push-pull), {@link RumorMonger} or
 * {@link Flooding}; under rumor mongering and flooding a slower push-pull anti-entropy can run
 * as a backup (Demers et al.: "anti-entropy as a backup to rumor mongering"), which is what
 * makes those modes converge despite residue, loss and partitions. Deletes are death
 * certificates that the {@link Store} expires and its dormant keepers remember.
 *
 * <p>Bad input never reaches the store: a malformed message is refused whole, a message from a
 * node outside the view is ignored, and a peer's claim about this node's own updates beyond
 * what it made is refused — each with a log line.
 */
public final class GossipCore {

  /** What the core asks its shell to do. */
  public interface Effects {
    void send(String peer, GossipMessage message);

    /** The application's write or delete here (trace {@code update}). */
    void updated(Entry e);

    /** An update from {@code from} is now the key's entry here (trace {@code apply}). */
    void applied(Entry e, String from);

    /** A dormant certificate met an older version of its key from {@code from} and woke (trace {@code reactivate}). */
    void reactivated(Entry e, String from);

    /** A certificate was dropped after retention (trace {@code expire}). */
    void expired(Store.Expired x);

    /** Input that breaks the protocol's form: refused whole, the store untouched (trace {@code reject}). */
    void reject(String reason);

    /** Well-formed input that changes nothing, such as a stale version: a debug line. */
    void ignore(String what);

    /** Input ignored for a reason a reader should see (a sender outside the view), or a rare turn: an info line. */
    void notice(String what);
  }

  private final String self;
  private final GossipSettings settings;
  private final Random random;
  private final Effects fx;
  private final Store store;
  private final AntiEntropy antiEntropy;
  private final RumorMonger rumor;
  private final Flooding flood;
  private List<String> peers = List.of();
  /** The peers again, to tell a sender in the view from one outside it without a scan of the list. */
  private Set<String> peerSet = Set.of();
  private List<String> members;
  private long lastRecheck = Long.MIN_VALUE / 2;

  /** A replica that never restarts under its name (simulations, probe tests): its updates are {@code <self>:n}. */
  public GossipCore(String self, GossipSettings settings, Random random, Effects fx) {
    this(self, new Incarnation(self, null, 0), settings, random, fx);
  }

  /**
   * A replica of node {@code self} in its incarnation {@code incarnation}: its updates are
   * {@code <incarnation.origin()>:n}, and its clock starts at the incarnation's floor.
   */
  public GossipCore(String self, Incarnation incarnation, GossipSettings settings, Random random, Effects fx) {
    if (!incarnation.node().equals(self)) {
      throw new IllegalArgumentException("incarnation " + incarnation + " is not one of node [" + self + "]");
    }
    this.self = self;
    this.settings = settings;
    this.random = random;
    this.fx = fx;
    this.members = List.of(self);
    this.store = new Store(incarnation.origin(), settings.certificates().retention().toMillis(),
        settings.certificates().dormantRetention().toMillis(), incarnation.clockFloor());
    Mode mode = settings.mode();
    boolean backup = !settings.backupInterval().isZero();
    this.antiEntropy = mode.antiEntropy() ? new AntiEntropy(this, mode) : backup ? new AntiEntropy(this, Mode.PUSH_PULL) : null;
    this.rumor = mode == Mode.RUMOR ? new RumorMonger(this, settings.rumor()) : null;
    this.flood = mode == Mode.FLOOD ? new Flooding(this, settings.flood()) : null;
  }

  // ---------------------------------------------------------------- the application's side

  /** The application writes {@code value} under {@code key}; null when refused. */
  public Entry write(String key, String value, long now) {
    if (key == null || key.isEmpty() || value == null) {
      fx.reject("write of [" + key + "] without " + (value == null ? "value" : "key"));
      return null;
    }
    if (Entry.utf8Length(key) > settings.maxKeyBytes() || Entry.utf8Length(value) > settings.maxValueBytes()) {
      fx.reject("write of [" + abbreviate(key) + "] refused: keys may have " + settings.maxKeyBytes() + " bytes and values "
          + settings.maxValueBytes() + " bytes at most");
      return null;
    }
    Entry e = store.write(key, value, now);
    fx.updated(e);
    spread(e, null);
    return e;
  }

  /** The application deletes {@code key}: a death certificate; null when refused. */
  public Entry delete(String key, long now) {
    if (key == null || key.isEmpty() || Entry.utf8Length(key) > settings.maxKeyBytes()) {
      fx.reject("delete of [" + abbreviate(key) + "] refused: keys have 1.." + settings.maxKeyBytes() + " bytes");
      return null;
    }
    Entry e = store.delete(key, now);
    fx.updated(e);
    spread(e, null);
    return e;
  }

  // ---------------------------------------------------------------- membership and time

  /** The live members now (this node may or may not be among them). */
  public void onView(Collection<String> live) {
    // Sorted as a list, not a TreeSet: a view that comes sorted (a simulation's n1..nN) costs
    // N comparisons instead of N log N — NodeNames.ORDER compares numbers, and a thousand nodes
    // each taking a thousand-name view spent most of a simulation here.
    LinkedHashSet<String> distinct = new LinkedHashSet<>(live);
    distinct.add(self);
    List<String> all = new ArrayList<>(distinct);
    all.sort(NodeNames.ORDER);
    members = List.copyOf(all);
    all.remove(self);
    peers = List.copyOf(all);
    peerSet = Set.copyOf(peers);
    if (flood != null) flood.onView(members);
  }

  /** One round of the mode: an anti-entropy exchange, a rumor push, or a flood of what waits. */
  public void round(long now) {
    switch (settings.mode()) {
      case PUSH, PULL, PUSH_PULL -> antiEntropy.exchange(now);
      case RUMOR -> rumor.round(now);
      case FLOOD -> flood.round(now);
    }
  }

  /** One push-pull exchange of the backup anti-entropy (rumor and flood modes). */
  public void backupRound(long now) {
    if (antiEntropy != null && !settings.mode().antiEntropy()) antiEntropy.exchange(now);
  }

  /** Drops certificates past retention; those this node keeps go dormant. */
  public void sweep(long now) {
    int keepers = settings.certificates().keepers();
    for (Store.Expired x : store.sweep(now, key -> Keepers.isKeeper(key, self, members, keepers))) fx.expired(x);
  }

  // ---------------------------------------------------------------- the network's side

  public void onMessage(GossipMessage m, long now) {
    if (m.from() == null || !Entry.validName(m.from())) {
      fx.reject(m.kind() + " without a valid sender [" + m.from() + "]");
      return;
    }
    if (m.from().equals(self)) {
      fx.ignore(m.kind() + " from this node itself");
      return;
    }
    if (!peerSet.contains(m.from())) {
      fx.notice(m.kind() + " from [" + m.from() + "], which is not in this node's view " + peers + ": ignored");
      return;
    }
    if (m instanceof GossipMessage.Syn s) {
      if (antiEntropy == null) fx.ignore("syn from [" + m.from() + "]: no anti-entropy runs here");
      else if (validDigest(s.digest(), s)) antiEntropy.onSyn(s, now);
    } else if (m instanceof GossipMessage.Ack a) {
      if (antiEntropy == null) fx.ignore("ack from [" + m.from() + "]: no anti-entropy runs here");
      else if ((a.digest() == null || validDigest(a.digest(), a)) && (a.delta() == null || validDelta(a.delta(), a)))
        antiEntropy.onAck(a, now);
    } else if (m instanceof GossipMessage.Ack2 a) {
      if (a.delta() == null || validDelta(a.delta(), a)) {
        if (a.delta() != null) takeDelta(a.from(), a.delta(), now);
        if (a.behind()) recheck(now);
      }
    } else if (m instanceof GossipMessage.Rumor r) {
      if (validEntries(r.entries(), r)) {
        if (rumor != null) rumor.onRumor(r, now);
        else for (Entry e : r.entries()) receive(e, r.from(), now);
      }
    } else if (m instanceof GossipMessage.Feedback f) {
      if (f.known() == null) fx.reject("feedback from [" + f.from() + "] without ids");
      else if (rumor != null) rumor.onFeedback(f);
    } else if (m instanceof GossipMessage.Flood f) {
      if (validEntries(f.entries(), f)) for (Entry e : f.entries()) receive(e, f.from(), now);
    } else if (m instanceof GossipMessage.Recheck r) {
      if (validEntries(r.entries(), r)) onRecheck(r, now);
    }
  }

  // ---------------------------------------------------------------- shared by the mode cores

  /** Takes one update from a peer; new ones spread on by the mode's rule. */
  Store.Applied receive(Entry e, String from, long now) {
    Store.Applied a = store.apply(e, now);
    switch (a) {
      case STORED -> {
        fx.applied(e, from);
        spread(e, from);
      }
      case OBSOLETE -> fx.ignore("stale version " + e.version() + " of [" + abbreviate(e.key()) + "] in [" + e.msgId()
          + "] from [" + from + "]: holding " + store.get(e.key()).version());
      case KILLED -> {
        fx.notice("[" + e.msgId() + "] from [" + from + "] would bring back [" + abbreviate(e.key()) + "], deleted at "
            + store.dormant(e.key()).version() + ": its dormant certificate wakes");
        Entry again = wake(e.key(), from, now);
        send(from, new GossipMessage.Ack2(settings.group(), self, Delta.of(List.of(again)), false));
      }
      case DUPLICATE -> { }
      case FORGED -> fx.reject("[" + e.msgId() + "] from [" + from + "] claims to be an update of this node, which made "
          + "only " + store.digest().get(store.self()));
    }
    return a;
  }

  /** Applies a delta: its entries, then the digest lines its sender vouched for. */
  void takeDelta(String from, Delta d, long now) {
    if (d.entries() != null) for (Entry e : d.entries()) receive(e, from, now);
    if (d.upTo() != null) {
      List<String> refused = store.advance(d.upTo());
      if (!refused.isEmpty())
        fx.reject("delta from [" + from + "] vouches for " + d.upTo().get(store.self()) + " updates of this node, which made only "
            + store.digest().get(store.self()));
    }
  }

  /**
   * This replica is behind a peer's memory of deletions: it may hold items whose certificates
   * only dormant keepers still have. It offers each live item to its key's keepers, at most
   * once per retention period.
   */
  void recheck(long now) {
    if (now - lastRecheck < settings.certificates().retention().toMillis()) return;
    lastRecheck = now;
    int r = settings.certificates().keepers();
    Map<String, List<Entry>> perKeeper = new LinkedHashMap<>();
    for (Entry e : store.live().values()) {
      for (String keeper : Keepers.of(e.key(), members, r)) {
        if (!keeper.equals(self)) perKeeper.computeIfAbsent(keeper, k -> new ArrayList<>()).add(e);
      }
    }
    fx.notice("behind a peer's memory of deletions: offering " + store.live().size() + " items to the keepers of their keys");
    perKeeper.forEach((keeper, items) -> {
      for (List<Entry> chunk : chunks(items)) send(keeper, new GossipMessage.Recheck(settings.group(), self, chunk));
    });
  }

  private void onRecheck(GossipMessage.Recheck r, long now) {
    List<Entry> woke = new ArrayList<>();
    for (Entry e : r.entries()) {
      Entry sleeping = store.dormant(e.key());
      if (sleeping != null && sleeping.version().newerThan(e.version())) woke.add(wake(e.key(), r.from(), now));
    }
    if (!woke.isEmpty()) send(r.from(), new GossipMessage.Ack2(settings.group(), self, Delta.of(woke), false));
  }

  private Entry wake(String key, String from, long now) {
    Entry again = store.reactivate(key, now);
    fx.reactivated(again, from);
    spread(again, null);
    return again;
  }

  private void spread(Entry e, String from) {
    if (rumor != null) rumor.onNew(e);
    if (flood != null) flood.onNew(e, from);
  }

  void send(String peer, GossipMessage m) {
    fx.send(peer, m);
  }

  /** A random live peer, or null when alone. */
  String randomPeer() {
    return peers.isEmpty() ? null : peers.get(random.nextInt(peers.size()));
  }

  /** Entries cut into lists that fit one message each. */
  List<List<Entry>> chunks(List<Entry> entries) {
    List<List<Entry>> out = new ArrayList<>();
    List<Entry> current = new ArrayList<>();
    int bytes = 0;
    for (Entry e : entries) {
      if (!current.isEmpty() && bytes + e.wireSize() > settings.maxMessageBytes() - 1024) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(e);
      bytes += e.wireSize();
    }
    if (!current.isEmpty()) out.add(current);
    return out;
  }

  // ---------------------------------------------------------------- validation

  private boolean validDigest(Digest d, GossipMessage m) {
    String defect = d == null ? "no digest" : d.defect();
    if (defect != null) {
      fx.reject(m.kind() + " from [" + m.from() + "] refused: " + defect);
      return false;
    }
    return true;
  }

  private boolean validDelta(Delta d, GossipMessage m) {
    if (!validEntries(d.entries() == null ? List.of() : d.entries(), m)) return false;
    if (d.upTo() != null) {
      for (Map.Entry<String, Long> u : d.upTo().entrySet()) {
        if (!Entry.validName(u.getKey()) || u.getValue() == null || u.getValue() < 0) {
          fx.reject(m.kind() + " from [" + m.from() + "] refused: it vouches for [" + u.getKey() + "] up to [" + u.getValue() + "]");
          return false;
        }
      }
    }
    return true;
  }

  private boolean validEntries(List<Entry> entries, GossipMessage m) {
    if (entries == null) {
      fx.reject(m.kind() + " from [" + m.from() + "] without entries");
      return false;
    }
    for (Entry e : entries) {
      String defect = e == null ? "empty update" : e.defect(settings.maxKeyBytes(), settings.maxValueBytes());
      if (defect != null) {
        fx.reject(m.kind() + " from [" + m.from() + "] refused whole: " + defect);
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    if (s == null) return "null";
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  // ---------------------------------------------------------------- for shells, tests and simulations

  public String self() {
    return self;
  }

  public GossipSettings settings() {
    return settings;
  }

  public Store store() {
    return store;
  }

  Random random() {
    return random;
  }

  public List<String> peers() {
    return peers;
  }

  /** Rumors this node is still spreading (0 outside rumor mode). */
  public int hot() {
    return rumor == null ? 0 : rumor.hot();
  }

  /** The flooding neighbours (empty outside flood mode). */
  public List<String> neighbours() {
    return flood == null ? List.of() : flood.neighbours();
  }
}
