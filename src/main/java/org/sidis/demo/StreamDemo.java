package org.sidis.demo;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.stream.QosContract;
import org.sidis.stream.QosReport;
import org.sidis.stream.StreamSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The stream demo: n1 offers a complex stream (audio and video), n2 asks for it with its QoS
 * contract through the cluster and, admitted, plays it from real UDP datagrams that its socket
 * impairs by {@code sidis.net} (loss, delay jitter). It prints the QoS report — the contract
 * against what was achieved — and passes when the contract of the stream's mode was kept (for an
 * isochronous stream: delay, playout jitter, frames on time, lip sync) and the stream checker
 * agrees from the traces. A refused setup prints the reason and fails. The plot of send, arrival
 * and playout times against the nominal schedule goes to {@code stream.svg} in the run directory.
 */
public final class StreamDemo extends Demo {

  private static final ObjectMapper JSON = new ObjectMapper();

  public StreamDemo() {
    super("stream", "stream (n1 offers an audio+video stream, n2 asks for it with a QoS contract and plays it over impaired UDP:"
        + " --mode async|sync|isochronous, --loss, --jitter, --seconds, --no-retransmit, --no-interleave, --json)");
  }

  @Override
  public Set<String> takes() {
    return Set.of("--mode", "--loss", "--jitter", "--seconds", "--no-retransmit", "--no-interleave", "--json");
  }

