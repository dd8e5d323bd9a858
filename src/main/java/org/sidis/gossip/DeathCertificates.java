package org.sidis.gossip;

import java.util.HashMap;
import java.util.Map;

/**
 * A replica's memory of deletions (Demers et al. 1987, §2.2). A delete is stored as a death
 * certificate, an entry that spreads like any update and beats every older version of its key.
 * Certificates cannot be kept for ever, so each one is dropped {@code retention} after this
 * replica stored it — long enough, if retention exceeds the time an update needs to spread,
 * for every live replica to have it. A replica that was cut off longer than that could bring
 * the deleted item back; against that, the certificate stays <em>dormant</em> at
 * {@code keepers} nodes (chosen by {@link Keepers}) for the longer {@code dormant-retention}:
 * it takes no part in gossip, but when a dormant certificate meets an older version of its key
 * it wakes up and spreads again.
 *
 * <p>Memory stays bounded under churn: active certificates are the deletes of the last
 * {@code retention}, dormant ones a {@code keepers}/N share of the deletes of the last
 * {@code dormant-retention}. What is forgotten is remembered only as a number per origin —
 * the highest dropped certificate's {@code seq} — which tells a replica when a peer's digest
 * is so far behind that the peer may still hold items whose deletion nobody remembers.
 */
final class DeathCertificates {

  /** A certificate kept asleep at a keeper, and since when (local milliseconds). */
  record Dormant(Entry certificate, long since) {}

  private final long retentionMillis;
  private final long dormantRetentionMillis;
  private final Map<String, Long> activeSince = new HashMap<>();
  private final Map<String, Dormant> dormant = new HashMap<>();
  private final Map<String, Long> forgotten = new HashMap<>();

  DeathCertificates(long retentionMillis, long dormantRetentionMillis) {
    this.retentionMillis = retentionMillis;
    this.dormantRetentionMillis = dormantRetentionMillis;
  }

  void stored(String key, long now) {
    activeSince.put(key, now);
  }

  void replaced(String key) {
    activeSince.remove(key);
  }

  boolean expired(String key, long now) {
    Long since = activeSince.get(key);
    return since != null && now - since >= retentionMillis;
  }

  Iterable<String> activeKeys() {
    return activeSince.keySet();
  }

  int active() {
    return activeSince.size();
  }

  /** The certificate for {@code key} was dropped from the store: remember its origin's number. */
  void forget(Entry certificate) {
    activeSince.remove(certificate.key());
    forgotten.merge(certificate.origin(), certificate.seq(), Math::max);
  }

  void sleep(Entry certificate, long now) {
    dormant.put(certificate.key(), new Dormant(certificate, now));
  }

  Dormant dormant(String key) {
    return dormant.get(key);
  }

  Dormant wake(String key) {
    return dormant.remove(key);
  }

  void dropDormant(String key) {
    dormant.remove(key);
  }

  /** Drops dormant certificates older than dormant-retention; how many. */
  int expireDormant(long now) {
    int before = dormant.size();
    dormant.values().removeIf(d -> now - d.since() >= dormantRetentionMillis);
    return before - dormant.size();
  }

  int dormantCount() {
    return dormant.size();
  }

  /** The highest number of {@code origin}'s certificates this replica dropped; 0 when none. */
  long forgottenOf(String origin) {
    return forgotten.getOrDefault(origin, 0L);
  }

  Map<String, Long> forgotten() {
    return forgotten;
  }
}
