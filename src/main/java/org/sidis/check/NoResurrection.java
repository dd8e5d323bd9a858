package org.sidis.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * No resurrection: a replica never goes back to an older version of a key. Each node's
 * changes to its replica ({@code update}, {@code apply}, {@code reactivate}), in local order,
 * carry ever newer versions per key — only a delete may come again with the same version (its
 * certificate expired and a keeper woke it). A put older than a delete the node already had
 * is a deleted item coming back; a node that ended its run with a key whose last write is a
 * delete kept one. Binds every node, crashed or not: what happened, happened.
 */
public final class NoResurrection implements StoreProperty {

    @Override
    public String name() {
        return "no resurrection";
    }

    @Override
    public Verdict check(StoreTrace store) {
        Offences offences = new Offences();
        int checked = 0;
        Map<String, StoreTrace.Update> last = store.lastWrites();
        for (String node : store.nodes()) {
            List<StoreTrace.Change> changes = store.changes(node);
            StoreTrace.FinalState f = store.finalStates().get(node);
            if (changes.isEmpty() && f == null) {
                continue;
            }
            checked++;
            Map<String, StoreTrace.Change> newest = new HashMap<>();
            for (StoreTrace.Change c : changes) {
                StoreTrace.Change before = newest.get(c.key());
                if (before != null) {
                    int cmp = c.version().compareTo(before.version());
                    if (cmp < 0 || (cmp == 0 && !c.delete())) {
                        String what = before.delete() && !c.delete()
                                ? node + " brought back deleted [" + c.key() + "]"
                                : node + " took [" + c.key() + "] back to an older version";
                        offences.add(node, what + ": " + c.describe() + " at " + c.event().where() + " after "
                                + before.describe() + " at " + before.event().where());
                        continue;
                    }
                }
                newest.put(c.key(), c);
            }
            // The end state of an incarnation a later one superseded is judged by what it saw
            // (above), not against deletes written after it was gone.
            if (f != null && f.entries() != null && !store.superseded(node)) {
                for (Map.Entry<String, StoreTrace.Version> e : f.entries().entrySet()) {
                    StoreTrace.Update lastWrite = last.get(e.getKey());
                    if (lastWrite != null && lastWrite.delete() && lastWrite.version().compareTo(e.getValue()) > 0) {
                        offences.add(node, node + " ends with deleted [" + e.getKey() + "] at " + e.getValue()
                                + " though it was deleted at " + lastWrite.version() + " (" + lastWrite.id() + ")");
                    }
                }
            }
        }
        return offences.verdict(name(), store.name(), "gossip", true, checked, store.updateCount(), "updates");
    }
}
