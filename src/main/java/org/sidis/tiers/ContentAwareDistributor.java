package org.sidis.tiers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content-aware distributor: locality-aware request distribution with replication (LARD/R,
 * Pai et al., "Locality-aware request distribution in cluster-based network servers", ASPLOS
 * 1998). Each document has a server set. The first request for a document goes to the least
 * loaded server, which joins the document's set; later requests go to the least loaded server
 * of the set, so the document stays in that server's cache and each server's cache holds a part
 * of the data. Only when that server is overloaded — its load above the high mark while some
 * routable server is below the low mark — is the document replicated: the least loaded server
 * of all joins the set and takes the request. A server that leaves is dropped from every set;
 * a document whose set empties starts afresh.
 *
 * <p>Left out of the paper's rule: its second trigger (load at least twice the high mark with
 * no server below the low mark) and the shrinking of a set that was not modified for K seconds;
 * this distributor's sets only grow while their servers stay.
 */
public final class ContentAwareDistributor<S> implements Distribution<S> {

  private final LoadMarks marks;
  private final Map<Integer, List<S>> serverSet = new HashMap<>();
  private long replications;

  public ContentAwareDistributor(LoadMarks marks) {
    this.marks = marks;
  }

  @Override
  public Optional<S> choose(int key, ServerPool<S> pool) {
    List<S> up = pool.routable();
    if (up.isEmpty()) return Optional.empty();
    List<S> set = serverSet.computeIfAbsent(key, k -> new ArrayList<>());
    set.removeIf(s -> !pool.isRoutable(s));
    if (set.isEmpty()) {
      S first = leastLoaded(up, pool);
      set.add(first);
      return Optional.of(first);
    }
    S n = leastLoaded(set, pool);
    if (pool.load(n) > marks.high() && up.stream().anyMatch(s -> pool.load(s) < marks.low())) {
      S p = leastLoaded(up, pool);
      if (!set.contains(p)) {
        set.add(p);
        replications++;
      }
      return Optional.of(p);
    }
    return Optional.of(n);
  }

  @Override
  public void forget(S server) {
    for (List<S> set : serverSet.values()) set.remove(server);
  }

  /** The servers document {@code key} is assigned to, in the order they joined its set. */
  public List<S> serverSet(int key) {
    return List.copyOf(serverSet.getOrDefault(key, List.of()));
  }

  /** How many times a document was replicated to another server. */
  public long replications() {
    return replications;
  }

  private static <S> S leastLoaded(List<S> candidates, ServerPool<S> pool) {
    S best = candidates.get(0);
    for (S s : candidates) if (pool.load(s) < pool.load(best)) best = s;
    return best;
  }
}
