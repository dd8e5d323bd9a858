package org.sidis.node;

import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node's operations door (docs/deploy.md): with {@code sidis.node.management = on} Akka
 * Management answers /alive at once, /ready only once the node is Up in the cluster, and lists the
 * members read-only; off (the default), nothing listens; a port that is taken stops the node.
 */
class ManagementTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  private ActorSystem<?> system;

  @AfterEach
  void stop() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private ActorSystem<?> node(boolean management, int port) {
    Node.Options o = new Node.Options("n1", "127.0.0.1", 0, List.of(), null, dir.resolve("trace"),
        Map.of("sidis.node.management", management ? "on" : "off", "akka.management.http.port", Integer.toString(port)));
    system = Node.start(Node.config(o), List.of());
    return system;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> call(String method, int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Asks {@code path} until it answers {@code status}, for at most 30 s; fails saying what it last got. */
  private static HttpResponse<String> awaitStatus(int port, String path, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "nothing";
    while (true) {
      try {
        HttpResponse<String> r = call("GET", port, path);
        if (r.statusCode() == status) return r;
        last = r.statusCode() + " " + r.body();
      } catch (ConnectException e) {
        last = e.toString();
      }
      // A bounded wait, not a speed check: past the deadline the test gives up saying what it saw.
      if (System.nanoTime() >= deadline) fail(path + " never answered " + status + " within 30 s; last: " + last);
      Thread.sleep(200);
    }
  }

  @Test
  void aliveAtOnceReadyOnceUpAndTheMembersReadOnly() throws Exception {
    int port = freePort();
    ActorSystem<?> n1 = node(true, port);
    awaitStatus(port, "/alive", 200);
    // Not a member of any cluster yet (no seeds given, not joined): alive, not ready.
    HttpResponse<String> notReady = call("GET", port, "/ready");
    assertTrue(notReady.statusCode() >= 500, "a node that is not Up is not ready: " + notReady.statusCode() + " " + notReady.body());

    Cluster.get(n1).manager().tell(Join.create(Cluster.get(n1).selfMember().address()));
    awaitStatus(port, "/ready", 200);

    JsonNode members = new ObjectMapper().readTree(awaitStatus(port, "/cluster/members", 200).body());
    String self = Cluster.get(n1).selfMember().address().toString();
    assertEquals(self, members.path("selfNode").asText(), members.toString());
    assertEquals(1, members.path("members").size(), members.toString());
    JsonNode me = members.path("members").get(0);
    assertEquals("Up", me.path("status").asText(), members.toString());
    assertTrue(me.path("roles").toString().contains("sidis-node-n1"), "the node's name is its role: " + members);

    // Read-only: nobody can down or remove a member through it.
    int down = call("DELETE", port, "/cluster/members/" + self).statusCode();
    assertTrue(down >= 400, "DELETE /cluster/members/<self> must be refused, got " + down);
    assertEquals("Up", Cluster.get(n1).selfMember().status().toString());
  }

  @Test
  void offByDefaultNothingListens() throws Exception {
    int port = freePort();
    ActorSystem<?> n1 = node(false, port);
    Cluster.get(n1).manager().tell(Join.create(Cluster.get(n1).selfMember().address()));
    Thread.sleep(1_000); // give a wrongly started endpoint the time to bind
    assertThrows(ConnectException.class, () -> call("GET", port, "/alive"));
  }

  @Test
  void aPortThatIsTakenStopsTheNodeWithTheReason() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ActorSystem<?> n1 = node(true, taken.getLocalPort());
      // The node stops by itself (coordinated shutdown); the wait is bounded.
      n1.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
