package org.sidis.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a benchmark that measures several systems and metrics per round, for several
 * alternated rounds ({@link Rounds#schedule}): every round's rows as measured, and one median row
 * per system and metric with the lowest and highest round — what the table prints and the ratios
 * are taken from. An immutable value.
 */
public final class RoundRows {

  /** One figure: which system, whether it is a baseline, which metric, its value and unit. */
  public record Row(String system, boolean baseline, String metric, double value, String unit) {}

  /** A system's median of one metric over the rounds, with its lowest and highest round. */
  public record Median(Row row, double min, double max, int rounds) {
    public double relativeSpread() {
      return row.value() == 0 ? 0 : (max - min) / row.value();
    }
  }

  private final List<List<Row>> rounds;

  private RoundRows(List<List<Row>> rounds) {
    this.rounds = rounds;
  }

  public static RoundRows empty() {
    return new RoundRows(List.of());
  }

  /** These rows with one more round's. */
  public RoundRows withRound(List<Row> rows) {
    List<List<Row>> next = new ArrayList<>(rounds);
    next.add(List.copyOf(rows));
    return new RoundRows(List.copyOf(next));
  }

  public int rounds() {
    return rounds.size();
  }

  /** Round {@code n}'s rows (1-based, as the JSON numbers them). */
  public List<Row> round(int n) {
    return rounds.get(n - 1);
  }

  /**
   * One median per system and metric, in the order they were first measured. A system or metric
   * missing from some round has the median of the rounds that have it ({@code rounds} says how many).
   */
  public List<Median> medians() {
    Map<String, Row> first = new LinkedHashMap<>();
    Map<String, Rounds> figures = new LinkedHashMap<>();
    for (List<Row> round : rounds) {
      for (Row r : round) {
        String key = r.system() + "\u0000" + r.metric();
        first.putIfAbsent(key, r);
        figures.merge(key, Rounds.of(List.of(key)).with(key, r.value()), (old, fresh) -> old.with(key, r.value()));
      }
    }
    List<Median> medians = new ArrayList<>();
    first.forEach((key, r) -> {
      Rounds.Summary s = figures.get(key).summary(key);
      medians.add(new Median(new Row(r.system(), r.baseline(), r.metric(), s.median(), r.unit()), s.min(), s.max(), s.rounds()));
    });
    return List.copyOf(medians);
  }

  /** The median rows alone. */
  public List<Row> medianRows() {
    return medians().stream().map(Median::row).toList();
  }
}
