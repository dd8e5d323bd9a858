package org.sidis.gossip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flooding, as in the notes' GOSSIP CODE: a node forwards what it has not seen before to its
 * neighbours in the overlay — every neighbour but the one it came from. What waits for one
 * neighbour leaves together, once per round, so under load one message carries many updates.
 * Flooding reaches every node the overlay connects, in as many rounds as the overlay's
 * diameter, at the price of one message per edge and update; a lost message is not repaired
 * (anti-entropy as a backup does that).
 */
final class Flooding {

  private final GossipCore core;
  private final GossipSettings.Flood overlay;
  private List<String> neighbours = List.of();
  private final Map<String, List<Entry>> outbox = new LinkedHashMap<>();

  Flooding(GossipCore core, GossipSettings.Flood overlay) {
    this.core = core;
    this.overlay = overlay;
  }

  void onView(List<String> members) {
    neighbours = overlay.overlay().neighbours(core.self(), members, overlay.degree(), overlay.hub(), overlay.seed());
    outbox.keySet().retainAll(neighbours);
  }

  void onNew(Entry e, String from) {
    for (String n : neighbours) {
      if (!n.equals(from)) outbox.computeIfAbsent(n, k -> new ArrayList<>()).add(e);
    }
  }

  void round(long now) {
    if (outbox.isEmpty()) return;
    for (Map.Entry<String, List<Entry>> o : outbox.entrySet()) {
      for (List<Entry> chunk : core.chunks(o.getValue()))
        core.send(o.getKey(), new GossipMessage.Flood(core.settings().group(), core.self(), chunk));
    }
    outbox.clear();
  }

  List<String> neighbours() {
    return neighbours;
  }
}
