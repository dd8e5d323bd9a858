package org.sidis.gossip;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replica's rules as values: no actors, explicit time. */
class StoreTest {

  private static final long RETENTION = 1_000;
  private static final long DORMANT = 10_000;
  private static final int MAX = 64 * 1024;

  private static Store store(String name) {
    return new Store(name, RETENTION, DORMANT);
  }

  /** Everything {@code to} lacks of {@code from}, applied as anti-entropy would. */
  private static void sync(Store from, Store to, long now) {
    Delta d = from.delta(to.digest(), MAX);
    for (Entry e : d.entries()) to.apply(e, now);
    to.advance(d.upTo());
  }

  @Test
  void versionsOrderByTimestampThenWriterAndReadBackFromTheirTraceForm() {
    Version a = new Version(3, "n2");
    Version b = new Version(3, "n10");
    Version c = new Version(4, "n1");
    assertTrue(c.newerThan(a));
    assertTrue(a.newerThan(b), "same timestamp: the writer's name decides, the same way everywhere");
    assertTrue(a.newerThan(null));
    assertFalse(a.newerThan(a));
    assertEquals(a, Version.parse("3@n2").orElseThrow());
    assertTrue(Version.parse("x@n2").isEmpty());
    assertTrue(Version.parse("0@n2").isEmpty());
    assertTrue(Version.parse("3@").isEmpty());
  }

  @Test
  void localWritesGetConsecutiveIdsAndAWriteAfterSeeingAnotherVersionOutranksIt() {
    Store n1 = store("n1");
    Store n2 = store("n2");
    Entry first = n1.write("k", "a", 0);
    Entry second = n1.write("k", "b", 0);
    assertEquals("n1:1", first.msgId());
    assertEquals("n1:2", second.msgId());
    assertTrue(second.version().newerThan(first.version()));

    n2.apply(second, 0);
    Entry later = n2.write("k", "c", 0);
    assertTrue(later.version().newerThan(second.version()), "Lamport: n2 saw 2@n1, so it writes at 3");
    assertEquals("c", n2.value("k"));
  }

  @Test
  void updatesArrivingOutOfOrderAndTwiceLeaveTheNewestVersion() {
    Store n1 = store("n1");
    Entry a = n1.write("k", "a", 0);
    Entry b = n1.write("k", "b", 0);
    Store n2 = store("n2");
    assertEquals(Store.Applied.STORED, n2.apply(b, 0));
    assertEquals(Store.Applied.OBSOLETE, n2.apply(a, 0), "the older version arrives late and changes nothing");
    assertEquals(Store.Applied.DUPLICATE, n2.apply(b, 0));
    assertEquals("b", n2.value("k"));
    assertEquals(n1.fingerprint(), n2.fingerprint());
  }

  @Test
  void aDeleteIsACertificateThatBeatsTheOlderValueInWhateverOrderTheyArrive() {
    Store n1 = store("n1");
    Entry put = n1.write("k", "v", 0);
    Entry cert = n1.delete("k", 0);
    assertTrue(cert.isDeath());
    assertNull(n1.value("k"));

    Store n2 = store("n2");
    n2.apply(cert, 0);
    assertEquals(Store.Applied.OBSOLETE, n2.apply(put, 0), "the deleted value must not come back");
    assertNull(n2.value("k"));
    assertEquals(1, n2.activeCertificates());
    assertEquals(n1.fingerprint(), n2.fingerprint());
  }

  @Test
  void theDigestLineMovesOnlyWhenTheUpdatesBelowItAreAccountedFor() {
    Store n1 = store("n1");
    Entry e1 = n1.write("a", "1", 0);
    Entry e2 = n1.write("b", "2", 0);
    Entry e3 = n1.write("c", "3", 0);
    Store n2 = store("n2");
    n2.apply(e3, 0);
    assertEquals(0, n2.digest().get("n1"), "n1:3 arrived before n1:1 and n1:2");
    assertTrue(n2.knows("n1", 3));
    n2.apply(e1, 0);
    assertEquals(1, n2.digest().get("n1"));
    n2.apply(e2, 0);
    assertEquals(3, n2.digest().get("n1"));
    assertEquals(Digest.of(Map.of("n1", 3L)), n1.digest());
  }

