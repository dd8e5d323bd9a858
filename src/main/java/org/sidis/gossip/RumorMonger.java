package org.sidis.gossip;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Rumor mongering (Demers et al. 1987, §1.4): a node that learns an update holds it as a hot
 * rumor and, every round, pushes its hot rumors to a random peer. It loses interest in a rumor
 * by its stop rule:
 * <ul>
 *   <li>with <b>feedback</b>, only when the peer already knew the rumor — then by <b>coin</b>
 *       (with probability p_stop = 1/k) or by <b>counter</b> (the k-th time);</li>
 *   <li><b>blind</b>, after every push, whatever the peer knew — by coin or counter alike.</li>
 * </ul>
 * Interest dies out after a few rounds, so rumor mongering is cheap, but it may leave a
 * residue of nodes that never heard the rumor: for feedback and coin the share s solves
 * s = e^{−(k+1)(1−s)}. Anti-entropy as a backup reaches them.
 */
final class RumorMonger {

  private static final class Hot {
    final Entry entry;
    int strikes;

    Hot(Entry entry) {
      this.entry = entry;
    }
  }

  private final GossipCore core;
  private final GossipSettings.Rumor rule;
  private final LinkedHashMap<String, Hot> hot = new LinkedHashMap<>();

  RumorMonger(GossipCore core, GossipSettings.Rumor rule) {
    this.core = core;
    this.rule = rule;
  }

  void onNew(Entry e) {
    hot.put(e.msgId(), new Hot(e));
  }

  void round(long now) {
    if (hot.isEmpty()) return;
    String peer = core.randomPeer();
    if (peer == null) return;
    List<Entry> batch = new ArrayList<>();
    int bytes = 0;
    for (Hot h : hot.values()) {
      if (!batch.isEmpty() && bytes + h.entry.wireSize() > core.settings().maxMessageBytes() - 1024) break;
      batch.add(h.entry);
      bytes += h.entry.wireSize();
    }
    core.send(peer, new GossipMessage.Rumor(core.settings().group(), core.self(), batch));
    if (!rule.feedback()) for (Entry e : batch) loseInterest(e.msgId());
  }

  void onRumor(GossipMessage.Rumor r, long now) {
    List<String> known = new ArrayList<>();
    for (Entry e : r.entries()) {
      if (core.receive(e, r.from(), now) == Store.Applied.DUPLICATE) known.add(e.msgId());
    }
    // Silence means "it was news to me": only the already-known ones need an answer.
    if (rule.feedback() && !known.isEmpty())
      core.send(r.from(), new GossipMessage.Feedback(core.settings().group(), core.self(), known));
  }

  void onFeedback(GossipMessage.Feedback f) {
    for (String id : f.known()) if (id != null) loseInterest(id);
  }

  private void loseInterest(String id) {
    Hot h = hot.get(id);
    if (h == null) return;
    boolean stop = rule.stop() == GossipSettings.Stop.COIN
        ? core.random().nextDouble() < rule.pStop()
        : ++h.strikes >= rule.counter();
    if (stop) hot.remove(id);
  }

  int hot() {
    return hot.size();
  }

  /** For tests: the ids still hot, oldest first. */
  List<String> hotIds() {
    List<String> ids = new ArrayList<>();
    for (Iterator<String> it = hot.keySet().iterator(); it.hasNext(); ) ids.add(it.next());
    return ids;
  }
}
