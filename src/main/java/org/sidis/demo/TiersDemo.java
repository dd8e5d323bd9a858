package org.sidis.demo;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.HdrHistogram.Histogram;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.tiers.Documents;
import org.sidis.tiers.Policy;
import org.sidis.tiers.ReplyMode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The tiers demo: a server cluster in three tiers, each part its own JVM — n1 the data tier, n2
 * the front end and its HTTP front door, n3 … the application servers. The launcher is the
 * HTTP client, outside the cluster: it sends the same Zipf-distributed request mix in every
 * reply mode and every policy, with the servers' caches emptied before each, checks every
 * document against the one its key names, and prints a table. Passed when every request got
 * the right document.
 */
public final class TiersDemo extends Demo {

  private static final ObjectMapper JSON = new ObjectMapper();

  public TiersDemo() {
    super("tiers", "tiers (a three-tier server cluster — data tier, front end with an HTTP front door, --servers app servers —"
        + " in every reply mode (relay, handoff, redirect) and policy (round-robin, least-loaded, content-aware); --requests,"
        + " --reply-size, --json, --keep-running)");
  }

  /** The demo's settings: the run's copy of conf/tiers.conf under the command line's --set values. */
  public record Settings(int servers, int frontEnds, int requests, int concurrency, double zipf, boolean keepRunning, String json, int documents,
                  int documentSize) {
    public static Settings of(DemoRun run) {
      String sets = run.options().settings().entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
          .collect(Collectors.joining("\n"));
      Config c = ConfigFactory.parseString(sets).withFallback(ConfigFactory.parseFile(run.conf().toFile()))
          .withFallback(ConfigFactory.load()).resolve();
      Config d = c.getConfig("sidis.demo.tiers");
      Settings s = new Settings(d.getInt("servers"), d.getInt("front-ends"), d.getInt("requests"), d.getInt("concurrency"), d.getDouble("zipf"),
          d.getBoolean("keep-running"), d.getString("json"), c.getInt("sidis.tiers.documents"),
          (int) Math.min(Integer.MAX_VALUE, c.getBytes("sidis.tiers.document-size")));
      if (s.servers < 1 || s.servers > 16) throw new IllegalArgumentException("--servers " + s.servers + ": need 1 .. 16");
      if (s.frontEnds < 1 || s.frontEnds > 4) throw new IllegalArgumentException("--front-ends " + s.frontEnds + ": need 1 .. 4");
      if (s.requests < 1) throw new IllegalArgumentException("--requests " + s.requests + ": need at least 1");
      if (s.concurrency < 1) throw new IllegalArgumentException("sidis.demo.tiers.concurrency = " + s.concurrency + ": need at least 1");
      if (!(s.zipf >= 0)) throw new IllegalArgumentException("sidis.demo.tiers.zipf = " + s.zipf + ": need >= 0");
      return s;
    }
  }

  /** One line of the table: a reply mode and a policy over the same request mix. */
  public record Row(ReplyMode mode, Policy policy, long requests, long correct, double frontBytesPerRequest, double cacheHitRatio,
             double requestsPerS, double p50Ms, double p99Ms, List<String> wrong) {}

  @Override
  public Set<String> takes() {
    return Set.of("--servers", "--front-ends", "--requests", "--reply-size", "--json", "--keep-running");
  }

