package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.Command;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP gateway, driven by the JDK's own HTTP client as a program outside the cluster would. */
class GatewayTest {

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private void start(QueueSettings queues) {
    kit = org.sidis.node.TestKits.localN1("gateway", dir);
    BrokerRules rules = BrokerRules.fromConfig(ConfigFactory.parseString("""
        b.rules = [
          { name = eu, match = { field = region, equals = eu }, to = "queue:orders-eu", transform.rename { id = orderId } }
          { name = news, match = { field = kind, equals = news }, to = "topic:news" }
        ]"""), "b");
    ActorRef<Command> qm = kit.spawn(QueueManager.create(queues, BrokerSettings.none().withRules(rules), "n1"), "queue-manager");
    gateway = Gateway.start(kit.system(), qm, Gateway.Settings.on(0), 1024, "n1");
  }

  @AfterEach
  void stop() {
    if (gateway != null) gateway.stop();
    if (kit != null) kit.shutdownTestKit();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).timeout(Duration.ofSeconds(20));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return BrokerRules.JSON.readTree(r.body());
  }

  private static void assertStatus(int expected, HttpResponse<String> r) {
    assertEquals(expected, r.statusCode(), () -> r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + " " + r.body());
  }

  @Test
  void anOutsideProgramPutsGetsAndAcksOverHttp() throws Exception {
    start(QueueSettings.defaults());
    HttpResponse<String> put = call("POST", "/queues/jobs", "hello");
    assertStatus(201, put);
    String id = json(put).get("msgId").asText();
    assertTrue(id.startsWith("gw-n1-") && id.endsWith(":1"), id);
    HttpResponse<String> given = call("POST", "/queues/jobs?id=client:7", "second");
    assertEquals("client:7", json(given).get("msgId").asText());

    // Issue 17/18: before anyone GETs it, a client who guesses the id cannot ack (delete) it.
    assertStatus(400, call("POST", "/queues/jobs/ack/" + id, null));
    assertStatus(409, call("POST", "/queues/jobs/ack/" + id, "{\"token\": \"1.guessed\"}"));

    HttpResponse<String> get = call("GET", "/queues/jobs?timeout=1s", null);
    assertStatus(200, get);
    assertEquals("hello", get.body(), "the message is still there after the guessed acks");
    assertEquals(id, get.headers().firstValue("Sidis-Message-Id").orElseThrow());
    assertEquals("1", get.headers().firstValue("Sidis-Deliveries").orElseThrow());
    String token = get.headers().firstValue("Sidis-Delivery-Token").orElseThrow();
    String ackBody = BrokerRules.JSON.createObjectNode().put("token", token).toString();
    HttpResponse<String> ack = call("POST", "/queues/jobs/ack/" + id, ackBody);
    assertStatus(200, ack);
    assertEquals(token, json(ack).get("token").asText(), "the ack names the delivery it answered");
    HttpResponse<String> again = call("POST", "/queues/jobs/ack/" + id, ackBody);
    assertStatus(409, again);
    assertTrue(json(again).get("error").asText().startsWith("not in flight"));

    assertEquals("second", call("GET", "/queues/jobs", null).body());
    long t0 = System.nanoTime();
    assertStatus(204, call("GET", "/queues/jobs?timeout=300ms", null));
    assertTrue(System.nanoTime() - t0 >= 250_000_000L, "GET waited for its timeout before answering 204");
  }

  @Test
  void aGetThatWaitsIsAnsweredByALaterPut() throws Exception {
    start(QueueSettings.defaults());
    var waiting = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/queues/jobs?timeout=10s"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    assertFalse(waiting.isDone());
    assertStatus(201, call("POST", "/queues/jobs", "late"));
    assertEquals("late", waiting.get().body());
  }

  @Test
  void topicsDurableSubscriptionsAndTheBrokerOverHttp() throws Exception {
    start(QueueSettings.defaults());
    HttpResponse<String> sub = call("PUT", "/topics/news/subscriptions/audit", null);
    assertStatus(200, sub);
    assertEquals("news@audit", json(sub).get("queue").asText());
    HttpResponse<String> pub = call("POST", "/topics/news", "{\"kind\":\"news\",\"n\":1}");
    assertStatus(201, pub);
    assertEquals("audit", json(pub).get("subscriptions").get(0).asText());

    HttpResponse<String> routed = call("POST", "/broker", "{\"region\":\"eu\",\"id\":42}");
    assertStatus(201, routed);
    assertEquals("queue:orders-eu", json(routed).get("to").asText());
    assertEquals("eu", json(routed).get("rule").asText());
    assertEquals(BrokerRules.JSON.readTree("{\"region\":\"eu\",\"orderId\":42}"),
        BrokerRules.JSON.readTree(call("GET", "/queues/orders-eu", null).body()));
    HttpResponse<String> toTopic = call("POST", "/broker", "{\"kind\":\"news\",\"n\":2}");
    assertEquals("topic:news", json(toTopic).get("to").asText());
    assertEquals(List.of("{\"kind\":\"news\",\"n\":1}", "{\"kind\":\"news\",\"n\":2}"),
        List.of(call("GET", "/queues/news@audit", null).body(), call("GET", "/queues/news@audit", null).body()));
  }

  @Test
  void badRequestsGetClearErrors() throws Exception {
    start(QueueSettings.defaults().withCreateOnDemand(false).withQueue("jobs", QueueSettings.Durability.TRANSIENT));
    HttpResponse<String> missing = call("POST", "/queues/nope", "x");
    assertStatus(404, missing);
    assertEquals("no queue [nope] on this node (sidis.mom.create-on-demand = off)", json(missing).get("error").asText());
    assertStatus(404, call("POST", "/topics/nope", "x"));
    HttpResponse<String> big = call("POST", "/queues/jobs", "x".repeat(3 * 1024 * 1024));
    assertStatus(413, big);
    assertTrue(json(big).get("error").asText().contains("max-message-bytes"));
    assertStatus(400, call("GET", "/queues/jobs?timeout=soon", null));
    assertStatus(400, call("GET", "/queues/jobs?timeout=5m", null));
    assertStatus(400, call("POST", "/queues/jobs?id=no-counter", "x"));
    assertStatus(404, call("GET", "/elsewhere", null));
    assertStatus(405, call("DELETE", "/queues/jobs", null));
    assertStatus(405, call("GET", "/broker", null));
    HttpResponse<String> notJson = call("POST", "/broker", "plain");
    assertStatus(422, notJson);
    assertTrue(json(notJson).get("error").asText().startsWith("payload is not JSON"));
    HttpResponse<String> unmatched = call("POST", "/broker", "{\"region\":\"us\"}");
    assertStatus(422, unmatched);
    assertEquals("application/json", unmatched.headers().firstValue("Content-Type").orElseThrow());
  }
}
