package org.sidis.tiers;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sidis.node.TestClusters;
import org.sidis.server.ServerSettings;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The three tiers as ActorSystems in one JVM on loopback, for the tests that go through the real
 * HTTP door: front ends (each with its front door), application servers and the data tier, each
 * its own node of one cluster, with a java.net.http client that follows redirects.
 */
final class TiersTestCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, ActorTestKit> kits = new LinkedHashMap<>();
  private final List<String> frontEnds;
  private final List<String> servers;
  private final List<FrontDoor> doors = new ArrayList<>();
  private final Set<String> shutDown = new HashSet<>();

  private TiersTestCluster(List<String> frontEnds, List<String> servers) {
    this.frontEnds = frontEnds;
    this.servers = servers;
  }

  /** Starts node {@code data}, the {@code servers} and the {@code frontEnds} with settings {@code tiers}, and binds every front door. */
  static TiersTestCluster start(Map<String, Object> tiers, List<String> frontEnds, List<String> servers) throws Exception {
    TiersTestCluster c = new TiersTestCluster(frontEnds, servers);
    try {
      for (String name : frontEnds) c.kits.put(name, ActorTestKit.create("sidis", TestClusters.nodeConfig(name, tiers)));
      for (String name : servers) c.kits.put(name, ActorTestKit.create("sidis", TestClusters.nodeConfig(name, tiers)));
      c.kits.put("data", ActorTestKit.create("sidis", TestClusters.nodeConfig("data", tiers)));
      TestClusters.joinAndAwaitUp(List.copyOf(c.kits.values()));
      ActorTestKit first = c.kits.get(frontEnds.get(0));
      TiersSettings settings = TiersSettings.fromConfig(first.system().settings().config().getConfig("sidis.tiers"));
      ServerSettings server = ServerSettings.fromConfig(first.system().settings().config().getConfig("sidis.server"));
      c.kits.get("data").spawn(DataTier.create(settings.documents(), settings.documentSize(), settings.readCost()), "data-tier");
      for (String name : servers) c.kits.get(name).spawn(AppServer.create(name, settings, server), "app-server");
      for (String name : frontEnds) {
        ActorTestKit fe = c.kits.get(name);
        ActorRef<FrontEndCommand> frontEnd = fe.spawn(FrontEnd.create(name, settings), "front-end");
        c.doors.add(FrontDoor.bind(fe.system(), frontEnd, settings, name).toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  ActorTestKit kit(String name) {
    return kits.get(name);
  }

  /** The front doors' base addresses, in the order of the front ends. */
  List<String> fronts() {
    return doors.stream().map(FrontDoor::url).toList();
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status(String front) throws Exception {
    HttpResponse<String> r = get(front + "/status");
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** Waits until {@code front} routes to exactly {@code n} servers. */
  void awaitServers(String front, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int routable = -1;
    while (System.nanoTime() < deadline) {
      routable = 0;
      for (JsonNode s : status(front).get("servers")) if (s.get("routable").asBoolean()) routable++;
      if (routable == n) return;
      Thread.sleep(100);
    }
    fail(front + " saw " + routable + " routable servers, expected " + n);
  }

  /** Shuts node {@code name}'s ActorSystem down: it leaves the cluster. */
  void shutDown(String name) {
    ActorTestKit.shutdown(kits.get(name).system(), Duration.ofSeconds(60), true);
    shutDown.add(name);
  }

  @Override
  public void close() {
    for (FrontDoor door : doors) door.stop();
    List<ActorTestKit> order = new ArrayList<>();
    if (kits.containsKey("data")) order.add(kits.get("data"));
    List<String> rest = new ArrayList<>(frontEnds);
    rest.addAll(servers);
    java.util.Collections.reverse(rest);
    for (String name : rest) if (kits.containsKey(name) && !shutDown.contains(name)) order.add(kits.get(name));
    TestClusters.shutdownAll(order);
  }
}
