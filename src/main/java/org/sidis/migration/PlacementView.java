package org.sidis.migration;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a placer knows, from the latest reports: the host nodes and each one's load, where each
 * moving actor runs and the load it adds there, and per actor the calls of the last window by the
 * caller's node. A node that reported no load of its own carries the sum of its actors' loads.
 * An immutable value: every report gives a new view; a policy reads it and decides. A report
 * replaces the one before it (a window's figures, not a running sum).
 */
public final class PlacementView {

  private final Set<String> hosts;
  private final Map<String, Double> nodeLoad;
  private final Map<String, String> where;
  private final Map<String, Double> actorLoad;
  private final Map<String, Map<String, Long>> callsFrom;

  private PlacementView(Set<String> hosts, Map<String, Double> nodeLoad, Map<String, String> where, Map<String, Double> actorLoad,
                        Map<String, Map<String, Long>> callsFrom) {
    this.hosts = Set.copyOf(hosts);
    this.nodeLoad = Map.copyOf(nodeLoad);
    this.where = Map.copyOf(where);
    this.actorLoad = Map.copyOf(actorLoad);
    Map<String, Map<String, Long>> calls = new HashMap<>();
    callsFrom.forEach((a, m) -> calls.put(a, Map.copyOf(m)));
    this.callsFrom = Map.copyOf(calls);
  }

  public static PlacementView empty() {
    return new PlacementView(Set.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  /** Node {@code node} reported {@code load} (any unit, the same for every node; higher is busier). */
  public PlacementView withNodeLoad(String node, double load) {
    if (!(load >= 0)) throw new IllegalArgumentException("a load is a number >= 0, got " + load + " from " + node);
    Map<String, Double> m = new HashMap<>(nodeLoad);
    m.put(node, load);
    return new PlacementView(plus(node), m, where, actorLoad, callsFrom);
  }

  /** {@code actor} runs on {@code node} and adds {@code load} to it. */
  public PlacementView withActor(String actor, String node, double load) {
    if (!(load >= 0)) throw new IllegalArgumentException("an actor's load is a number >= 0, got " + load + " for " + actor);
    Map<String, String> w = new HashMap<>(where);
    w.put(actor, node);
    Map<String, Double> l = new HashMap<>(actorLoad);
    l.put(actor, load);
    return new PlacementView(plus(node), nodeLoad, w, l, callsFrom);
  }

  /** {@code node} can host moving actors (it runs their places), whatever it runs now. */
  public PlacementView withHost(String node) {
    return hosts.contains(node) ? this : new PlacementView(plus(node), nodeLoad, where, actorLoad, callsFrom);
  }

  /** {@code actor}'s calls of the last window, by caller node: they replace the last window's. */
  public PlacementView withCalls(String actor, Map<String, Long> byNode) {
    for (Map.Entry<String, Long> e : byNode.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("a call count is >= 0, got " + e.getValue() + " for " + actor + " from " + e.getKey());
      }
    }
    Map<String, Map<String, Long>> c = new HashMap<>(callsFrom);
    c.put(actor, byNode);
    return new PlacementView(hosts, nodeLoad, where, actorLoad, c);
  }

  /** {@code actor} was called {@code calls} times from {@code node} in the last window, besides its other callers. */
  public PlacementView withCalls(String actor, String node, long calls) {
    Map<String, Long> m = new HashMap<>(callsFrom.getOrDefault(actor, Map.of()));
    m.put(node, calls);
    return withCalls(actor, m);
  }

  private Set<String> plus(String node) {
    Set<String> h = new java.util.HashSet<>(hosts);
    h.add(node);
    return h;
  }

  /**
   * The view once {@code p} is carried out, before the next reports say so: the actor runs at
   * the target, its load moved with it, and its call counts start a new window.
   */
  public PlacementView after(Placement p) {
    double load = actorLoad.getOrDefault(p.actor(), 0.0);
    Map<String, Double> n = new HashMap<>(nodeLoad);
    if (n.containsKey(p.from())) n.put(p.from(), Math.max(0, n.get(p.from()) - load));
    if (n.containsKey(p.to())) n.put(p.to(), n.get(p.to()) + load);
    Map<String, String> w = new HashMap<>(where);
    w.put(p.actor(), p.to());
    Map<String, Map<String, Long>> c = new HashMap<>(callsFrom);
    c.remove(p.actor());
    return new PlacementView(hosts, n, w, actorLoad, c);
  }

  /** The nodes that can host: where actors may go. */
  public Set<String> hosts() {
    return new TreeSet<>(hosts);
  }

  /** {@code node}'s reported load, or the sum of its actors' loads when it reported none. */
  public double load(String node) {
    Double reported = nodeLoad.get(node);
    if (reported != null) return reported;
    double sum = 0;
    for (Map.Entry<String, String> e : where.entrySet()) if (e.getValue().equals(node)) sum += actorLoad.getOrDefault(e.getKey(), 0.0);
    return sum;
  }

  /** The actors, in name order. */
  public Set<String> actors() {
    return new TreeSet<>(where.keySet());
  }

  /** Where {@code actor} runs, or null when no report said. */
  public String where(String actor) {
    return where.get(actor);
  }

  public double actorLoad(String actor) {
    return actorLoad.getOrDefault(actor, 0.0);
  }

  /** {@code actor}'s calls of the last window by caller node. */
  public Map<String, Long> callsFrom(String actor) {
    return callsFrom.getOrDefault(actor, Map.of());
  }
}
