package org.sidis.tiers;

import java.util.List;
import java.util.Optional;

/** The switch that hands requests to the routable servers in turn, blind to their load and to the content. */
public final class RoundRobinSwitch<S> implements Distribution<S> {

  private long next;

  @Override
  public Optional<S> choose(int key, ServerPool<S> pool) {
    List<S> up = pool.routable();
    if (up.isEmpty()) return Optional.empty();
    return Optional.of(up.get((int) (next++ % up.size())));
  }
}
