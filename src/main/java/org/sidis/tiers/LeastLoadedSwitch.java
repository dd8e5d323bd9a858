package org.sidis.tiers;

import java.util.List;
import java.util.Optional;

/**
 * The switch that hands each request to the routable server with the least load (see
 * {@link ServerPool#load}); ties go to the servers in turn, so equal servers share the work.
 */
public final class LeastLoadedSwitch<S> implements Distribution<S> {

  private int turn;

  @Override
  public Optional<S> choose(int key, ServerPool<S> pool) {
    List<S> up = pool.routable();
    if (up.isEmpty()) return Optional.empty();
    int start = turn++ % up.size();
    S best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (int i = 0; i < up.size(); i++) {
      S s = up.get((start + i) % up.size());
      int load = pool.load(s);
      if (load < bestLoad) {
        best = s;
        bestLoad = load;
      }
    }
    return Optional.of(best);
  }
}