  @Override
  public String refuse(DemoOptions options) {
    return null;
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    Settings s;
    try {
      s = Settings.of(run);
    } catch (RuntimeException e) {
      out.println("error: " + e.getMessage());
      return 2;
    }
    out.printf("demo tiers: n1 data tier (%d documents of %d bytes), %s, n%d..n%d %d app servers;"
        + " %d requests per reply mode and policy — run directory %s%n", s.documents, s.documentSize, s.frontEnds == 1
        ? "n2 front end + HTTP front door" : "n2..n" + (s.frontEnds + 1) + " " + s.frontEnds + " front ends, each with its HTTP front door",
        s.frontEnds + 2, s.servers + s.frontEnds + 1, s.servers, s.requests, run.runDir());
    List<Row> rows = new ArrayList<>();
    String problem = null;
    try (TiersCluster cluster = TiersCluster.start(run, s.servers, s.frontEnds)) {
      problem = cluster.awaitReady();
      if (problem == null) {
        Client client = cluster.client();
        for (String door : cluster.fronts()) out.println("front door: " + door + "/");
        for (ReplyMode mode : ReplyMode.values()) {
          for (Policy policy : Policy.values()) {
            rows.add(client.measure(mode, policy, s, run.options().seed()));
            Row r = rows.get(rows.size() - 1);
            out.printf("  %s/%s: %d of %d correct%n", mode, policy, r.correct(), r.requests());
          }
        }
        if (s.keepRunning) awaitStdinClosed(out);
      }
      out.println("  stopping the nodes (SIGTERM)");
      cluster.close();
      for (String p : cluster.problems()) out.println("problem: " + p);
    } catch (IOException | InterruptedException e) {
      problem = "the HTTP client failed: " + e;
    }
    String table = table(rows);
    out.print(table);
    if (!s.json.isEmpty()) writeJson(Path.of(s.json), s, rows, out);
    boolean allCorrect = rows.size() == ReplyMode.values().length * Policy.values().length
        && rows.stream().allMatch(r -> r.correct() == r.requests());
    for (Row r : rows) if (!r.wrong().isEmpty()) out.println("wrong answers in " + r.mode() + "/" + r.policy() + ": " + r.wrong());
    if (problem != null) out.println("problem: " + problem);
    // The tiers checker judges the nodes' traces: every request answered once, with the document
    // a server served for it, and no request served where it was not routed (check/TiersCalls).
    Report report = Inspection.of(run.runDir());
    out.println();
    out.print(report.table());
    boolean traced = report.passed();
    return run.verdict(table + "\n" + report.table(), problem == null && allCorrect && traced, !allCorrect
        ? "not every request got the right document; logs in" : !traced ? "the trace checker found a violation; logs and traces in"
        : "every request got the right document, answered once (trace checked); logs and traces in");
  }

  static String table(List<Row> rows) {
    StringBuilder t = new StringBuilder(String.format("%-24s %8s %8s %14s %10s %9s %8s %8s%n", "mode/policy", "requests", "correct",
        "front B/req", "cache hit", "req/s", "p50 ms", "p99 ms"));
    for (Row r : rows) {
      t.append(String.format("%-24s %8d %8d %14.0f %10.3f %9.1f %8.2f %8.2f%n", r.mode() + "/" + r.policy(), r.requests(), r.correct(),
          r.frontBytesPerRequest(), r.cacheHitRatio(), r.requestsPerS(), r.p50Ms(), r.p99Ms()));
    }
    Row relay = find(rows, ReplyMode.RELAY, Policy.CONTENT_AWARE);
    Row handoff = find(rows, ReplyMode.HANDOFF, Policy.CONTENT_AWARE);
    if (relay != null && handoff != null) {
      t.append(String.format("reply bytes through the front end actor per request: relay %.0f, handoff %.0f%n",
          relay.frontBytesPerRequest(), handoff.frontBytesPerRequest()));
    }
    Row rr = find(rows, ReplyMode.RELAY, Policy.ROUND_ROBIN);
    if (relay != null && rr != null && rr.cacheHitRatio() > 0) {
      t.append(String.format("cache hit ratio, content-aware / round-robin (relay): %.2f / %.2f = %.2fx%n", relay.cacheHitRatio(),
          rr.cacheHitRatio(), relay.cacheHitRatio() / rr.cacheHitRatio()));
    }
    return t.toString();
  }

  private static Row find(List<Row> rows, ReplyMode m, Policy p) {
    return rows.stream().filter(r -> r.mode() == m && r.policy() == p).findFirst().orElse(null);
  }

