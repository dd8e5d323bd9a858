package org.sidis.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a {@link BenchSummary} drawn as PNG files with XChart, one per bench and metric
 * measured for two or more systems: a curve of the median against the metric's one numeric
 * dimension when it has one (workers, servers, state size — a scaling curve), else bars of the
 * medians, the baseline among them. A curve's y axis is logarithmic when its medians span more
 * than a hundredfold. Each file is named {@code <bench>-<metric>.png}.
 */
public final class BenchPlot {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final double LOG_SPAN = 100;

  private BenchPlot() {}

  /** Draws every plot of {@code summary} into {@code dir} (made if missing); the files written. */
  public static List<Path> write(BenchSummary summary, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (String bench : summary.benches()) {
      for (String metric : summary.metrics(bench)) {
        List<BenchSummary.Line> lines = summary.lines(bench, metric);
        if (lines.size() < 2) continue;
        Path file = dir.resolve(fileName(bench, metric) + ".png");
        var axis = summary.curveAxis(bench, metric);
        if (axis.isPresent()) {
          BitmapEncoder.saveBitmap(curve(bench, metric, axis.get(), lines), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
          BitmapEncoder.saveBitmap(bars(bench, metric, lines), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        written.add(file);
      }
    }
    return written;
  }

  /** A name safe in any file system: the bench and metric with anything but letters, digits, '-' and '_' replaced. */
  static String fileName(String bench, String metric) {
    return (bench + "-" + metric).replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static CategoryChart bars(String bench, String metric, List<BenchSummary.Line> lines) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("bench " + bench + ": " + metric + " (median of rounds)")
        .xAxisTitle("system").yAxisTitle(lines.get(0).unit()).build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<String> names = lines.stream().map(l -> l.label() + (l.baseline() ? " (baseline)" : "")).toList();
    List<Double> medians = lines.stream().map(BenchSummary.Line::median).toList();
    chart.addSeries(metric, names, medians);
    return chart;
  }

  private static XYChart curve(String bench, String metric, String axis, List<BenchSummary.Line> lines) {
    Map<String, Map<Double, Double>> series = curves(axis, lines);
    boolean logY = wide(series.values().stream().flatMap(m -> m.values().stream()).toList());
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("bench " + bench + ": " + metric + " by " + axis + " (median of rounds" + (logY ? ", log scale" : "") + ")")
        .xAxisTitle(axis).yAxisTitle(lines.get(0).unit()).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setYAxisLogarithmic(logY);
    for (Map.Entry<String, Map<Double, Double>> s : series.entrySet()) {
      double[] xs = s.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] ys = s.getValue().values().stream().mapToDouble(Double::doubleValue).toArray();
      chart.addSeries(s.getKey(), xs, ys);
    }
    return chart;
  }

  /**
   * The curves of a metric along {@code axis}: one per system and its other dimensions (so a bench
   * that sweeps state size and write rate gets one curve per system and write rate over state
   * size), each point the median at one value of the axis, sorted by it. Named as the lines are,
   * without the axis: {@code pre-copy (write_mib_per_s=4.0)}.
   */
  public static Map<String, Map<Double, Double>> curves(String axis, List<BenchSummary.Line> lines) {
    Map<String, Map<Double, Double>> series = new LinkedHashMap<>();
    for (BenchSummary.Line l : lines) {
      Map<String, String> rest = new LinkedHashMap<>(l.dimensions());
      String x = rest.remove(axis);
      if (x == null) continue;
      String name = new BenchSummary.Line(l.bench(), l.metric(), l.system(), rest, l.baseline(), l.unit(),
          l.median(), l.min(), l.max(), l.rounds()).label() + (l.baseline() ? " (baseline)" : "");
      series.computeIfAbsent(name, k -> new TreeMap<>()).put(Double.parseDouble(x), l.median());
    }
    return series;
  }

  /**
   * Whether the medians, all positive, span more than {@value #LOG_SPAN}×: then a linear axis
   * flattens the small ones onto zero (a downtime of 20 ms beside one of 7 s), and a log axis
   * shows how each curve grows.
   */
  static boolean wide(List<Double> values) {
    if (values.isEmpty() || values.stream().anyMatch(v -> !(v > 0))) return false;
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return max / min > LOG_SPAN;
  }
}
