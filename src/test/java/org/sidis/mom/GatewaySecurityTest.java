package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.Command;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gateway's outside door (issue 18, "Done when"): the token, slow clients that cannot starve
 * it, the body limit, binary bodies, the long-poll and rate limits, and HTTPS — against a real
 * server bound on port 0 and the JDK's HTTP client.
 */
class GatewaySecurityTest {

  private static final String TOKEN = "test-token-0123456789";

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private Gateway gateway;
  private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String scheme = "http";
  private final List<Socket> sockets = new ArrayList<>();

  private void start(Gateway.Settings settings) {
    kit = org.sidis.node.TestKits.localN1("gateway-security", dir);
    ActorRef<Command> qm = kit.spawn(QueueManager.create(QueueSettings.defaults(), BrokerSettings.none(), "n1"), "queue-manager");
    gateway = Gateway.start(kit.system(), qm, settings, 1024, "n1");
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) s.close();
    if (gateway != null) gateway.stop();
    if (kit != null) kit.shutdownTestKit();
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + gateway.port() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = request(path, token);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertStatus(int expected, HttpResponse<?> r) {
    assertEquals(expected, r.statusCode(), () -> r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + " " + r.body());
  }

  @Test
  void everyCallNeedsTheToken() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN));
    HttpResponse<String> none = call("POST", "/queues/jobs", "x", null);
    assertStatus(401, none);
    assertEquals("Bearer realm=\"sidis\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
    assertStatus(403, call("POST", "/queues/jobs", "x", "guessed"));
    assertStatus(401, call("GET", "/elsewhere", null, null)); // the token comes before the path: nothing is told to a stranger
    assertStatus(201, call("POST", "/queues/jobs", "x", TOKEN));
    HttpResponse<String> got = call("GET", "/queues/jobs", null, TOKEN);
    assertStatus(200, got);
    assertEquals("x", got.body());
  }

  @Test
  void aNormalClientIsAnsweredWhile64SlowClientsHoldConnections() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN));
    // Issue 18's reproduction: each sends a request line and one header, then waits. On the old
    // gateway 40 of them held all 16 threads and a normal GET went unanswered.
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket("127.0.0.1", gateway.port());
      sockets.add(s);
      OutputStream out = s.getOutputStream();
      out.write(("GET /queues/jobs?timeout=0s HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    assertStatus(201, call("POST", "/queues/jobs", "normal", TOKEN));
    HttpResponse<String> got = call("GET", "/queues/jobs?timeout=1s", null, TOKEN);
    assertStatus(200, got);
    assertEquals("normal", got.body());
    // The slow clients were holding their connections the whole time: none was answered or closed.
    for (int i = 0; i < sockets.size(); i++) {
      Socket s = sockets.get(i);
      s.setSoTimeout(20);
      int read;
      try {
        read = s.getInputStream().read();
      } catch (SocketTimeoutException stillOpen) {
        continue;
      }
      fail("slow client " + i + " was not left waiting: read " + read + (read < 0 ? " (closed)" : ""));
    }
  }

  @Test
  void aClientThatNeverFinishesItsRequestIsClosedAfterTheIdleTimeout() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN).withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofSeconds(1)));
    Socket s = new Socket("127.0.0.1", gateway.port());
    sockets.add(s);
    s.getOutputStream().write("GET /queues/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    s.setSoTimeout(30_000); // the bound of this wait, not a claim about speed
    int read;
    try {
      InputStream in = s.getInputStream();
      while ((read = in.read()) >= 0) {
        // Akka HTTP may answer before closing (408); only the close matters here.
      }
    } catch (java.net.SocketException reset) {
      read = -1;
    } catch (SocketTimeoutException e) {
      fail("the half-sent request's connection was still open 30 s after a 1 s idle timeout");
    }
    assertStatus(201, call("POST", "/queues/jobs", "after", TOKEN));
  }

  @Test
  void aRequestTheQueueManagerDoesNotAnswerIsAnsweredAtTheRequestTimeout() throws Exception {
    kit = org.sidis.node.TestKits.localN1("gateway-security", dir);
    ActorRef<Command> silent = kit.spawn(akka.actor.typed.javadsl.Behaviors.ignore(), "silent-manager");
    gateway = Gateway.start(kit.system(), silent, Gateway.Settings.on(0).withToken(TOKEN)
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60)), 1024, "n1");
    assertStatus(503, call("POST", "/queues/jobs", "x", TOKEN));
    // A GET that waits gets its wait on top of the request timeout, then the same answer.
    assertStatus(503, call("GET", "/queues/jobs?timeout=1s", null, TOKEN));
  }

  @Test
  void anOversizedBodyIs413() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN));
    HttpResponse<String> big = call("POST", "/queues/jobs", "x".repeat(1025), TOKEN);
    assertStatus(413, big);
    assertTrue(big.body().contains("max-message-bytes"), big.body());
    assertStatus(201, call("POST", "/queues/jobs", "x".repeat(1024), TOKEN)); // the limit itself is allowed
    // A chunked body (no Content-Length) is cut at the limit as it streams in.
    HttpRequest chunked = request("/queues/jobs", TOKEN).POST(HttpRequest.BodyPublishers.ofInputStream(
        () -> new java.io.ByteArrayInputStream(new byte[64 * 1024]))).build();
    assertStatus(413, http.send(chunked, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aBinaryBodyComesBackByteForByte() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN));
    byte[] body = new byte[700]; // under the 1024-byte limit after base64 (4/3)
    new Random(18).nextBytes(body);
    body[0] = (byte) 0xFF; // never valid UTF-8
    HttpResponse<String> put = http.send(request("/queues/bin", TOKEN).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertStatus(201, put);
    HttpResponse<byte[]> got = http.send(request("/queues/bin?timeout=1s", TOKEN).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertArrayEquals(body, got.body(), "the body GET returned is not the one PUT sent");
    assertEquals("application/octet-stream", got.headers().firstValue("Content-Type").orElse(null));
  }

  @Test
  void longPollsPastTheLimitAre503WithRetryAfter() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN).withLimits(2, 500, 1000));
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      waiting.add(http.sendAsync(request("/queues/jobs?timeout=20s", TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (gateway.openLongPolls() < 2) {
      if (System.nanoTime() > deadline) fail("the two GETs never waited: " + gateway.openLongPolls() + " open");
      Thread.sleep(20);
    }
    HttpResponse<String> third = call("GET", "/queues/jobs?timeout=20s", null, TOKEN);
    assertStatus(503, third);
    assertEquals("1", third.headers().firstValue("Retry-After").orElse(null), third.headers().map().toString());
    assertStatus(204, call("GET", "/queues/jobs?timeout=0s", null, TOKEN)); // a GET that does not wait is no long-poll
    assertStatus(201, call("POST", "/queues/jobs", "one", TOKEN));
    assertStatus(201, call("POST", "/queues/jobs", "two", TOKEN));
    List<String> bodies = new ArrayList<>();
    for (var w : waiting) {
      HttpResponse<String> r = w.get(30, TimeUnit.SECONDS);
      assertStatus(200, r);
      bodies.add(r.body());
    }
    assertEquals(List.of("one", "two"), bodies.stream().sorted().toList());
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (gateway.openLongPolls() > 0) {
      if (System.nanoTime() > deadline) fail("the answered GETs still count as waiting: " + gateway.openLongPolls());
      Thread.sleep(20);
    }
    assertStatus(204, call("GET", "/queues/jobs?timeout=100ms", null, TOKEN)); // room again once they were answered
  }

  @Test
  void requestsPastTheRateAre429WithRetryAfter() throws Exception {
    start(Gateway.Settings.on(0).withToken(TOKEN).withLimits(256, 0.01, 3));
    for (int i = 0; i < 3; i++) assertStatus(204, call("GET", "/queues/jobs", null, TOKEN));
    HttpResponse<String> fourth = call("GET", "/queues/jobs", null, TOKEN);
    assertStatus(429, fourth);
    long retry = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 1, "Retry-After " + retry);
    assertStatus(401, call("GET", "/queues/jobs", null, null)); // a caller without the token is refused before the rate
  }

  @Test
  void httpsByConfiguration() throws Exception {
    Path keystore = dir.resolve("gateway.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, p.exitValue(), () -> "keytool failed: " + new String(readAll(p.getInputStream())));
    start(Gateway.Settings.on(0).withToken(TOKEN).withTls(new Gateway.Settings.Tls(keystore.toString(), "changeit", "PKCS12")));

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("gateway");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    scheme = "https";
    assertStatus(201, call("POST", "/queues/jobs", "over tls", TOKEN));
    assertEquals("over tls", call("GET", "/queues/jobs", null, TOKEN).body());
    assertStatus(401, call("GET", "/queues/jobs", null, null));
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      return e.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