  @Test
  void aDeltaCarriesOnlyWhatTheOtherLacks() {
    Store n1 = store("n1");
    for (int i = 0; i < 5; i++) n1.write("k" + i, "v" + i, 0);
    Store n2 = store("n2");
    sync(n1, n2, 0);
    assertEquals(n1.digest(), n2.digest());
    n1.write("k9", "new", 0);

    Delta d = n1.delta(n2.digest(), MAX);
    assertEquals(List.of("n1:6"), d.entries().stream().map(Entry::msgId).toList());
    assertEquals(Map.of("n1", 6L), d.upTo());
    assertTrue(n2.delta(n1.digest(), MAX).isEmpty(), "n2 has nothing n1 lacks");
  }

  @Test
  void updatesSupersededAtTheSenderStillMoveTheReceiversLine() {
    Store n1 = store("n1");
    n1.write("k", "a", 0);
    n1.write("k", "b", 0);
    n1.write("k", "c", 0);
    Store n2 = store("n2");
    Delta d = n1.delta(n2.digest(), MAX);
    assertEquals(List.of("n1:3"), d.entries().stream().map(Entry::msgId).toList(), "n1:1 and n1:2 were overwritten");
    sync(n1, n2, 0);
    assertEquals(3, n2.digest().get("n1"));
    assertEquals("c", n2.value("k"));
  }

  @Test
  void aFullDeltaMovesTheLineOnlyToItsLastEntryAndTheNextOneCarriesTheRest() {
    Store n1 = store("n1");
    for (int i = 0; i < 10; i++) n1.write("key-" + i, "x".repeat(100), 0);
    Store n2 = store("n2");
    Delta first = n1.delta(n2.digest(), 3 * n1.get("key-0").wireSize());
    assertEquals(3, first.count());
    assertEquals(Map.of("n1", 3L), first.upTo());
    int rounds = 0;
    while (!n1.delta(n2.digest(), 3 * n1.get("key-0").wireSize()).isEmpty()) {
      Delta d = n1.delta(n2.digest(), 3 * n1.get("key-0").wireSize());
      for (Entry e : d.entries()) n2.apply(e, 0);
      n2.advance(d.upTo());
      rounds++;
    }
    assertEquals(4, rounds, "10 entries, 3 per message");
    assertEquals(n1.fingerprint(), n2.fingerprint());
  }

  @Test
  void twoReplicasThatExchangeDeltasBothWaysEndIdentical() {
    Store n1 = store("n1");
    Store n2 = store("n2");
    n1.write("a", "1", 0);
    n2.write("a", "2", 0);
    n2.write("b", "3", 0);
    n1.delete("b", 0);
    n1.write("c", "4", 0);
    sync(n1, n2, 0);
    sync(n2, n1, 0);
    assertEquals(n1.digest(), n2.digest());
    assertEquals(n1.fingerprint(), n2.fingerprint());
    assertEquals(n1.live().keySet(), n2.live().keySet());
  }

  @Test
  void aPeerCannotSendOrVouchForUpdatesOfThisNodeThatItNeverMade() {
    Store n1 = store("n1");
    n1.write("k", "mine", 0);
    Entry forged = Entry.put("k", "evil", new Version(99, "n1"), "n1", 7);
    assertEquals(Store.Applied.FORGED, n1.apply(forged, 0));
    assertEquals("mine", n1.value("k"));
    assertEquals(List.of("n1"), n1.advance(Map.of("n1", 50L)));
    assertEquals(1, n1.digest().get("n1"));
  }

