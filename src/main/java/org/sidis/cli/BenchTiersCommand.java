package org.sidis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sidis.bench.RoundRows;
import org.sidis.demo.DemoOptions;
import org.sidis.demo.DemoRun;
import org.sidis.demo.Launcher;
import org.sidis.demo.TiersCluster;
import org.sidis.demo.TiersDemo;
import org.sidis.tiers.Policy;
import org.sidis.tiers.ReplyMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench tiers}: the three-tier cluster of the tiers demo ({@link TiersCluster}: data
 * tier, front end, three application servers, each its own JVM) measured in alternated rounds.
 * Each round measures, on the same Zipf request mix with every server's cache emptied first: the
 * three reply modes under the round-robin switch (relay, handoff, redirect), the three policies
 * in relay mode (round-robin, least-loaded, content-aware; round-robin's figures are the relay
 * row's own measurement), and handoff/least-loaded with 3, 2 and 1 application servers (the
 * cluster's third and second servers stopped, and started again for the next round). The table
 * and the ratios are the medians of the rounds ({@link RoundRows}).
 */
@Command(name = "tiers", mixinStandardHelpOptions = true,
    description = "Measures a three-tier server cluster of child JVMs (data tier, front end, 3 app servers): reply modes relay,"
        + " handoff, redirect; policies round-robin, least-loaded, content-aware; throughput with 1, 2 and 3 servers.")
public final class BenchTiersCommand implements Callable<Integer> {

  /** The most application servers the cluster has; the bench measures 1 … this many. */
  static final int SERVERS = 3;

  @Mixin
  RoundsOption roundsOption;

  @Option(names = "--requests", defaultValue = "1000", description = "Sends this many requests per system per round (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--reply-size", defaultValue = "64KiB",
      description = "Sets the size of each document, as HOCON bytes, 16 B to 128 KiB: 64KiB, 4096 (default: ${DEFAULT-VALUE}).")
  String replySize;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the request mix (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  LaunchOptions launch;

  @Mixin
  SettingsOption settings;

  @Mixin
  JsonOption json;

  /** One measurement of a round: a reply mode and a policy with so many servers, and the systems it gives rows to. */
  private record Measure(ReplyMode mode, Policy policy, int servers, List<String> systems) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintStream out = System.out;
    if (roundsOption.refused(System.err)) return ExitCodes.USAGE;
    int rounds = roundsOption.count();
    if (requests < 1) {
      System.err.println("error: --requests must be at least 1, got " + requests);
      return ExitCodes.USAGE;
    }
    long bytes;
    try {
      bytes = com.typesafe.config.ConfigFactory.parseString("b = \"" + replySize.replace("\"", "") + "\"").getBytes("b");
    } catch (com.typesafe.config.ConfigException e) {
      System.err.println("error: --reply-size [" + replySize + "] is not a size like 64KiB or 4096");
      return ExitCodes.USAGE;
    }
    if (bytes < 16 || bytes > 128 * 1024) {
      System.err.println("error: --reply-size must be 16 B .. 128 KiB, got " + replySize);
      return ExitCodes.USAGE;
    }
    Map<String, String> sets = new LinkedHashMap<>(settings.asMap());
    sets.put("sidis.demo.tiers.servers", String.valueOf(SERVERS));
    sets.put("sidis.demo.tiers.requests", String.valueOf(requests));
    sets.put("sidis.tiers.document-size", String.valueOf(bytes));
    Path runDir = Launcher.newRunDir(launch.runsDir(), "bench-tiers");
    Path conf = runDir.resolve("conf").resolve("tiers.conf");
    DemoCommand.copyDemoConfig("tiers", conf);
    DemoRun run = new DemoRun(out, runDir, conf, Duration.ofHours(1),
        new DemoOptions(SERVERS + 2, 0, seed, null, null, sets, launch.jvm()));
    TiersDemo.Settings s;
    try {
      s = TiersDemo.Settings.of(run);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    }

    List<Measure> schedule = new ArrayList<>();
    for (ReplyMode m : ReplyMode.values()) {
      List<String> systems = new ArrayList<>(List.of(m.word()));
      if (m == ReplyMode.RELAY) systems.add(Policy.ROUND_ROBIN.word());
      schedule.add(new Measure(m, Policy.ROUND_ROBIN, SERVERS, systems));
    }
    for (Policy p : Policy.values()) {
      if (p != Policy.ROUND_ROBIN) schedule.add(new Measure(ReplyMode.RELAY, p, SERVERS, List.of(p.word())));
    }
    for (int n = SERVERS; n >= 1; n--) schedule.add(new Measure(ReplyMode.HANDOFF, Policy.LEAST_LOADED, n, List.of(servers(n))));

    out.printf("bench tiers: data tier, front end, %d app servers (each its own JVM); %d documents of %d B, %d requests per system"
        + " per round from %d client threads, Zipf %.2f keys, %d alternated round(s) — run directory %s%n", SERVERS, s.documents(),
        s.documentSize(), requests, s.concurrency(), s.zipf(), rounds, runDir);
    RoundRows measured = RoundRows.empty();
    List<String> wrong = new ArrayList<>();
    String problem;
    try (TiersCluster cluster = TiersCluster.start(run, SERVERS)) {
      problem = cluster.awaitReady();
      for (int round = 1; round <= rounds && problem == null; round++) {
        List<RoundRows.Row> rows = new ArrayList<>();
        int up = SERVERS;
        for (Measure m : schedule) {
          while (up > m.servers() && problem == null) {
            if (!cluster.stopServer(up, up - 1)) problem = "the front end still routes to server " + up + " after it stopped";
            up--;
          }
          if (problem != null) break;
          TiersDemo.Row r = cluster.client().measure(m.mode(), m.policy(), s, seed * 1000 + round);
          out.printf("round %d  %-16s %s/%s, %d server(s): %d of %d correct, %.1f req/s, p99 %.1f ms%n", round,
              String.join("+", m.systems()), m.mode(), m.policy(), m.servers(), r.correct(), r.requests(), r.requestsPerS(), r.p99Ms());
          if (r.correct() != r.requests()) wrong.add("round " + round + " " + m.systems() + ": " + r.wrong());
          for (String system : m.systems()) rows.addAll(rows(system, r));
        }
        measured = measured.withRound(rows);
        for (int k = up + 1; k <= SERVERS && problem == null && round < rounds; k++) {
          if (!cluster.restartServer(k, k)) problem = "server " + k + " did not become routable again after its restart";
          up = k;
        }
      }
      out.println("  stopping the nodes (SIGTERM)");
      cluster.close();
      for (String p : cluster.problems()) out.println("problem: " + p);
    }

    ObjectNode root = BenchJson.root("tiers");
    ObjectNode params = (ObjectNode) root.get("params");
    params.put("servers", SERVERS).put("requests", requests).put("concurrency", s.concurrency()).put("zipf", s.zipf())
        .put("documents", s.documents()).put("document_size", s.documentSize()).put("rounds", rounds).put("seed", seed)
        .put("front_bytes_counted_at", "front end actor");
    ArrayNode rows = root.putArray("rows");
    for (int round = 1; round <= measured.rounds(); round++) {
      for (RoundRows.Row r : measured.round(round)) BenchJson.row(rows, r).put("round", round);
    }
    List<RoundRows.Median> medians = measured.medians();
    for (RoundRows.Median m : medians) BenchJson.row(rows, m.row()).put("round", "median");
    if (!medians.isEmpty()) out.print(table(medians, measured.rounds()));
    BenchJson.write(json, root, out);
    for (String w : wrong) out.println("wrong answers: " + w);
    if (problem != null) {
      System.err.println("error: " + problem + " (logs in " + runDir + ")");
      return ExitCodes.FAILED;
    }
    if (!wrong.isEmpty()) {
      System.err.println("error: not every request got the right document (logs in " + runDir + ")");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  static String servers(int n) {
    return "servers-" + n;
  }

  /** A measurement's rows for {@code system}: the metrics the bench reports for that kind of system. */
  static List<RoundRows.Row> rows(String system, TiersDemo.Row r) {
    boolean baseline = system.equals(ReplyMode.RELAY.word()) || system.equals(Policy.ROUND_ROBIN.word()) || system.equals(servers(1));
    List<RoundRows.Row> rows = new ArrayList<>();
    rows.add(new RoundRows.Row(system, baseline, "requests_per_s", r.requestsPerS(), "req/s"));
    if (isMode(system)) rows.add(new RoundRows.Row(system, baseline, "p50_ms", r.p50Ms(), "ms"));
    rows.add(new RoundRows.Row(system, baseline, "p99_ms", r.p99Ms(), "ms"));
    if (isMode(system)) rows.add(new RoundRows.Row(system, baseline, "front_bytes_per_request", r.frontBytesPerRequest(), "B"));
    if (isPolicy(system)) rows.add(new RoundRows.Row(system, baseline, "cache_hit_ratio", r.cacheHitRatio(), "ratio"));
    return rows;
  }

  private static boolean isMode(String system) {
    for (ReplyMode m : ReplyMode.values()) if (m.word().equals(system)) return true;
    return false;
  }

  private static boolean isPolicy(String system) {
    for (Policy p : Policy.values()) if (p.word().equals(system)) return true;
    return false;
  }

  /** The medians as a table, each with its lowest and highest round, and the ratios the issue asks for. */
  static String table(List<RoundRows.Median> medians, int rounds) {
    StringBuilder t = new StringBuilder(String.format("medians of %d alternated round(s), [lowest .. highest round]%n", rounds));
    t.append(String.format("%-16s %-24s %14s  %s%n", "system", "metric", "median", "[low .. high]"));
    Map<String, Double> m = new LinkedHashMap<>();
    for (RoundRows.Median x : medians) {
      RoundRows.Row r = x.row();
      t.append(String.format("%-16s %-24s %14.3f  [%.3f .. %.3f]%n", r.system() + (r.baseline() ? "*" : ""), r.metric(), r.value(),
          x.min(), x.max()));
      m.put(r.system() + " " + r.metric(), r.value());
    }
    t.append("* the system the ratios below are taken against\n");
    ratio(t, m, "front bytes per request, relay / handoff", "relay front_bytes_per_request", "handoff front_bytes_per_request");
    ratio(t, m, "front bytes per request, relay / redirect", "relay front_bytes_per_request", "redirect front_bytes_per_request");
    ratio(t, m, "requests/s, handoff / relay", "handoff requests_per_s", "relay requests_per_s");
    ratio(t, m, "requests/s, redirect / relay", "redirect requests_per_s", "relay requests_per_s");
    ratio(t, m, "cache hit ratio, content-aware / round-robin", "content-aware cache_hit_ratio", "round-robin cache_hit_ratio");
    ratio(t, m, "cache hit ratio, least-loaded / round-robin", "least-loaded cache_hit_ratio", "round-robin cache_hit_ratio");
    ratio(t, m, "requests/s, content-aware / round-robin", "content-aware requests_per_s", "round-robin requests_per_s");
    ratio(t, m, "requests/s, 2 servers / 1", "servers-2 requests_per_s", "servers-1 requests_per_s");
    ratio(t, m, "requests/s, 3 servers / 1", "servers-3 requests_per_s", "servers-1 requests_per_s");
    return t.toString();
  }

  private static void ratio(StringBuilder t, Map<String, Double> m, String what, String a, String b) {
    Double x = m.get(a);
    Double y = m.get(b);
    if (x == null || y == null) return;
    t.append(y == 0 ? String.format("%s: %.3f / 0 (no ratio)%n", what, x) : String.format("%s: %.2fx%n", what, x / y));
  }
}
