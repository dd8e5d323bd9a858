package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sidis.bench.RoundRows;
import org.sidis.bench.StreamBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench stream}: the isochronous stream over loopback UDP in this JVM for loss 0–10 %
 * × jitter 0–50 ms, with retransmission and interleaving, each alone, and the plain datagram
 * stream as the baseline ({@link StreamBench}): frames on time and playout jitter, medians of
 * alternated rounds. {@code --quick}: 2 × 2 cells, both repairs against the baseline, 3 s streams.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Measures the isochronous stream's frames on time and playout jitter for loss 0-10% x jitter 0-50 ms, with and without"
        + " retransmission and interleaving, beside the plain datagram stream, over loopback UDP in this JVM.")
public final class BenchStreamCommand implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "6", description = "Each stream lasts this many seconds, 1 to 600 (default: ${DEFAULT-VALUE}; --quick: 3).")
  int seconds;

  @Option(names = "--quick", description = "Loss 0 and 5% x jitter 0 and 30 ms, retransmission+interleaving against the plain datagram stream, 3 s streams.")
  boolean quick;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the network model (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  RoundsOption roundsOption;

  @Mixin
  JsonOption json;

  @Override
  public Integer call() throws Exception {
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    if (seconds < 1 || seconds > 600) {
      System.err.println("error: --seconds must be 1 .. 600, got " + seconds);
      return ExitCodes.USAGE;
    }
    int length = quick && seconds == 6 ? 3 : seconds;
    List<StreamBench.Cell> cells = StreamBench.grid(quick);
    List<StreamBench.Repair> repairs = quick ? List.of(StreamBench.Repair.BOTH, StreamBench.Repair.NEITHER) : Arrays.asList(StreamBench.Repair.values());
    System.out.printf(Locale.ROOT, "bench stream: %d cells x %d systems x %d round(s), %d s streams (audio 20 ms + video 40 ms frames, isochronous)%n",
        cells.size(), repairs.size(), roundsOption.count(), length);
    RoundRows measured = StreamBench.run(System.out, cells, repairs, length, roundsOption.count(), seed);
    ObjectNode root = BenchJson.root("stream");
    ((ObjectNode) root.get("params")).put("seconds", length).put("rounds", roundsOption.count()).put("seed", seed).put("quick", quick)
        .put("mode", "isochronous").put("flows", "audio 20ms, video 40ms");
    ArrayNode rows = root.putArray("rows");
    BenchJson.rounds(rows, measured);
    System.out.print(table(measured.medians(), measured.rounds()));
    BenchJson.write(json, root, System.out);
    return ExitCodes.OK;
  }

  /** One line per cell and metric: each system's median, the baseline last. */
  static String table(List<RoundRows.Median> medians, int rounds) {
    Map<String, Map<String, String>> byMetric = new TreeMap<>();
    List<String> systems = new ArrayList<>();
    for (RoundRows.Median m : medians) {
      String sys = m.row().system() + (m.row().baseline() ? "*" : "");
      if (!systems.contains(sys)) systems.add(sys);
      byMetric.computeIfAbsent(m.row().metric() + " (" + m.row().unit() + ")", k -> new TreeMap<>())
          .put(sys, String.format(Locale.ROOT, "%.1f [%.1f..%.1f]", m.row().value(), m.min(), m.max()));
    }
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "medians of %d alternated round(s) [lowest..highest]%n", rounds));
    t.append(String.format(Locale.ROOT, "%-42s", "metric"));
    for (String s : systems) t.append(String.format(Locale.ROOT, " %-30s", s));
    t.append('\n');
    byMetric.forEach((metric, v) -> {
      t.append(String.format(Locale.ROOT, "%-42s", metric));
      for (String s : systems) t.append(String.format(Locale.ROOT, " %-30s", v.getOrDefault(s, "-")));
      t.append('\n');
    });
    t.append("* the baseline: the plain datagram stream, neither retransmission nor interleaving\n");
    return t.toString();
  }
}
