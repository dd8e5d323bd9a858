package org.sidis.gossip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One replica of the key-value store, with the bookkeeping that anti-entropy, rumors and floods
 * share: per key the entry with the highest {@link Version} (a value or a death certificate),
 * per origin which updates were taken account of ({@link Seen}, whose lines make the
 * {@link Digest}), an index of held entries by origin (to answer a digest with a {@link Delta}),
 * the Lamport clock that stamps local writes, and the {@link DeathCertificates}.
 *
 * <p>Updates happen at one node ({@link #write}, {@link #delete}); every other replica learns
 * them through {@link #apply}, which never lets an older version replace a newer one, so the
 * order in which updates arrive does not matter. The store is a mutable object owned by one
 * protocol core (one actor); its rules are tested without actors.
 */
public final class Store {

  /** What {@link #apply} did with an update. */
  public enum Applied {
    /** The update is new here and now the key's entry. */
    STORED,
    /** New here, but the key holds a newer (or the same) version: only its id is taken account of. */
    OBSOLETE,
    /** New here, older than a dormant death certificate of its key: refused, and the certificate must wake. */
    KILLED,
    /** Its id was already taken account of. */
    DUPLICATE,
    /** It claims to be one of this node's own updates, which this node never made. */
    FORGED
  }

  /** A certificate dropped by {@link #sweep}, and whether it went to sleep here as a dormant one. */
  public record Expired(Entry certificate, boolean dormant) {}

  private final String self;
  private final DeathCertificates certificates;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, TreeMap<Long, String>> byOrigin = new HashMap<>();
  private final Map<String, Seen> seen = new HashMap<>();
  private long clock;
  private long nextSeq = 1;
  private Digest digest = Digest.EMPTY;
  private boolean digestStale;

  /**
   * A replica whose updates are numbered {@code <self>:1, 2, …}. {@code self} is the update
   * origin: the node's name qualified by its incarnation in a cluster (see
   * {@link Incarnation}), since this counter is not persisted and starts at 1 on every start.
   */
  public Store(String self, long retentionMillis, long dormantRetentionMillis) {
    this(self, retentionMillis, dormantRetentionMillis, 0);
  }

  /**
   * As above, with the Lamport clock starting at {@code clockFloor}: a new incarnation starts
   * above every timestamp its earlier incarnations can have given, so that its writes are not
   * older than theirs (see {@link Incarnation#clockFloor}).
   */
  public Store(String self, long retentionMillis, long dormantRetentionMillis, long clockFloor) {
    if (clockFloor < 0) throw new IllegalArgumentException("a clock floor cannot be negative, got " + clockFloor);
    this.self = self;
    this.certificates = new DeathCertificates(retentionMillis, dormantRetentionMillis);
    this.clock = clockFloor;
  }

  public String self() {
    return self;
  }

  // ---------------------------------------------------------------- local updates

  /** The application writes {@code value} under {@code key} here: a new update of this node. */
  public Entry write(String key, String value, long now) {
    Entry e = Entry.put(key, value, new Version(++clock, self), self, nextSeq++);
    storeOwn(e, now);
    return e;
  }

  /** The application deletes {@code key} here: a death certificate of this node. */
  public Entry delete(String key, long now) {
    Entry e = Entry.death(key, new Version(++clock, self), self, nextSeq++);
    storeOwn(e, now);
    return e;
  }

  private void storeOwn(Entry e, long now) {
    seen(self).add(e.seq());
    certificates.dropDormant(e.key()); // a newer version of the key exists now
    replace(e, now);
  }

  // ---------------------------------------------------------------- updates from peers

  /** Takes an update that came from a peer. The entry must be well formed (see {@link Entry}). */
  public Applied apply(Entry e, long now) {
    if (e.origin().equals(self)) return e.seq() < nextSeq ? Applied.DUPLICATE : Applied.FORGED;
    Seen s = seen(e.origin());
    if (!s.add(e.seq())) return Applied.DUPLICATE;
    digestStale = true;
    clock = Math.max(clock, e.version().ts());
    Entry held = entries.get(e.key());
    if (held != null && !e.version().newerThan(held.version())) return Applied.OBSOLETE;
    DeathCertificates.Dormant sleeping = certificates.dormant(e.key());
    if (sleeping != null) {
      if (sleeping.certificate().version().newerThan(e.version())) return Applied.KILLED;
      certificates.dropDormant(e.key());
    }
    replace(e, now);
    return Applied.STORED;
  }

  /**
   * Moves the digest line of each origin up to what a delta's sender vouched for. Returns the
   * origins refused: a peer cannot vouch for more of this node's own updates than it made.
   */
  public List<String> advance(Map<String, Long> upTo) {
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, Long> u : upTo.entrySet()) {
      if (u.getKey().equals(self)) {
        if (u.getValue() >= nextSeq) refused.add(u.getKey());
        continue;
      }
      seen(u.getKey()).advanceTo(u.getValue());
      digestStale = true;
    }
    return refused;
  }

  private void replace(Entry e, long now) {
    Entry held = entries.put(e.key(), e);
    if (held != null) {
      unindex(held);
      if (held.isDeath()) certificates.replaced(held.key());
    }
    byOrigin.computeIfAbsent(e.origin(), o -> new TreeMap<>()).put(e.seq(), e.key());
    if (e.isDeath()) certificates.stored(e.key(), now);
    digestStale = true;
  }

  private void unindex(Entry e) {
    TreeMap<Long, String> ofOrigin = byOrigin.get(e.origin());
    if (ofOrigin == null) return;
    ofOrigin.remove(e.seq());
    if (ofOrigin.isEmpty()) byOrigin.remove(e.origin());
  }

  // ---------------------------------------------------------------- digests and deltas

  /** Per origin, how far this replica has taken account of its updates. */
  public Digest digest() {
    if (digestStale) {
      Map<String, Long> lines = new TreeMap<>();
      seen.forEach((origin, s) -> {
        if (s.prefix() > 0) lines.put(origin, s.prefix());
      });
      digest = Digest.of(lines);
      digestStale = false;
    }
    return digest;
  }

  /**
   * What a replica with digest {@code theirs} lacks of what this one holds, at most
   * {@code maxBytes} of entries. For each origin where this replica's line is above theirs, it
   * carries every held entry of that origin above their line, in order, and moves their line
   * to ours — or, when the message is full, to the last entry it carries. Entries held above
   * this replica's own line (out-of-order arrivals) travel too, without moving any line.
   */
  public Delta delta(Digest theirs, int maxBytes) {
    List<Entry> out = new ArrayList<>();
    Map<String, Long> upTo = new TreeMap<>();
    int bytes = 0;
    List<String> origins = new ArrayList<>(byOrigin.keySet());
    for (String origin : seen.keySet()) if (!byOrigin.containsKey(origin)) origins.add(origin);
    Collections.sort(origins);
    for (String origin : origins) {
      long their = theirs.get(origin);
      long mine = seen(origin).prefix();
      TreeMap<Long, String> held = byOrigin.get(origin);
      NavigableMap<Long, String> range = held == null ? Collections.emptyNavigableMap() : held.tailMap(their, false);
      boolean full = false;
      long last = their;
      for (Map.Entry<Long, String> h : range.entrySet()) {
        Entry e = entries.get(h.getValue());
        if (!out.isEmpty() && bytes + e.wireSize() > maxBytes) {
          full = true;
          break;
        }
        out.add(e);
        bytes += e.wireSize();
        last = h.getKey();
      }
      if (mine > their) upTo.put(origin, full ? Math.min(last, mine) : mine);
      if (full) break;
    }
    upTo.values().removeIf(v -> v <= 0);
    return out.isEmpty() && upTo.isEmpty() ? Delta.EMPTY : new Delta(out, upTo);
  }

  /**
   * Whether a replica with digest {@code theirs} is behind this one's memory of deletions: for
   * some origin, it has not taken account of a certificate this replica already dropped. Such a
   * replica may still hold items whose deletion nobody but their dormant keepers remembers.
   */
  public boolean behindForgotten(Digest theirs) {
    for (Map.Entry<String, Long> f : certificates.forgotten().entrySet()) {
      if (theirs.get(f.getKey()) < f.getValue()) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- certificates

  /**
   * Drops the active certificates older than retention; those of keys this node keeps
   * ({@code keeps}) go to sleep as dormant certificates. Also drops expired dormant ones.
   */
  public List<Expired> sweep(long now, Predicate<String> keeps) {
    List<Expired> out = new ArrayList<>();
    List<String> due = new ArrayList<>();
    for (String key : certificates.activeKeys()) if (certificates.expired(key, now)) due.add(key);
    Collections.sort(due);
    for (String key : due) {
      Entry cert = entries.remove(key);
      unindex(cert);
      certificates.forget(cert);
      boolean keep = keeps.test(key);
      if (keep) certificates.sleep(cert, now);
      out.add(new Expired(cert, keep));
    }
    certificates.expireDormant(now);
    return out;
  }

  /**
   * Wakes the dormant certificate of {@code key}: it is stored again, active, under a new id
   * of this node (so that digests carry it to everyone again) with its original version.
   */
  public Entry reactivate(String key, long now) {
    DeathCertificates.Dormant d = certificates.wake(key);
    if (d == null) throw new IllegalStateException("no dormant certificate for [" + key + "]");
    Entry again = d.certificate().republishedAs(self, nextSeq++);
    seen(self).add(again.seq());
    replace(again, now);
    return again;
  }

  /** The dormant certificate kept here for {@code key}, or null. */
  public Entry dormant(String key) {
    DeathCertificates.Dormant d = certificates.dormant(key);
    return d == null ? null : d.certificate();
  }

  // ---------------------------------------------------------------- queries

  public Entry get(String key) {
    return entries.get(key);
  }

  /** The key's value, or null when it is absent or deleted. */
  public String value(String key) {
    Entry e = entries.get(key);
    return e == null || e.isDeath() ? null : e.value();
  }

  /** Whether the update {@code origin:seq} was taken account of here. */
  public boolean knows(String origin, long seq) {
    if (origin.equals(self)) return seq < nextSeq;
    Seen s = seen.get(origin);
    return s != null && s.contains(seq);
  }

  /** Live entries (values, not certificates), by key: what the application sees. */
  public TreeMap<String, Entry> live() {
    TreeMap<String, Entry> out = new TreeMap<>();
    entries.forEach((k, e) -> {
      if (!e.isDeath()) out.put(k, e);
    });
    return out;
  }

  /** Every held entry (values and active certificates). */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public int activeCertificates() {
    return certificates.active();
  }

  public int dormantCertificates() {
    return certificates.dormantCount();
  }

  public long forgottenOf(String origin) {
    return certificates.forgottenOf(origin);
  }

  public long clock() {
    return clock;
  }

  /**
   * A short fingerprint of what the application sees — every live key with its version — so
   * that replicas can compare stores in one field. Certificates are left out: when a delete
   * has spread, one replica may still hold its certificate and another may have dropped it,
   * and both show the same store.
   */
  public String fingerprint() {
    return fingerprint(live());
  }

  static String fingerprint(Map<String, Entry> live) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Entry e : live.values()) {
        sha.update(e.key().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(e.version().toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private Seen seen(String origin) {
    return seen.computeIfAbsent(origin, o -> new Seen());
  }
}