  @Test
  void aCertificateIsDroppedAfterRetentionAndSleepsAtAKeeperOnly() {
    Store keeper = store("n1");
    Store other = store("n2");
    Entry put = keeper.write("k", "v", 0);
    other.apply(put, 0);
    Entry cert = keeper.delete("k", 0);
    other.apply(cert, 0);

    assertTrue(keeper.sweep(RETENTION - 1, k -> true).isEmpty(), "not yet");
    List<Store.Expired> expired = keeper.sweep(RETENTION, k -> true);
    assertEquals(List.of(new Store.Expired(cert, true)), expired);
    assertNull(keeper.get("k"));
    assertEquals(0, keeper.activeCertificates());
    assertNotNull(keeper.dormant("k"));
    assertEquals(cert.seq(), keeper.forgottenOf("n1"));

    other.sweep(RETENTION, k -> false);
    assertNull(other.get("k"));
    assertNull(other.dormant("k"));
    assertEquals(keeper.fingerprint(), other.fingerprint());
  }

  @Test
  void aDormantCertificateKillsTheOldValueWhenItMeetsItAndWakesUnderANewIdWithItsOldVersion() {
    Store keeper = store("n1");
    Store stale = store("n3");
    Entry put = keeper.write("k", "v", 0);
    stale.apply(put, 0);
    Entry cert = keeper.delete("k", 0);
    keeper.sweep(RETENTION, k -> true);

    // The stale replica never saw the delete; its old value reaches the keeper under a new id
    // only if someone republishes it — here, a recheck offers the value as it is stored.
    Entry old = Entry.put("k", "v", put.version(), "n3", 1);
    assertEquals(Store.Applied.KILLED, keeper.apply(old, RETENTION + 1));
    assertNull(keeper.value("k"));

    Entry again = keeper.reactivate("k", RETENTION + 1);
    assertEquals(cert.version(), again.version(), "the certificate keeps the delete's version");
    assertEquals("n1:" + (cert.seq() + 1), again.msgId());
    assertEquals(1, keeper.activeCertificates());
    assertNull(keeper.dormant("k"));

    assertEquals(Store.Applied.STORED, stale.apply(again, RETENTION + 2));
    assertNull(stale.value("k"));
  }

  @Test
  void withoutADormantCertificateAnOldValueComesBackWhichIsWhyKeepersExist() {
    Store forgetful = store("n2");
    Store stale = store("n3");
    Store writer = store("n1");
    Entry put = writer.write("k", "v", 0);
    stale.apply(put, 0);
    forgetful.apply(put, 0);
    forgetful.apply(writer.delete("k", 0), 0);
    forgetful.sweep(RETENTION, k -> false);
    Entry republished = Entry.put("k", "v", put.version(), "n3", 1);
    assertEquals(Store.Applied.STORED, forgetful.apply(republished, RETENTION + 1));
  }

  @Test
  void aNewerWriteAfterTheDeleteIsNotKilledByTheDormantCertificate() {
    Store keeper = store("n1");
    keeper.write("k", "v", 0);
    Entry cert = keeper.delete("k", 0);
    keeper.sweep(RETENTION, k -> true);
    Entry newer = Entry.put("k", "w", new Version(cert.version().ts() + 1, "n5"), "n5", 1);
    assertEquals(Store.Applied.STORED, keeper.apply(newer, RETENTION + 1));
    assertEquals("w", keeper.value("k"));
    assertNull(keeper.dormant("k"), "a newer version makes the dormant certificate pointless");
  }

