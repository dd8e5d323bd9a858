package org.sidis.tiers;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sidis.node.TestClusters;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;
import org.sidis.tiers.TiersProtocol.ServerCommand;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input at the front door, through a real HTTP client: each gets a clear status with a JSON
 * reason — never a hung connection, never a crash. The front end here has no application server
 * until the 504 test starts one that never answers.
 */
@org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES)
class FrontDoorBadInputTest {

  private static ActorTestKit kit;
  private static FrontDoor door;
  private static ActorRef<FrontEndCommand> frontEnd;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create("sidis", TestClusters.nodeConfig("door", Map.of(
        "sidis.tiers.front-port", 0, "sidis.tiers.documents", 1000, "sidis.tiers.request-timeout", "500ms",
        "sidis.tiers.max-body", "1KiB", "sidis.tiers.retry-after", "3s")));
    TestClusters.joinAndAwaitUp(List.of(kit));
    TiersSettings settings = TiersSettings.fromConfig(kit.system().settings().config().getConfig("sidis.tiers"));
    frontEnd = kit.spawn(FrontEnd.create("door", settings), "front-end");
    door = FrontDoor.bind(kit.system(), frontEnd, settings, "door").toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    door.stop();
    kit.shutdownTestKit();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return HTTP.send(HttpRequest.newBuilder(URI.create(door.url() + path)).timeout(Duration.ofSeconds(30)).method(method, p).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(int status, String reasonPart, HttpResponse<String> r) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"error\"") && r.body().contains(reasonPart), "reason should mention [" + reasonPart + "]: " + r.body());
  }

  @Test
  void aKeyThatIsNotANonNegativeIntegerIs400() throws Exception {
    assertRefused(400, "bad key [abc]", send("GET", "/doc/abc", null));
    assertRefused(400, "bad key [-1]", send("GET", "/doc/-1", null));
    assertRefused(400, "bad key [99999999999]", send("GET", "/doc/99999999999", null));
  }

  @Test
  void aBadModeOrPolicyIs400() throws Exception {
    assertRefused(400, "reply mode [tcp]", send("GET", "/doc/1?mode=tcp", null));
    assertRefused(400, "policy [random]", send("GET", "/doc/1?policy=random", null));
  }

  @Test
  void anUnknownPathOrAKeyBeyondTheDocumentsIs404() throws Exception {
    assertRefused(404, "no such path: /nowhere", send("GET", "/nowhere", null));
    assertRefused(404, "no such path: /doc", send("GET", "/doc", null));
    assertRefused(404, "no document 1000", send("GET", "/doc/1000", null));
  }

  @Test
  void aMethodThePathDoesNotTakeIs405WithAllow() throws Exception {
    HttpResponse<String> r = send("POST", "/doc/1", "x");
    assertRefused(405, "POST is not allowed", r);
    assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
    assertRefused(405, "DELETE is not allowed", send("DELETE", "/status", null));
  }

  @Test
  void aBodyBeyondMaxBodyIs413() throws Exception {
    assertRefused(413, "at most sidis.tiers.max-body", send("GET", "/doc/1", "x".repeat(4096)));
  }

  @Test
  void aRequestWhileNoServerIsUpIs503WithRetryAfter() throws Exception {
    HttpResponse<String> r = send("GET", "/doc/1?mode=relay&policy=round-robin", null);
    assertRefused(503, "no application server is Up", r);
    assertEquals("3", r.headers().firstValue("Retry-After").orElse("none"));
    assertRefused(503, "no application server is Up", send("GET", "/doc/1?mode=redirect", null));
  }

  @Test
  void malformedHttpIs400AndTheConnectionIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", door.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GARBAGE /doc/1 HTTP/9.9\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 4") || answer.startsWith("HTTP/1.1 5"), "the parser must answer an error: " + answer);
      assertFalse(answer.startsWith("HTTP/1.1 200"), answer);
    }
  }

  @Test
  void aRequestNoServerAnswersIs504() throws Exception {
    ActorRef<ServerCommand> silent = kit.spawn(Behaviors.ignore(), "silent-server");
    kit.system().receptionist().tell(Receptionist.register(TiersProtocol.SERVERS, silent));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      HttpResponse<String> r;
      do {
        frontEnd.tell(new TiersProtocol.LoadReport(silent, "http://127.0.0.1:1", 0, 0, 0));
        r = send("GET", "/doc/2?mode=handoff", null);
      } while (r.statusCode() == 503 && System.nanoTime() < deadline);
      assertRefused(504, "no application server answered within", r);
    } finally {
      kit.system().receptionist().tell(Receptionist.deregister(TiersProtocol.SERVERS, silent));
      kit.stop(silent);
    }
  }
}
