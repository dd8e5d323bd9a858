package org.sidis.tiers;

import org.junit.jupiter.api.Test;
import org.sidis.tiers.FrontEndCore.Decision;
import org.sidis.tiers.FrontEndCore.Refusal;
import org.sidis.tiers.FrontEndCore.Refuse;
import org.sidis.tiers.FrontEndCore.Route;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The front end's rules on a server's departure: pending reads retried once elsewhere, nothing answered twice. */
class FrontEndCoreTest {

  private static FrontEndCore<String> core(String... servers) {
    FrontEndCore<String> c = new FrontEndCore<>(new RoundRobinSwitch<>());
    for (String s : servers) c.serverUp(s);
    return c;
  }

  @Test
  void aRequestWithNoServerUpIsRefusedAtOnce() {
    FrontEndCore<String> c = core();
    assertEquals(new Refuse("r1", Refusal.NO_SERVER_UP), c.admit("r1", 1));
    assertEquals(0, c.pending());
  }

  @Test
  void anAnsweredRequestIsAnsweredOnceAndALateDuplicateIsDropped() {
    FrontEndCore<String> c = core("a");
    assertEquals(new Route<>("r1", 1, "a", 1), c.admit("r1", 1));
    assertTrue(c.answered("r1"));
    assertFalse(c.answered("r1"), "a second answer must be dropped");
    assertEquals(1, c.dropped());
    assertEquals(0, c.pool().outstanding("a"));
  }

  @Test
  void theRequestsOfADepartedServerAreRetriedOnceOnAnotherAndOnlyThose() {
    FrontEndCore<String> c = core("a", "b");
    assertEquals("a", ((Route<?>) c.admit("r1", 10)).server());
    assertEquals("b", ((Route<?>) c.admit("r2", 11)).server());
    assertEquals("a", ((Route<?>) c.admit("r3", 12)).server());
    List<Decision> retries = c.serverGone("a");
    assertEquals(List.of(new Route<>("r1", 10, "b", 2), new Route<>("r3", 12, "b", 2)), retries);
    assertEquals(1, c.retried() - 1, "two retries counted");
    assertEquals(3, c.pending());
    assertEquals(3, c.pool().outstanding("b"));
    // The departed server's reply, if it still arrives, and the retry's reply: one answer only.
    assertTrue(c.answered("r1"));
    assertFalse(c.answered("r1"));
    // New requests no longer go to a.
    assertEquals("b", ((Route<?>) c.admit("r4", 13)).server());
  }

  @Test
  void aRetriedRequestWhoseSecondServerAlsoLeavesIsRefusedNotRetriedAgain() {
    FrontEndCore<String> c = core("a", "b", "c");
    c.admit("r1", 1); // a
    List<Decision> first = c.serverGone("a");
    assertEquals(1, first.size());
    String second = ((Route<?>) first.get(0)).server().toString();
    assertNotEquals("a", second);
    assertEquals(List.of(new Refuse("r1", Refusal.RETRIED_ONCE)), c.serverGone(second));
    assertEquals(0, c.pending());
    assertFalse(c.answered("r1"), "refused: a late answer must not answer it again");
  }

  @Test
  void theRequestsOfTheLastServerAreRefusedWhenItLeaves() {
    FrontEndCore<String> c = core("a");
    c.admit("r1", 1);
    assertEquals(List.of(new Refuse("r1", Refusal.NO_SERVER_UP)), c.serverGone("a"));
    assertEquals(new Refuse("r2", Refusal.NO_SERVER_UP), c.admit("r2", 1));
  }

  @Test
  void aTimedOutRequestIsNotAnsweredLater() {
    FrontEndCore<String> c = core("a");
    c.admit("r1", 1);
    assertTrue(c.timedOut("r1"));
    assertFalse(c.answered("r1"));
    assertFalse(c.timedOut("r1"));
    assertTrue(c.serverGone("a").isEmpty(), "nothing pending: nothing to retry");
  }

  @Test
  void anUnreachableServerGetsNoNewRequestButKeepsItsPendingOnes() {
    FrontEndCore<String> c = core("a", "b");
    c.admit("r1", 1); // a
    c.serverUnreachable("a");
    assertEquals("b", ((Route<?>) c.admit("r2", 2)).server());
    assertEquals("b", ((Route<?>) c.admit("r3", 3)).server());
    assertEquals(3, c.pending());
    assertTrue(c.answered("r1"), "a's answer still counts when it comes");
  }

  @Test
  void contentAwareRetryGoesToAnotherServerAndTheDocumentMovesThere() {
    ContentAwareDistributor<String> lard = new ContentAwareDistributor<>(new LoadMarks(2, 6));
    FrontEndCore<String> c = new FrontEndCore<>(lard);
    c.serverUp("a");
    c.serverUp("b");
    c.admit("r1", 5); // a
    assertEquals(List.of(new Route<>("r1", 5, "b", 2)), c.serverGone("a"));
    assertEquals(List.of("b"), lard.serverSet(5));
  }

  @Test
  void documentsAreFixedByKeyAndSizeAndTheCacheEvictsTheLeastRecentlyUsed() {
    assertEquals(Documents.content(3, 100), Documents.content(3, 100));
    assertNotEquals(Documents.content(3, 100), Documents.content(4, 100));
    assertEquals(65536, Documents.content(3, 65536).length());
    assertTrue(Documents.content(3, 100).startsWith("doc 3\n"));
    DocumentCache cache = new DocumentCache(2);
    cache.put(1, "one");
    cache.put(2, "two");
    assertTrue(cache.get(1).isPresent()); // 1 is now the most recent
    cache.put(3, "three");
    assertFalse(cache.contains(2), "2 was least recently used");
    assertTrue(cache.contains(1));
    assertTrue(cache.get(2).isEmpty());
    assertEquals(1, cache.hits());
    assertEquals(1, cache.misses());
  }
}