  @Test
  void dormantCertificatesAreDroppedAfterTheirOwnRetentionSoMemoryStaysBounded() {
    Store keeper = store("n1");
    for (int i = 0; i < 100; i++) {
      keeper.write("k" + i, "v", i * 100L);
      keeper.delete("k" + i, i * 100L);
      keeper.sweep(i * 100L, k -> true);
    }
    long now = 100 * 100L;
    keeper.sweep(now, k -> true);
    assertTrue(keeper.activeCertificates() <= RETENTION / 100 + 1, "active: the deletes of the last retention only");
    assertTrue(keeper.dormantCertificates() <= 100);
    keeper.sweep(now + RETENTION, k -> true);
    assertEquals(0, keeper.activeCertificates());
    assertTrue(keeper.dormantCertificates() > 90, "the keeper still remembers the recent deletes");
    keeper.sweep(now + RETENTION + DORMANT, k -> true);
    assertEquals(0, keeper.dormantCertificates());
    assertTrue(keeper.live().isEmpty());
  }

  @Test
  void aReplicaWhoseDigestIsBelowAForgottenCertificateIsBehind() {
    Store n1 = store("n1");
    n1.write("a", "1", 0);
    n1.delete("a", 0);
    Digest before = n1.digest();
    Store fresh = store("n9");
    assertFalse(n1.behindForgotten(fresh.digest()));
    n1.sweep(RETENTION, k -> false);
    assertTrue(n1.behindForgotten(Digest.EMPTY));
    assertFalse(n1.behindForgotten(before));
  }

  @Test
  void theFingerprintIgnoresWhetherASpreadCertificateIsStillHeld() {
    Store n1 = store("n1");
    Store n2 = store("n2");
    n1.write("a", "1", 0);
    n1.delete("a", 0);
    n1.write("b", "2", 0);
    sync(n1, n2, 0);
    n1.sweep(RETENTION, k -> false);
    assertEquals(1, n2.activeCertificates());
    assertEquals(0, n1.activeCertificates());
    assertEquals(n1.fingerprint(), n2.fingerprint());
    n2.write("c", "3", 0);
    assertNotEquals(n1.fingerprint(), n2.fingerprint());
  }

  @Test
  void keepersAreTheSameRNodesWhoeverComputesThem() {
    Set<String> members = Set.of("n1", "n2", "n3", "n4", "n5", "n6", "n7");
    for (String key : List.of("a", "b", "user:42", "")) {
      List<String> keepers = Keepers.of(key, members, 2);
      assertEquals(2, keepers.size(), key);
      for (String m : members) assertEquals(keepers.contains(m), Keepers.isKeeper(key, m, members, 2), key + " " + m);
    }
    assertFalse(Keepers.isKeeper("a", "n1", members, 0));
  }

  @Test
  void malformedUpdatesAreNamedForWhatIsWrong() {
    Version v = new Version(1, "n1");
    assertNull(Entry.put("k", "v", v, "n1", 1).defect(64, 64));
    assertEquals("update without origin", Entry.put("k", "v", v, null, 1).defect(64, 64));
    assertEquals("update whose origin [a:b] is not a node name", Entry.put("k", "v", v, "a:b", 1).defect(64, 64));
    assertEquals("update [n1:0] with a sequence number below 1", Entry.put("k", "v", v, "n1", 0).defect(64, 64));
    assertEquals("update [n1:1] without key", Entry.put("", "v", v, "n1", 1).defect(64, 64));
    assertEquals("update [n1:1] without version", Entry.put("k", "v", null, "n1", 1).defect(64, 64));
    assertEquals("update [n1:1]: version 0@n1 with a timestamp below 1",
        Entry.put("k", "v", new Version(0, "n1"), "n1", 1).defect(64, 64));
    assertEquals("put [n1:1] without value", Entry.put("k", null, v, "n1", 1).defect(64, 64));
    assertEquals("delete [n1:1] that carries a value", new Entry("k", Op.DELETE, "v", v, "n1", 1).defect(64, 64));
    assertEquals("update [n1:1] without op (put or delete)", new Entry("k", null, "v", v, "n1", 1).defect(64, 64));
    assertEquals("put [n1:1] with a value over 4 bytes", Entry.put("k", "12345", v, "n1", 1).defect(64, 4));
    assertEquals("digest gives [n1] the count [-1]", Digest.of(Map.of("n1", -1L)).defect());
  }
}
