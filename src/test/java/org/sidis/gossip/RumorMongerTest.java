package org.sidis.gossip;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rumor mongering's rules on the plain core, no actors (Demers et al. 1987, §1.4): a new update is
 * a hot rumor pushed to one random peer a round; with feedback, interest is lost only when a peer
 * says it knew the rumor (counter: the k-th time); blind, after every push.
 */
class RumorMongerTest {

  /** What the core asked to send, as "peer kind". */
  private final List<String> sent = new ArrayList<>();
  private final List<GossipMessage> messages = new ArrayList<>();

  private GossipCore core(String self, GossipSettings.Rumor rule) {
    GossipSettings settings = GossipSettings.defaults("kv", Mode.RUMOR).withRumor(rule);
    GossipCore core = new GossipCore(self, settings, new Random(7), new GossipCore.Effects() {
      @Override
      public void send(String peer, GossipMessage message) {
        sent.add(peer + " " + message.kind());
        messages.add(message);
      }

      @Override
      public void updated(Entry e) {}

      @Override
      public void applied(Entry e, String from) {}

      @Override
      public void reactivated(Entry e, String from) {}

      @Override
      public void expired(Store.Expired x) {}

      @Override
      public void reject(String reason) {
        throw new AssertionError("rejected: " + reason);
      }

      @Override
      public void ignore(String what) {}

      @Override
      public void notice(String what) {}
    });
    core.onView(List.of("n1", "n2", "n3"));
    return core;
  }

  @Test
  void aNewUpdateIsPushedToOneRandomPeerARoundUntilFeedbackCountsItOut() {
    GossipCore n1 = core("n1", new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 0.5, 2, true));
    Entry e = n1.write("x", "1", 1);
    assertEquals(1, n1.hot(), "a write is a hot rumor");
    n1.round(2);
    assertEquals(1, sent.size(), "one push a round: " + sent);
    assertTrue(sent.get(0).matches("n[23] rumor"), "to a peer, never to itself: " + sent);
    assertEquals(1, n1.hot(), "with feedback a push alone does not cool a rumor");

    GossipMessage.Feedback knew = new GossipMessage.Feedback("kv", "n2", List.of(e.msgId()));
    n1.onMessage(knew, 3);
    assertEquals(1, n1.hot(), "counter 2: the first 'I knew it' is one strike");
    n1.onMessage(knew, 4);
    assertEquals(0, n1.hot(), "the second strike and it is no longer hot");
    sent.clear();
    n1.round(5);
    assertEquals(List.of(), sent, "nothing hot, nothing pushed");
  }

  @Test
  void aPeerAnswersOnlyForWhatItAlreadyKnew() {
    GossipCore n1 = core("n1", new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 0.5, 2, true));
    GossipCore n2 = core("n2", new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 0.5, 2, true));
    n1.write("x", "1", 1);
    n1.round(2);
    GossipMessage rumor = messages.get(0);
    sent.clear();
    n2.onMessage(rumor, 3);
    assertEquals(List.of(), sent, "news to n2: silence means it was news");
    assertEquals("1", n2.store().get("x").value(), "and n2 stored it");
    n2.onMessage(rumor, 4);
    assertEquals(List.of("n1 feedback"), sent, "the same rumor again: n2 says it knew it");
  }

  @Test
  void blindRumorsCoolAfterPushesWhateverThePeerKnew() {
    GossipCore n1 = core("n1", new GossipSettings.Rumor(GossipSettings.Stop.COUNTER, 0.5, 1, false));
    n1.write("x", "1", 1);
    n1.round(2);
    assertEquals(1, sent.size());
    assertEquals(0, n1.hot(), "blind, counter 1: one push and interest is lost, no feedback needed");
  }
}
