package org.sidis.gossip;

/**
 * Anti-entropy (Demers et al. 1987, §1.3): every round a replica P picks a random live peer Q
 * and they reconcile. They compare digests first (Scuttlebutt), so only what the other lacks
 * travels:
 * <ul>
 *   <li><b>push</b> — P: {@code Syn}(P's digest); Q, if P knows updates Q lacks: {@code Ack}(Q's
 *       digest); P: {@code Ack2}(what Q lacks). Q learns, P does not.</li>
 *   <li><b>pull</b> — P: {@code Syn}(P's digest); Q: {@code Ack}(what P lacks). P learns.</li>
 *   <li><b>push-pull</b> — P: {@code Syn}; Q: {@code Ack}(what P lacks, Q's digest);
 *       P: {@code Ack2}(what Q lacks). Both learn: O(log N) rounds to reach N nodes.</li>
 * </ul>
 * A message that would carry nothing is not sent. Either side tells the other when the other's
 * digest is behind its memory of deletions ({@code behind}), so that the other rechecks its
 * items with the dormant keepers.
 */
final class AntiEntropy {

  private final GossipCore core;
  private final Mode mode;

  AntiEntropy(GossipCore core, Mode mode) {
    this.core = core;
    this.mode = mode;
  }

  void exchange(long now) {
    String peer = core.randomPeer();
    if (peer == null) return;
    core.send(peer, new GossipMessage.Syn(core.settings().group(), core.self(), core.store().digest()));
  }

  void onSyn(GossipMessage.Syn syn, long now) {
    Store store = core.store();
    Digest mine = store.digest();
    boolean behind = store.behindForgotten(syn.digest());
    Delta give = mode == Mode.PUSH ? Delta.EMPTY : store.delta(syn.digest(), core.settings().maxMessageBytes() - 1024);
    boolean want = mode != Mode.PULL && syn.digest().aheadOf(mine);
    if (give.isEmpty() && !want && !behind) return;
    core.send(syn.from(), new GossipMessage.Ack(core.settings().group(), core.self(), want ? mine : null,
        give.isEmpty() ? null : give, behind));
  }

  void onAck(GossipMessage.Ack ack, long now) {
    if (ack.delta() != null) core.takeDelta(ack.from(), ack.delta(), now);
    if (ack.behind()) core.recheck(now);
    if (ack.digest() == null) return;
    Store store = core.store();
    Delta give = store.delta(ack.digest(), core.settings().maxMessageBytes() - 1024);
    boolean behind = store.behindForgotten(ack.digest());
    if (give.isEmpty() && !behind) return;
    core.send(ack.from(), new GossipMessage.Ack2(core.settings().group(), core.self(), give.isEmpty() ? null : give, behind));
  }
}
