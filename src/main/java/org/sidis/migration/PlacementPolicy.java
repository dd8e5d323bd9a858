package org.sidis.migration;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Why to migrate, as a rule that decides on its own (the notes, ch. 3 "Migracao de codigo":
 * load distribution and locality among the reasons to move code or a process). A policy reads a
 * {@link PlacementView} and returns at most one move — the placer carries it out and asks again
 * with the view that follows — or none. Plain values, tested without actors.
 */
public sealed interface PlacementPolicy permits PlacementPolicy.LoadBalancing, PlacementPolicy.Locality {

  /** The move to make now, among the actors not in {@code busy} (moving or cooling down), or none. */
  Optional<Placement> decide(PlacementView view, Set<String> busy);

  /**
   * Load distribution (sender-initiated, Tanenbaum &amp; van Steen's load-sharing algorithms):
   * when the most loaded host is at least {@code minGap} above the least loaded one, move an
   * actor from the first to the second. Of the actors there, the one whose load is closest to
   * half the gap, and only one that narrows it (an actor carrying more than the gap would swap
   * the two nodes' roles and the next round would move it back: ping-pong). Loads are the
   * nodes' own reports, or the sum of their actors' (calls per second, as {@link Migratable}
   * reports them).
   */
  record LoadBalancing(double minGap) implements PlacementPolicy {
    public LoadBalancing {
      if (!(minGap > 0)) throw new IllegalArgumentException("min-load-gap must be > 0, got " + minGap);
    }

    @Override
    public Optional<Placement> decide(PlacementView view, Set<String> busy) {
      if (view.hosts().size() < 2) return Optional.empty();
      String most = view.hosts().stream().max(Comparator.comparingDouble(view::load).thenComparing(Comparator.reverseOrder())).orElseThrow();
      String least = view.hosts().stream().min(Comparator.comparingDouble(view::load).thenComparing(Comparator.naturalOrder())).orElseThrow();
      double gap = view.load(most) - view.load(least);
      if (gap < minGap) return Optional.empty();
      return view.actors().stream()
          .filter(a -> most.equals(view.where(a)) && !busy.contains(a))
          .filter(a -> view.actorLoad(a) > 0 && view.actorLoad(a) < gap)
          .min(Comparator.comparingDouble(a -> Math.abs(gap / 2 - view.actorLoad(a))))
          .map(a -> new Placement(a, most, least, Placement.Reason.LOAD, String.format(java.util.Locale.ROOT,
              "%s load %.2f, %s load %.2f: %s (load %.2f) narrows the gap", most, view.load(most), least, view.load(least), a,
              view.actorLoad(a))));
    }
  }

  /**
   * Locality: move an actor next to the peer that talks to it most — when, in the last window,
   * one host node made at least {@code minCalls} calls and at least {@code minShare} of all the
   * actor's calls, and the actor runs elsewhere. A caller node that cannot host is not a target.
   */
  record Locality(double minShare, long minCalls) implements PlacementPolicy {
    public Locality {
      if (!(minShare > 0.5 && minShare <= 1)) throw new IllegalArgumentException("min-share must be in (0.5, 1], got " + minShare);
      if (minCalls < 1) throw new IllegalArgumentException("min-calls must be >= 1, got " + minCalls);
    }

    @Override
    public Optional<Placement> decide(PlacementView view, Set<String> busy) {
      for (String a : view.actors()) {
        if (busy.contains(a)) continue;
        Map<String, Long> calls = view.callsFrom(a);
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) continue;
        Map.Entry<String, Long> top = calls.entrySet().stream()
            .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
            .orElseThrow();
        String here = view.where(a);
        if (top.getKey().equals(here) || !view.hosts().contains(top.getKey())) continue;
        if (top.getValue() < minCalls || top.getValue() < minShare * total) continue;
        return Optional.of(new Placement(a, here, top.getKey(), Placement.Reason.LOCALITY, String.format(java.util.Locale.ROOT,
            "%d of its %d calls came from %s", top.getValue(), total, top.getKey())));
      }
      return Optional.empty();
    }
  }
}
