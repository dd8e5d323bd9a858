package org.sidis.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a benchmark run in alternated rounds — A B C, A B C, … — one figure per system
 * per round, and what is reported from them: each system's median and spread (lowest and highest
 * round) and the ratio of two systems' medians. A median, not a mean, so one system's slow round
 * (the machine is shared and noisy) is visible in its spread instead of moving its figure; rounds
 * alternated, not one system's phases after another's, so a slow minute of the machine falls on
 * every system alike. An immutable value: {@link #with} returns a new one.
 */
public final class Rounds {

  /** The median of one system's rounds and their spread. */
  public record Summary(String system, int rounds, double median, double min, double max) {
    /** The spread as a share of the median, e.g. 0.12 when the rounds span 12 % of it. */
    public double relativeSpread() {
      return median == 0 ? 0 : (max - min) / median;
    }
  }

  private final Map<String, List<Double>> figures;

  private Rounds(Map<String, List<Double>> figures) {
    this.figures = figures;
  }

  /** No round yet; the systems in the order they run (and are reported) in. */
  public static Rounds of(List<String> systems) {
    Map<String, List<Double>> m = new LinkedHashMap<>();
    for (String s : systems) {
      if (m.put(s, List.of()) != null) throw new IllegalArgumentException("system named twice: " + s);
    }
    return new Rounds(Collections.unmodifiableMap(m));
  }

  /**
   * The order in which a run measures: every system once per round, in the given order, for
   * {@code rounds} rounds (A B C A B C …). The schedule lives here so that every bench alternates
   * the same way.
   */
  public static List<String> schedule(List<String> systems, int rounds) {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
    List<String> order = new ArrayList<>();
    for (int r = 0; r < rounds; r++) order.addAll(systems);
    return List.copyOf(order);
  }

  /** These figures with {@code value} added as {@code system}'s next round. */
  public Rounds with(String system, double value) {
    List<Double> old = figures.get(system);
    if (old == null) throw new IllegalArgumentException("unknown system " + system + "; known: " + figures.keySet());
    Map<String, List<Double>> m = new LinkedHashMap<>(figures);
    List<Double> next = new ArrayList<>(old);
    next.add(value);
    m.put(system, List.copyOf(next));
    return new Rounds(Collections.unmodifiableMap(m));
  }

  public List<String> systems() {
    return List.copyOf(figures.keySet());
  }

  /** {@code system}'s figures, round 1 first. */
  public List<Double> rounds(String system) {
    List<Double> f = figures.get(system);
    if (f == null) throw new IllegalArgumentException("unknown system " + system);
    return f;
  }

  public Summary summary(String system) {
    List<Double> sorted = new ArrayList<>(rounds(system));
    if (sorted.isEmpty()) throw new IllegalStateException(system + " has no round");
    Collections.sort(sorted);
    return new Summary(system, sorted.size(), median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
  }

  /** {@code system}'s median over {@code base}'s: above 1 when {@code system} measured more. */
  public double ratio(String system, String base) {
    double b = summary(base).median();
    return b == 0 ? Double.NaN : summary(system).median() / b;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  @Override
  public String toString() {
    return "Rounds" + figures;
  }
}
