package org.sidis.node;

import org.sidis.fault.Supervision;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's guardian between probes: it starts the services configuration names from the ones
 * it is given, in order, and supervises each actor with the node's one policy — a service that
 * throws is restarted (and the restart traced), one that fails past its restarts stops the node.
 */
class NodeGuardianTest {

  /** What the test service's actor is told: fail, or say which incarnation answers. */
  sealed interface Command {}

  record Boom(String why) implements Command {}

  record Ping(ActorRef<Integer> replyTo) implements Command {}

  private final List<ActorSystem<?>> systems = new ArrayList<>();
  private final ActorTestKit probes = ActorTestKit.create("probes");

  @AfterEach
  void stop() {
    systems.forEach(s -> {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    });
    probes.shutdownTestKit();
  }

  /** A service whose actor tells {@code started} its ref at every (re)start, counting incarnations. */
  private static Service flaky(TestProbe<ActorRef<Command>> started, int[] incarnations) {
    return Service.of("flaky", List.of(), n -> List.of(Service.Spawn.of("flaky", Behaviors.<Command>setup(ctx -> {
      int me = ++incarnations[0];
      started.getRef().tell(ctx.getSelf());
      return Behaviors.receive(Command.class)
          .onMessage(Boom.class, b -> {
            throw new IllegalStateException(b.why());
          })
          .onMessage(Ping.class, p -> {
            p.replyTo().tell(me);
            return Behaviors.same();
          })
          .build();
    }))));
  }

  private ActorSystem<NodeGuardian.Command> node(String name, List<Service> known, List<String> services, Path traceDir, Map<String, Object> extra) {
    Map<String, Object> settings = new java.util.HashMap<>(Map.of("sidis.node.services", services,
        "sidis.node.supervision.min-backoff", "50ms", "sidis.node.supervision.max-backoff", "100ms"));
    settings.putAll(extra);
    Config config = TestClusters.tracedNodeConfig(name, traceDir, settings);
    ActorSystem<NodeGuardian.Command> system = Node.start(config, known);
    systems.add(system);
    return system;
  }

  @Test
  void aServiceThatThrowsIsRestartedAndItsRestartTraced(@TempDir Path dir) throws Exception {
    TestProbe<ActorRef<Command>> started = probes.createTestProbe();
    int[] incarnations = {0};
    ActorSystem<?> system = node("n1", List.of(flaky(started, incarnations)), List.of("flaky"), dir, Map.of());
    ActorRef<Command> first = started.receiveMessage(Duration.ofSeconds(20));
    first.tell(new Boom("injected failure 1"));
    ActorRef<Command> again = started.receiveMessage(Duration.ofSeconds(20));
    assertEquals(first, again, "a restarted actor keeps its address, so its clients need not learn a new one");
    TestProbe<Integer> answers = probes.createTestProbe();
    again.tell(new Ping(answers.getRef()));
    assertEquals(2, answers.receiveMessage(Duration.ofSeconds(10)), "the second incarnation answers");

    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    List<JsonNode> restarts = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(dir.resolve("n1.jsonl"))) {
      JsonNode e = json.readTree(line);
      if (Supervision.RESTART.equals(e.path("event").asText())) restarts.add(e);
    }
    assertEquals(1, restarts.size(), "one restart traced: " + restarts);
    assertEquals("/user/flaky", restarts.get(0).path("actor").asText());
    assertTrue(restarts.get(0).path("cause").asText().contains("injected failure 1"), restarts.get(0).toString());
  }

  @Test
  void aServiceFailingPastItsRestartsStopsTheNode(@TempDir Path dir) throws Exception {
    TestProbe<ActorRef<Command>> started = probes.createTestProbe();
    int[] incarnations = {0};
    ActorSystem<?> system = node("n1", List.of(flaky(started, incarnations)), List.of("flaky"), dir,
        Map.of("sidis.node.supervision.max-restarts", 2));
    for (int i = 1; i <= 3; i++) started.receiveMessage(Duration.ofSeconds(20)).tell(new Boom("failure " + i));
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(3, incarnations[0], "started once and restarted twice before the node gave up");
  }

  @Test
  void anUnknownServiceStopsTheNodeBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    TestProbe<ActorRef<Command>> started = probes.createTestProbe();
    ActorSystem<?> system = node("n1", List.of(flaky(started, new int[1])), List.of("flaky", "flakey"), dir, Map.of());
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    started.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void thePlanNamesAnUnknownServiceAndTheKnownOnes() {
    Service flaky = Service.of("flaky", List.of(), n -> List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeGuardian.plan(List.of(flaky), List.of("flakey")));
    assertEquals("unknown service [flakey] in sidis.node.services; known: flaky", e.getMessage());
  }

  @Test
  void thePlanRefusesAServiceBeforeWhatItNeeds() {
    Service flaky = Service.of("flaky", List.of(), n -> List.of());
    Service needy = Service.of("needy", List.of("flaky"), n -> List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeGuardian.plan(List.of(flaky, needy), List.of("needy", "flaky")));
    assertEquals("service [needy] needs service [flaky] before it in sidis.node.services", e.getMessage());
    assertEquals(List.of(flaky, needy), NodeGuardian.plan(List.of(flaky, needy), List.of("flaky", "needy")));
  }
}
