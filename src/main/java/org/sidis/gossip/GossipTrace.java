package org.sidis.gossip;

import org.sidis.net.NetworkModel;
import org.sidis.trace.Events;
import org.sidis.trace.Tracer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace lines of one replica, written the same way by both of the core's shells — the
 * {@link GossipNode} actor and the {@link Simulation} — so that the checkers read a simulated
 * run as they read a cluster's.
 */
final class GossipTrace {

  private final Tracer tracer;

  GossipTrace(Tracer tracer) {
    this.tracer = tracer;
  }

  boolean enabled() {
    return tracer.enabled();
  }

  void send(String peer, GossipMessage message) {
    if (tracer.enabled()) tracer.event(Events.Gossip.SEND, Map.of("peer", peer, "kind", message.kind(), "count", message.count()));
  }

  void updated(Entry e) {
    if (!tracer.enabled()) return;
    tracer.event(Events.Gossip.UPDATE, e.msgId(), null, null, Map.of("key", e.key(), "version", e.version().toString(), "op", e.op().id()));
    tracer.flush(); // the update is on record before it can leave the node
  }

  void applied(Entry e, String from) {
    if (tracer.enabled())
      tracer.event(Events.Gossip.APPLY, e.msgId(), null, null,
          Map.of("key", e.key(), "version", e.version().toString(), "op", e.op().id(), "peer", from));
  }

  void reactivated(Entry e, String from) {
    if (tracer.enabled())
      tracer.event(Events.Gossip.REACTIVATE, e.msgId(), null, null,
          Map.of("key", e.key(), "version", e.version().toString(), "op", e.op().id(), "peer", from));
  }

  void expired(Store.Expired x) {
    if (tracer.enabled())
      tracer.event(Events.Gossip.EXPIRE, x.certificate().msgId(), null, null, Map.of("key", x.certificate().key(), "dormant", x.dormant()));
  }

  void reject(String reason) {
    if (tracer.enabled()) tracer.event(Events.Group.REJECT, Map.of("reason", reason));
  }

  /** A message for another group, refused at the door. */
  void otherGroup(GossipMessage m) {
    if (tracer.enabled())
      tracer.event(Events.Group.REJECT, Map.of("reason", "message for another group", "from", String.valueOf(m.from()),
          "for", String.valueOf(m.group())));
  }

  /** The network model did not deliver {@code m}. */
  void dropped(GossipMessage m, NetworkModel.Fate fate) {
    if (tracer.enabled())
      tracer.event(Events.Group.DROP, Map.of("peer", String.valueOf(m.from()), "kind", m.kind(),
          "reason", fate instanceof NetworkModel.Cut ? "partition" : "lost by the network model"));
  }

  /** The {@code state} line at the end of a run: the store as it ended, for the convergence checker. */
  void state(GossipCore core, long sent) {
    Store store = core.store();
    GossipSettings settings = core.settings();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("digest", store.fingerprint());
    fields.put("mode", settings.mode().id());
    fields.put("live", store.live().size());
    fields.put("certificates", store.activeCertificates());
    fields.put("dormant", store.dormantCertificates());
    fields.put("lines", store.digest().asMap());
    fields.put("sent", sent);
    if (store.live().size() <= settings.stateEntries()) {
      Map<String, String> entries = new LinkedHashMap<>();
      store.live().forEach((k, e) -> entries.put(k, e.version().toString()));
      fields.put("entries", entries);
    }
    tracer.event(Events.Gossip.STATE, fields);
    tracer.flush();
  }
}
