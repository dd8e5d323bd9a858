package org.sidis.demo;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code sidis demo broker}: content-based routing and message transformation across three JVMs,
 * plus a program outside the cluster on the HTTP gateway. n1 runs the queue manager with the
 * broker's rules (conf/broker.conf) and the gateway; n2 sends messages through the broker
 * ({@link BrokerWorkload}); n3 consumes every destination and checks formats and per-customer
 * order; the launcher itself PUTs, sends and GETs over HTTP. Passed when the queue and topic
 * checkers hold after a final drain, every message arrived in its destination's format and
 * order, and exactly the messages that are not JSON were refused.
 */
public final class BrokerDemo extends Demo {

  public BrokerDemo() {
    super("broker", "broker (content routing and transformation to queues and a topic; an outside program on the HTTP gateway)");
  }

  /** What the launcher did over HTTP, and what went wrong there. */
  static final class HttpRun {
    int routed;
    int refusedAsExpected;
    int put;
    int gotAndAcked;
    final List<String> problems = new ArrayList<>();
  }

  @Override
  public Set<String> takes() {
    return Set.of("--keep-running");
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    Duration limit = run.limit();
    int messages = run.options().messages();
    Map<String, String> settings = run.options().settings();
    out.printf("demo broker: n1 queue manager + broker + HTTP gateway, n2 sends %d messages through the broker, n3 consumes"
        + " every destination — run directory %s%n", messages, runDir);
    boolean completed = false;
    Launcher.NodeState producer;
    Launcher.NodeState consumer;
    HttpRun http = new HttpRun();
    boolean keepRunning = keepRunning(settings);
    Path tokenFile = runDir.resolve("gateway.token");
    String token;
    try {
      token = writeToken(tokenFile);
    } catch (IOException e) {
      out.println("problem: cannot write the gateway's token to " + tokenFile + ": " + e);
      return 1;
    }
    try (Launcher launcher = run.launcher()) {
      String[] services = {"queues", "broker-producer", "broker-consumer"};
      // The gateway listens on n1's own address, which is how the launcher reaches it on netns
      // hosts too; every call carries the token of the run's token file (issue 18). Beyond
      // loopback the gateway refuses to listen without TLS, so the run makes it a key.
      String host = launcher.address("n1");
      List<String> gateway = new ArrayList<>(List.of("--set", "sidis.mom.gateway.host=\"" + host + "\"",
          "--set", "sidis.mom.gateway.token-file=" + TextNode.valueOf(tokenFile.toAbsolutePath().toString())));
      GatewayTls tls = null;
      if (!loopback(host)) {
        try {
          tls = GatewayTls.make(runDir, host);
        } catch (IOException e) {
          out.println("problem: cannot make the gateway's TLS key for " + host + ": " + e.getMessage());
          return 1;
        }
        gateway.addAll(List.of("--set", "sidis.mom.gateway.tls.keystore=" + TextNode.valueOf(tls.keystore().toString()),
            "--set", "sidis.mom.gateway.tls.keystore-password=" + TextNode.valueOf(tls.password())));
      }
      run.startNodes(launcher, 3, i -> {
        List<String> args = new ArrayList<>(List.of("--set", "sidis.node.services=[" + services[i] + "]",
            "--set", "sidis.demo.broker.messages=" + messages));
        if (i == 0) args.addAll(gateway);
        return args;
      });
      producer = launcher.nodes().get("n2");
      consumer = launcher.nodes().get("n3");
      boolean up = launcher.awaitAll(s -> !s.name.equals("n1") ? s.started : !launcher.reports("gateway").isEmpty(),
          DemoRun.STARTUP, () -> "producer " + (producer.started ? "started" : "waiting") + " · consumers "
              + (consumer.started ? "started" : "waiting") + " · gateway " + (launcher.reports("gateway").isEmpty() ? "waiting" : "up"));
      if (up) {
        int port = launcher.reports("gateway").get(0).path("port").asInt();
        // The line a user's HTTP client starts from (docs/mom.md): the address and where the token is.
        String base = (tls == null ? "http" : "https") + "://" + host + ":" + port;
        out.println("gateway: " + base + "/ token-file: " + tokenFile.toAbsolutePath() + (tls == null ? "" : " ca: " + tls.certificate()));
        out.println("  the launcher, a program outside the cluster, uses the gateway at " + base + "/");
        outsideProgram(base, tls == null ? null : tls.sslContext(), token, http, out);
        completed = launcher.awaitAll(s -> producer.done && consumer.delivered >= producer.delivered + http.routed, limit,
            () -> "sent " + producer.multicast + "/" + messages + " · routed " + producer.delivered + " (+" + http.routed
                + " over HTTP) · consumed " + consumer.delivered);
        // A final drain: anything still arriving (a redelivery) lands before the nodes stop.
        Threads.sleep(1500);
        if (keepRunning) awaitStdinClosed(out, runDir);
      }
      out.println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    Report report = Inspection.of(runDir);
    StringBuilder summary = new StringBuilder();
    JsonNode done = producer.last;
    JsonNode seen = consumer.last;
    summary.append(String.format("producer: sent %d, routed %d %s, refused %s (every %s-th is not JSON), wrongly refused or routed %s,"
            + " timed out %s%n", producer.multicast, producer.delivered, done == null ? "" : done.path("by_destination").asText(),
        done == null ? "?" : done.path("rejected").asText(), settings.getOrDefault("sidis.demo.broker.bad-every", "25"),
        done == null ? "?" : done.path("wrong_rejections").asText(), done == null ? "?" : done.path("timed_out").asText()));
    summary.append(String.format("consumers: acknowledged %d %s, malformed %s, out of per-customer order %s%n", consumer.delivered,
        seen == null ? "" : seen.path("by_queue").asText(), seen == null ? "?" : seen.path("malformed").asText(),
        seen == null ? "?" : seen.path("order_violations").asText()));
    summary.append(String.format("gateway (HTTP): sent through the broker %d, refused as expected %d, PUT %d, GET+ACK %d%s%n",
        http.routed, http.refusedAsExpected, http.put, http.gotAndAcked, http.problems.isEmpty() ? "" : ", problems " + http.problems));
    summary.append(checkerLines(report));
    boolean passed = completed && report.passed()
        && done != null && done.path("wrong_rejections").asLong(-1) == 0 && done.path("timed_out").asLong(-1) == 0
        && seen != null && seen.path("malformed").asLong(-1) == 0 && seen.path("order_violations").asLong(-1) == 0
        && http.problems.isEmpty() && report.verdicts().stream().anyMatch(v -> v.group().equals("orders-eu"));
    return finish(run, report, summary.toString(), passed);
  }

  /** The queue and topic verdicts with their counts (attempted, acknowledged, dequeued, lost, ...). */
  static String checkerLines(Report report) {
    StringBuilder s = new StringBuilder();
    for (Verdict v : report.verdicts()) {
      if (!v.proto().equals("queue") && !v.proto().equals("topic")) continue;
      s.append('[').append(v.proto()).append(' ').append(v.group()).append("] ").append(v.headline()).append('\n');
      v.details().forEach(d -> s.append("  ").append(d).append('\n'));
    }
    return s.toString();
  }

  static int finish(DemoRun run, Report report, String summary, boolean passed) {
    run.out().println();
    run.out().print(report.table());
    run.out().print(summary);
    return ChatDemo.judged(run, report, summary, passed);
  }

  /**
   * The outside program: sends orders through the broker (every tenth not JSON: 422), PUTs to
   * queue http-in and GETs and ACKs each message back, and tries an oversized PUT (413) and an ack
   * of a message it does not hold (409).
   */
  static void outsideProgram(String base, javax.net.ssl.SSLContext ssl, String bearer, HttpRun run, PrintStream out) {
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (ssl != null) client.sslContext(ssl);
    HttpClient http = client.build();
    Auth auth = b -> b.header("Authorization", "Bearer " + bearer);
    Random rnd = new Random(99);
    Map<String, Integer> seqs = new HashMap<>();
    try {
      for (int i = 1; i <= 100; i++) {
        String body = BrokerWorkload.message(rnd, i, seqs, 10);
        HttpResponse<String> r = post(http, auth, base + "/broker", body);
        if (r.statusCode() == 201) run.routed++;
        else if (r.statusCode() == 422 && i % 10 == 0) run.refusedAsExpected++;
        else run.problems.add("POST /broker #" + i + " answered " + r.statusCode() + " " + r.body());
      }
      for (int i = 1; i <= 50; i++) {
        HttpResponse<String> r = post(http, auth, base + "/queues/http-in", "outside message " + i);
        if (r.statusCode() == 201) run.put++;
        else run.problems.add("POST /queues/http-in answered " + r.statusCode() + " " + r.body());
      }
      while (true) {
        HttpResponse<String> g = http.send(auth.sign(HttpRequest.newBuilder(URI.create(base + "/queues/http-in?timeout=1s"))
                .timeout(Duration.ofSeconds(30))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (g.statusCode() == 204) break;
        if (g.statusCode() != 200) {
          run.problems.add("GET /queues/http-in answered " + g.statusCode() + " " + g.body());
          break;
        }
        String id = g.headers().firstValue("Sidis-Message-Id").orElse("?");
        String token = g.headers().firstValue("Sidis-Delivery-Token").orElse("?");
        HttpResponse<String> a = post(http, auth, base + "/queues/http-in/ack/" + id, tokenBody(token));
        if (a.statusCode() == 200) run.gotAndAcked++;
        else run.problems.add("ack of " + id + " answered " + a.statusCode() + " " + a.body());
      }
      if (run.gotAndAcked != run.put) run.problems.add("PUT " + run.put + " over HTTP but got back " + run.gotAndAcked);
      HttpResponse<String> big = post(http, auth, base + "/queues/http-in", "x".repeat(300 * 1024));
      out.println("  HTTP: an oversized PUT answered " + big.statusCode() + " " + big.body());
      if (big.statusCode() != 413) run.problems.add("oversized PUT answered " + big.statusCode());
      HttpResponse<String> stray = post(http, auth, base + "/queues/http-in/ack/nobody:1", tokenBody("1.guessed"));
      out.println("  HTTP: an ack of a message not held answered " + stray.statusCode() + " " + stray.body());
      if (stray.statusCode() != 409) run.problems.add("stray ack answered " + stray.statusCode());
      HttpResponse<String> notJson = post(http, auth, base + "/broker", "plain text");
      out.println("  HTTP: a message that is not JSON, sent to the broker, answered " + notJson.statusCode() + " " + notJson.body());
      HttpResponse<String> stranger = post(http, b -> b, base + "/queues/http-in", "no token");
      out.println("  HTTP: a PUT without the token answered " + stranger.statusCode() + " " + stranger.body());
      if (stranger.statusCode() != 401) run.problems.add("PUT without the token answered " + stranger.statusCode());
    } catch (IOException e) {
      run.problems.add("HTTP: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.problems.add("interrupted");
    }
  }

  /** Adds the outside program's credentials to a request. */
  interface Auth {
    HttpRequest.Builder sign(HttpRequest.Builder b);
  }

  private static HttpResponse<String> post(HttpClient http, Auth auth, String url, String body) throws IOException, InterruptedException {
    return http.send(auth.sign(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static boolean loopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * The gateway's TLS key for a run whose n1 is not on loopback (netns hosts): a self-signed
   * certificate for n1's address, made by the JDK's keytool (no hand-rolled crypto), in the run
   * directory as a PKCS12 keystore for the gateway and as PEM for clients ({@code curl --cacert}).
   */
  record GatewayTls(Path keystore, String password, Path certificate) {
    static GatewayTls make(Path runDir, String host) throws IOException {
      Path keystore = runDir.resolve("gateway.p12").toAbsolutePath();
      Path pem = runDir.resolve("gateway-ca.pem").toAbsolutePath();
      byte[] secret = new byte[18];
      new SecureRandom().nextBytes(secret);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      keytool(List.of(keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + host,
          "-ext", "SAN=ip:" + host, "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(),
          "-storepass", password, "-keypass", password));
      keytool(List.of(keytool, "-exportcert", "-rfc", "-alias", "gateway", "-keystore", keystore.toString(), "-storepass", password,
          "-file", pem.toString()));
      return new GatewayTls(keystore, password, pem);
    }

    private static void keytool(List<String> cmd) throws IOException {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try {
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("keytool did not finish in 60 s");
        }
        if (p.exitValue() != 0) throw new IOException("keytool exited " + p.exitValue() + ": " + said.strip());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted", e);
      }
    }

    /** A client context that trusts this certificate only. */
    javax.net.ssl.SSLContext sslContext() {
      try (java.io.InputStream in = Files.newInputStream(certificate)) {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot trust the gateway's certificate " + certificate + ": " + e, e);
      }
    }
  }

  /** {@code --keep-running} (sidis.demo.broker.keep-running, set by the flag). */
  static boolean keepRunning(Map<String, String> settings) {
    String v = settings.get("sidis.demo.broker.keep-running");
    return v != null && ConfigFactory.parseString("k = " + v).getBoolean("k");
  }

  /**
   * A fresh bearer token for this run's gateway (24 random bytes, URL-safe base64), written to
   * {@code file} readable by its owner only where the file system knows POSIX permissions.
   */
  static String writeToken(Path file) throws IOException {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.createDirectories(file.getParent());
    Files.writeString(file, token + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Left with the directory's default permissions.
    }
    return token;
  }

  /**
   * {@code --keep-running}: the cluster and its gateway stay up for any HTTP client until stdin
   * closes (end of input: Ctrl-D, or the parent closing the pipe). SIGTERM needs nothing here:
   * the launcher's shutdown hook stops the nodes.
   */
  private static void awaitStdinClosed(PrintStream out, Path runDir) {
    out.println("  keeping the cluster up (--keep-running): close stdin (Ctrl-D) or send SIGTERM to stop");
    // On SIGTERM the JVM ends without a verdict: say where the traces are to judge them later.
    Thread sigterm = new Thread(() -> out.println("  SIGTERM: stopping the nodes; judge the run with: sidis inspect " + runDir),
        "sidis-keep-running");
    Runtime.getRuntime().addShutdownHook(sigterm);
    try {
      byte[] sink = new byte[1024];
      while (System.in.read(sink) >= 0) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      out.println("  stdin failed (" + e.getMessage() + "): stopping");
    }
    try {
      Runtime.getRuntime().removeShutdownHook(sigterm);
    } catch (IllegalStateException shuttingDown) {
      // SIGTERM came as stdin closed: the hook runs.
    }
  }

  /** The body of an HTTP ack: the delivery token its GET handed out (Gateway). */
  private static String tokenBody(String token) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("token", token).toString();
  }
}
