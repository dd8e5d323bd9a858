package org.sidis.check;

import java.util.List;

/**
 * A promise of a replicated gossip store that its trace can be checked against: the stores of
 * the nodes that finished end identical and hold every key's last write ({@link Convergence}),
 * and no replica ever goes back to an older version of a key — in particular no deleted item
 * comes back ({@link NoResurrection}).
 */
public sealed interface StoreProperty permits Convergence, NoResurrection {

    String name();

    Verdict check(StoreTrace store);

    static List<StoreProperty> all() {
        return List.of(new Convergence(), new NoResurrection());
    }
}