  private static void writeJson(Path file, Settings s, List<Row> rows, PrintStream out) {
    ObjectNode root = JSON.createObjectNode().put("demo", "tiers");
    root.putObject("params").put("servers", s.servers).put("front_ends", s.frontEnds).put("requests", s.requests).put("concurrency", s.concurrency)
        .put("zipf", s.zipf).put("documents", s.documents).put("document_size", s.documentSize);
    ArrayNode a = root.putArray("rows");
    for (Row r : rows) {
      a.addObject().put("mode", r.mode().word()).put("policy", r.policy().word()).put("requests", r.requests())
          .put("correct", r.correct()).put("front_bytes_per_request", r.frontBytesPerRequest()).put("cache_hit_ratio", r.cacheHitRatio())
          .put("requests_per_s", r.requestsPerS()).put("p50_ms", r.p50Ms()).put("p99_ms", r.p99Ms());
    }
    try {
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      out.println("json: " + file);
    } catch (IOException e) {
      out.println("problem: cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The HTTP client outside the cluster: java.net.http, following the front door's redirects.
   * With several front doors it alternates between them request by request, as clients spread
   * by DNS round-robin would.
   */
  public static final class Client {
    private final List<String> fronts;
    private final String front;
    private final AtomicLong turn = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10)).build();

    public Client(String front) {
      this(List.of(front));
    }

    public Client(List<String> fronts) {
      this.fronts = List.copyOf(fronts);
      this.front = fronts.get(0);
    }

    /** The first front door's status (every server reports its cache counters to every front end). */
    public JsonNode status() throws IOException, InterruptedException {
      return status(front);
    }

    private JsonNode status(String door) throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(door + "/status")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IOException("GET /status answered " + r.statusCode() + ": " + r.body());
      return JSON.readTree(r.body());
    }

    /** Reply bytes through every front end actor so far. */
    private long replyBytes() throws IOException, InterruptedException {
      long sum = 0;
      for (String door : fronts) sum += status(door).path("replyBytesThroughFrontEnd").asLong();
      return sum;
    }

    /** Waits until every front end routes to exactly {@code n} servers. */
    public boolean awaitRoutable(int n, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          boolean all = true;
          for (String door : fronts) {
            int up = 0;
            for (JsonNode srv : status(door).path("servers")) if (srv.path("routable").asBoolean()) up++;
            all &= up == n;
          }
          if (all) return true;
        } catch (IOException e) {
          // not up yet
        }
        Thread.sleep(250);
      }
      return false;
    }

    public Row measure(ReplyMode mode, Policy policy, Settings s, long seed) throws IOException, InterruptedException {
      HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(URI.create(front + "/caches/clear"))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (cleared.statusCode() != 204) throw new IOException("POST /caches/clear answered " + cleared.statusCode() + ": " + cleared.body());
      Thread.sleep(300); // the servers' next load reports carry their counters after the clear
      JsonNode before = status();
      long bytesBefore = replyBytes();
      double[] cdf = zipf(s.documents, s.zipf);
      AtomicLong correct = new AtomicLong();
      List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
      Histogram latency = new Histogram(3);
      ExecutorService pool = Executors.newFixedThreadPool(s.concurrency);
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < s.concurrency; t++) {
        int share = s.requests / s.concurrency + (t < s.requests % s.concurrency ? 1 : 0);
        Random random = new Random(seed * 31 + t);
        done.add(pool.submit(() -> {
          Histogram mine = new Histogram(3);
          for (int i = 0; i < share; i++) {
            int key = draw(cdf, random);
            long t0 = System.nanoTime();
            try {
              String door = fronts.get((int) (turn.getAndIncrement() % fronts.size()));
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(door + "/doc/" + key + "?mode=" + mode.word()
                  + "&policy=" + policy.word())).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
              mine.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
              if (r.statusCode() == 200 && r.body().equals(Documents.content(key, s.documentSize))) correct.incrementAndGet();
              else if (wrong.size() < 5) wrong.add("key " + key + ": " + r.statusCode());
            } catch (IOException e) {
              if (wrong.size() < 5) wrong.add("key " + key + ": " + e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          synchronized (latency) {
            latency.add(mine);
          }
        }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          wrong.add(e.getCause().toString());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      Thread.sleep(300); // one more load report from every server
      JsonNode after = status();
      long hits = after.path("cacheHits").asLong() - before.path("cacheHits").asLong();
      long misses = after.path("cacheMisses").asLong() - before.path("cacheMisses").asLong();
      long bytes = replyBytes() - bytesBefore;
      return new Row(mode, policy, s.requests, correct.get(), (double) bytes / s.requests,
          hits + misses == 0 ? 0 : (double) hits / (hits + misses), s.requests / seconds,
          latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, List.copyOf(wrong));
    }
  }

  /** The cumulative distribution of Zipf(n, s) over ranks 1..n; rank r is key r − 1. */
  static double[] zipf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1 / Math.pow(k, s);
      cdf[k - 1] = sum;
    }
    for (int k = 0; k < n; k++) cdf[k] /= sum;
    return cdf;
  }

  static int draw(double[] cdf, Random random) {
    int i = java.util.Arrays.binarySearch(cdf, random.nextDouble());
    int key = i >= 0 ? i : -i - 1;
    return Math.min(key, cdf.length - 1);
  }

  private static void awaitStdinClosed(PrintStream out) {
    out.println("  keeping the cluster up (--keep-running): close stdin (Ctrl-D) or send SIGTERM to stop");
    try {
      byte[] sink = new byte[1024];
      while (System.in.read(sink) >= 0) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      out.println("  stdin failed (" + e.getMessage() + "): stopping");
    }
  }
}
