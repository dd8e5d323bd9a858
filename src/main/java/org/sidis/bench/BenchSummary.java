package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What several benchmark runs measured, read back from their JSON files (the benchmark contract
 * of DESIGN.md: {@code bench}, {@code params}, {@code rows} of {@code system}, {@code baseline},
 * {@code metric}, {@code value}, {@code unit}, and {@code round} when the systems ran in
 * alternated rounds): one line per bench, metric and system with the median and the spread of its
 * rounds. A row's other fields (e.g. {@code workers}, {@code servers}, {@code state_mib}) are a
 * dimension of the measurement, so they are part of what names its line. An immutable value;
 * {@code bench all} writes it as {@code summary.md} and draws it with {@link BenchPlot}.
 */
public final class BenchSummary {

  /** The fields every row has; any other field of a row is a dimension of the measurement. */
  private static final Set<String> ROW_FIELDS = Set.of("system", "baseline", "metric", "value", "unit", "round");

  /**
   * One system's figure for one metric of one bench: the median of its rounds (the single value
   * when the bench has no rounds), the lowest and highest round, and how many rounds there were.
   * {@code dimensions} are the row's other fields, in the order the file gave them.
   */
  public record Line(String bench, String metric, String system, Map<String, String> dimensions, boolean baseline,
                     String unit, double median, double min, double max, int rounds) {
    /** The system with its dimensions, e.g. {@code sidis-rpc (workers=4)}: what a table row or a bar is named. */
    public String label() {
      if (dimensions.isEmpty()) return system;
      StringBuilder b = new StringBuilder(system).append(" (");
      dimensions.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '(' ? "" : ", ").append(k).append('=').append(v));
      return b.append(')').toString();
    }
  }

  private final List<Line> lines;

  private BenchSummary(List<Line> lines) {
    this.lines = List.copyOf(lines);
  }

  /**
   * The lines of the runs in {@code docs}, each under the name it is given (a workload, or the
   * file it came from), which names it in the summary and in errors. A document that does not
   * follow the contract is refused with that name and the row that broke it.
   */
  public static BenchSummary of(Map<String, JsonNode> docs) {
    List<Line> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> doc : docs.entrySet()) all.addAll(lines(doc.getKey(), doc.getValue()));
    return new BenchSummary(all);
  }

  public List<Line> lines() {
    return lines;
  }

  /** The benches in the order they were given. */
  public List<String> benches() {
    return lines.stream().map(Line::bench).distinct().toList();
  }

  /** {@code bench}'s metrics, in the order its file first named them. */
  public List<String> metrics(String bench) {
    return lines.stream().filter(l -> l.bench().equals(bench)).map(Line::metric).distinct().toList();
  }

  /** {@code bench}'s lines for {@code metric}. */
  public List<Line> lines(String bench, String metric) {
    return lines.stream().filter(l -> l.bench().equals(bench) && l.metric().equals(metric)).toList();
  }

  private static List<Line> lines(String file, JsonNode doc) {
    if (doc.path("bench").asText("").isEmpty()) throw new IllegalArgumentException(file + ": no \"bench\" name (not a benchmark JSON file)");
    String bench = file;
    JsonNode rows = doc.path("rows");
    if (!rows.isArray() || rows.isEmpty()) throw new IllegalArgumentException(file + ": bench " + bench + " has no rows");
    // Per (metric, system, dimensions): the numbered rounds' values and the median row, if any.
    Map<String, List<Double>> rounds = new LinkedHashMap<>();
    Map<String, Double> medians = new LinkedHashMap<>();
    Map<String, JsonNode> first = new LinkedHashMap<>();
    int index = 0;
    for (JsonNode row : rows) {
      index++;
      for (String field : List.of("system", "metric", "unit")) {
        if (!row.path(field).isTextual()) throw new IllegalArgumentException(file + ": row " + index + " has no text \"" + field + "\": " + row);
      }
      if (!row.path("value").isNumber()) throw new IllegalArgumentException(file + ": row " + index + " has no numeric \"value\": " + row);
      String key = key(row);
      first.putIfAbsent(key, row);
      JsonNode round = row.get("round");
      if (round != null && round.asText().equals("median")) {
        medians.put(key, row.path("value").asDouble());
      } else {
        rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(row.path("value").asDouble());
      }
    }
    List<Line> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : first.entrySet()) {
      JsonNode row = e.getValue();
      List<Double> values = rounds.getOrDefault(e.getKey(), List.of());
      double median = medians.containsKey(e.getKey()) ? medians.get(e.getKey()) : median(values);
      double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(median);
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(median);
      out.add(new Line(bench, row.path("metric").asText(), row.path("system").asText(), dimensions(row),
          row.path("baseline").asBoolean(false), row.path("unit").asText(), median, min, max, values.size()));
    }
    return out;
  }

  private static String key(JsonNode row) {
    return row.path("metric").asText() + "\u0000" + row.path("system").asText() + "\u0000" + dimensions(row);
  }

  private static Map<String, String> dimensions(JsonNode row) {
    Map<String, String> d = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!ROW_FIELDS.contains(f.getKey())) d.put(f.getKey(), f.getValue().asText());
    }
    return d;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The summary as Markdown: per bench, per metric, a table of system, median, spread (lowest and
   * highest round, as a share of the median) and the ratio to the metric's baseline — the first
   * baseline line with the same dimensions, else the first baseline line of the metric.
   */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    for (String bench : benches()) {
      md.append("## bench ").append(bench).append("\n\n");
      for (String metric : metrics(bench)) {
        List<Line> ls = lines(bench, metric);
        md.append("### ").append(metric).append(" (").append(ls.get(0).unit()).append(")\n\n");
        md.append("| system | median | rounds | lowest | highest | spread | ratio to baseline |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Line l : ls) {
          Line base = baselineFor(l, ls);
          String ratio = l.baseline() ? "baseline"
              : base == null || base.median() == 0 ? "—" : String.format("%.2f× %s", l.median() / base.median(), base.label());
          md.append(String.format("| %s | %s | %d | %s | %s | %s | %s |%n", l.label(), figure(l.median()), l.rounds(),
              figure(l.min()), figure(l.max()),
              l.median() == 0 ? "—" : String.format("%.0f %%", 100 * (l.max() - l.min()) / Math.abs(l.median())), ratio));
        }
        md.append('\n');
      }
    }
    return md.toString();
  }

  /** The baseline {@code l} is compared with among {@code ls}, or null when the metric has none. */
  static Line baselineFor(Line l, List<Line> ls) {
    Line any = null;
    for (Line b : ls) {
      if (!b.baseline()) continue;
      if (b.dimensions().equals(l.dimensions())) return b;
      if (any == null) any = b;
    }
    return any;
  }

  private static String figure(double v) {
    if (Double.isNaN(v)) return "—";
    return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.3g", v);
  }

  /**
   * The numeric dimension a metric's lines are drawn along, the x axis of a curve: of the
   * dimensions that take two or more values, all numeric (e.g. {@code workers} 1, 4, 16), the
   * first in the order the rows give their fields. A bench that sweeps two (e.g. {@code state_mib}
   * and {@code write_mib_per_s}) puts the one to draw along first; the others then name the curves
   * (one per write rate over state size, see {@link BenchPlot}). Empty when none varies.
   */
  public java.util.Optional<String> curveAxis(String bench, String metric) {
    Map<String, Set<String>> values = new LinkedHashMap<>();
    for (Line l : lines(bench, metric)) {
      l.dimensions().forEach((k, v) -> values.computeIfAbsent(k, x -> new java.util.TreeSet<>()).add(v));
    }
    return values.entrySet().stream()
        .filter(e -> e.getValue().size() >= 2 && e.getValue().stream().allMatch(BenchSummary::numeric))
        .map(Map.Entry::getKey).findFirst();
  }

  static boolean numeric(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
