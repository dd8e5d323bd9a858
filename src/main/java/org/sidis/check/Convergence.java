package org.sidis.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Convergence of a gossip store: every node that ended its run (its trace has a {@code state}
 * line) ends with the same store — the same fingerprint in the state line's {@code digest} —
 * and that store holds, for every key, its last write among the traced updates (a put's
 * version, or nothing after a delete). A node that did not crash but left no state line
 * cannot show what it ended with, which counts against it. Crashed nodes are not bound, nor
 * incarnations a later one of their node superseded.
 */
public final class Convergence implements StoreProperty {

    /** How many differing keys one offence names. */
    private static final int KEYS_NAMED = 3;

    @Override
    public String name() {
        return "convergence";
    }

    @Override
    public Verdict check(StoreTrace store) {
        Offences offences = new Offences();
        Map<String, StoreTrace.FinalState> finals = store.finalStates();
        Map<String, StoreTrace.Update> last = store.lastWrites();
        Map<String, StoreTrace.Version> expected = StoreTrace.expectedLive(last);
        Map<String, List<String>> fingerprints = store.fingerprints();
        String common = fingerprints.isEmpty() ? null : fingerprints.keySet().iterator().next();
        int checked = 0;
        for (String node : store.nodes()) {
            if (store.superseded(node)) {
                continue; // an earlier incarnation: gone, as a crashed node is, whether or not it stopped cleanly
            }
            StoreTrace.FinalState f = finals.get(node);
            if (f == null) {
                if (!store.crashed(node)) {
                    checked++;
                    offences.add(node, node + " did not crash but wrote no state line: its final store is unknown");
                }
                continue;
            }
            checked++;
            List<String> wrong = new ArrayList<>();
            if (f.entries() != null) {
                TreeSet<String> keys = new TreeSet<>(expected.keySet());
                keys.addAll(f.entries().keySet());
                for (String key : keys) {
                    StoreTrace.Version want = expected.get(key);
                    StoreTrace.Version has = f.entries().get(key);
                    if (want != null && want.equals(has)) {
                        continue;
                    }
                    StoreTrace.Update lastWrite = last.get(key);
                    wrong.add("[" + key + "] " + (has == null ? "absent" : "at " + has) + ", last write "
                            + (lastWrite == null ? "none traced" : (lastWrite.delete() ? "a delete at " : "a put at ")
                            + lastWrite.version() + " (" + lastWrite.id() + ")"));
                }
            }
            boolean odd = common != null && !common.equals(String.valueOf(f.digest()));
            if (!wrong.isEmpty() || odd) {
                String statement = node + " ends with store " + f.digest()
                        + (odd ? ", unlike " + String.join(", ", fingerprints.get(common)) + " (" + common + ")" : "")
                        + (wrong.isEmpty() ? "" : ", " + wrong.size() + " key(s) not at their last write");
                offences.add(node, statement, wrong.stream().limit(KEYS_NAMED).toArray(String[]::new));
            }
        }
        if (fingerprints.size() > 1) {
            offences.note(fingerprints.size() + " different stores at the end: " + fingerprints);
        }
        return offences.verdict(name(), store.name(), "gossip", true, checked, store.updateCount(), "updates");
    }
}