  @Override
  public int run(DemoRun run) {
    String sets = run.options().settings().entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining("\n"));
    Config c = ConfigFactory.parseString(sets).withFallback(ConfigFactory.parseFile(run.conf().toFile())).withFallback(ConfigFactory.load()).resolve();
    StreamSettings s;
    try {
      s = StreamSettings.fromConfig(c.getConfig("sidis.stream"));
    } catch (IllegalArgumentException e) {
      run.out().println("error: " + e.getMessage());
      return 2;
    }
    QosContract contract = s.contract();
    long seconds = s.frames().entrySet().stream().mapToLong(e -> e.getValue() * e.getKey().periodUs()).max().orElse(0) / 1_000_000 + 1;
    run.out().printf(Locale.ROOT, "demo stream: n1 offers stream %d (%s), n2 asks for it: %s; loss %s, delay %s..%s on each socket; retransmit %s, interleave %s — run directory %s%n",
        s.id(), s.frames(), contract, c.getString("sidis.net.loss"), c.getString("sidis.net.delay-min"), c.getString("sidis.net.delay-max"),
        s.retransmit() ? "on" : "off", s.interleavers().values().iterator().next().depth() > 1 ? "on" : "off", run.runDir());
    Launcher.NodeState sink;
    boolean completed;
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, 2, i -> List.of("--set", "sidis.node.services=[stream]", "--set", "sidis.stream.role=" + (i == 0 ? "source" : "sink")));
      sink = launcher.nodes().get("n2");
      completed = launcher.awaitAll(n -> !n.name.equals("n2") || n.done, DemoRun.STARTUP.plus(Duration.ofSeconds(seconds + 30)),
          () -> sink.last == null ? "setting up" : sink.last.path("event").asText());
      run.out().println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) run.out().println("problem: " + p);
    }
    JsonNode r = sink.last;
    if (!completed || r == null || !r.path("event").asText().equals("done")) {
      return run.verdict("the sink did not finish: " + (r == null ? "no report" : r), false, "logs and traces in");
    }
    if (r.has("refused")) {
      String why = "stream " + s.id() + " refused at setup: " + r.path("refused").asText();
      run.out().println(why);
      return run.verdict(why, false, "logs in");
    }
    if (r.has("failed")) {
      String why = "stream " + s.id() + " failed: " + r.path("failed").asText();
      run.out().println(why);
      return run.verdict(why, false, "logs in");
    }
    String table = table(contract, s, r);
    run.out().print(table);
    Path svg = run.runDir().resolve("stream.svg");
    try {
      StreamPlot.write(svg, StreamPlot.points(run.runDir().resolve("trace"), Long.toString(s.id())),
          "stream " + s.id() + ": " + contract.mode().word() + ", loss " + c.getString("sidis.net.loss") + ", delay " + c.getString("sidis.net.delay-min")
              + ".." + c.getString("sidis.net.delay-max") + (s.retransmit() ? ", retransmission" : "") + (s.interleavers().values().iterator().next().depth() > 1 ? ", interleaving" : ""));
      run.out().println("plot: " + svg);
    } catch (IOException e) {
      run.out().println("problem: cannot plot: " + e.getMessage());
    }
    String json = c.getString("sidis.demo.stream.json");
    if (!json.isEmpty()) writeJson(run, Path.of(json), contract, r);
    Report report = Inspection.of(run.runDir());
    run.out().println();
    run.out().print(report.table());
    boolean kept = r.path("kept").asBoolean(false);
    String breaches = r.path("breaches").asText();
    String summary = kept ? "the " + contract.mode().word() + " contract was kept" : "the " + contract.mode().word() + " contract was broken: " + breaches;
    run.out().println(summary);
    return run.verdict(table + summary + "\n" + report.table(), kept && report.passed(), "logs, traces and plot in");
  }

  /** The QoS report: each clause of the contract against what was achieved. */
  static String table(QosContract c, StreamSettings s, JsonNode r) {
    long played = r.path("played").asLong(), missed = r.path("missed").asLong(), late = r.path("late").asLong();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"mode", c.mode().word(), r.path("mode").asText()});
    rows.add(new String[] {"bit rate", "<= " + c.bitRateBps() / 1000 + " kbit/s reserved", r.path("bit_rate_bps").asLong() / 1000 + " kbit/s played"});
    rows.add(new String[] {"setup delay", "<= " + ms(c.maxSetupDelayUs()), ms(r.path("setup_us").asLong())});
    rows.add(new String[] {"delay p50 (beyond shortest transit)", "", ms(r.path("delay_p50_us").asLong())});
    rows.add(new String[] {"delay p99 (beyond shortest transit)", c.mode().word().equals("async") ? "no bound" : "<= " + ms(c.maxDelayUs()), ms(r.path("delay_p99_us").asLong())});
    rows.add(new String[] {"playout jitter p99", c.mode().word().equals("isochronous") ? "<= " + ms(c.maxJitterUs()) : "not bounded", ms(r.path("playout_jitter_us").asLong())});
    rows.add(new String[] {"frames on time", c.mode().word().equals("isochronous") ? String.format(Locale.ROOT, ">= %.0f %%", 100 * s.onTimeTarget()) : "",
        String.format(Locale.ROOT, "%.2f %% (%d of %d)", 100 * r.path("on_time").asDouble(), played, played + missed)});
    rows.add(new String[] {"frames late (arrived after their time)", "", Long.toString(late)});
    rows.add(new String[] {"frames lost (never arrived)", "", Long.toString(missed - late)});
    rows.add(new String[] {"frames recovered / retransmissions asked", "", r.path("recovered").asLong() + " / " + r.path("asked").asLong()});
    rows.add(new String[] {"longest run of missed frames", "", r.path("longest_miss_run").asText()});
    rows.add(new String[] {"lip-sync skew (audio/video)", c.mode().word().equals("isochronous") ? "<= " + ms(QosReport.LIP_SYNC_US) : "", ms(r.path("skew_us").asLong())});
    rows.add(new String[] {"measured jitter J (RFC 3550) / playout delay", "", ms(r.path("jitter_us").asLong()) + " / " + ms(r.path("playout_delay_us").asLong())});
    rows.add(new String[] {"duplicates / bad datagrams", "", r.path("duplicates").asLong() + " / " + r.path("bad").asLong()});
    int w0 = rows.stream().mapToInt(x -> x[0].length()).max().orElse(0), w1 = Math.max(8, rows.stream().mapToInt(x -> x[1].length()).max().orElse(0));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w0 + "s  %-" + w1 + "s  %s%n", "QoS", "contract", "achieved"));
    for (String[] x : rows) sb.append(String.format(Locale.ROOT, "%-" + w0 + "s  %-" + w1 + "s  %s%n", x[0], x[1], x[2]));
    return sb.toString();
  }

  private static void writeJson(DemoRun run, Path file, QosContract c, JsonNode r) {
    ObjectNode root = JSON.createObjectNode().put("demo", "stream");
    root.putObject("contract").put("mode", c.mode().word()).put("bit_rate_bps", c.bitRateBps()).put("max_delay_us", c.maxDelayUs())
        .put("max_jitter_us", c.maxJitterUs()).put("max_setup_delay_us", c.maxSetupDelayUs());
    ObjectNode achieved = root.putObject("achieved");
    r.fields().forEachRemaining(e -> { if (!e.getKey().equals("event")) achieved.set(e.getKey(), e.getValue()); });
    try {
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      run.out().println("json: " + file);
    } catch (IOException e) {
      run.out().println("problem: cannot write " + file + ": " + e.getMessage());
    }
  }

  private static String ms(long us) {
    return String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
  }
}
