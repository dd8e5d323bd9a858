package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.server.ServerSettings;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.RpcCalls;
import org.sidis.check.Verdict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stub traces call and return, a skeleton execute and reply, under one call id; the rpc
 * checker reads the node's trace file and finds every promise kept.
 */
class RpcTraceTest {

  @TempDir
  Path dir;

  @Test
  void aCallIsTracedAtBothEndsUnderOneIdAndTheCheckerPassesTheRun() throws Exception {
    ActorTestKit kit = ActorTestKit.create("rpc", ConfigFactory.parseMap(Map.of("akka.actor.provider", "local",
            "sidis.node.name", "n1", "sidis.trace.enabled", "on", "sidis.trace.dir", dir.toString()))
        .withFallback(ConfigFactory.load()));
    try {
      ServerSettings server = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
      RpcSettings rpc = RpcSettings.fromConfig(kit.system().settings().config().getConfig("sidis.rpc"));
      kit.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("only"), server, rpc), "calc");
      Calculator calc = RpcClient.create(kit.system()).stub(Calculator.class, "calc");
      assertEquals(5, calc.add(2, 3));
      assertThrows(RpcException.RemoteException.class, () -> calc.divide(1, 0));
      assertEquals(16, calc.slowSquare(4).toCompletableFuture().get());
      assertThrows(RpcException.DeadlineExceededException.class, () -> calc.sleepy(2000));
    } finally {
      kit.shutdownTestKit(); // writes the node's stop line and closes the trace
    }
    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String l : Files.readAllLines(dir.resolve("n1.jsonl"))) {
      JsonNode n = json.readTree(l);
      if (n.path("proto").asText().equals("rpc")) lines.add(n);
    }
    List<String> ofFirst = lines.stream().filter(n -> n.path("msg").asText().equals("n1:1"))
        .map(n -> n.path("event").asText() + (n.has("outcome") ? " " + n.path("outcome").asText() : "")).toList();
    assertEquals(List.of("call", "execute", "reply ok", "return ok"), ofFirst, "the trace of add: " + lines);
    List<String> ofDivide = lines.stream().filter(n -> n.path("msg").asText().equals("n1:2"))
        .map(n -> n.path("event").asText() + (n.has("outcome") ? " " + n.path("outcome").asText() : "")).toList();
    assertEquals(List.of("call", "execute", "reply error", "return error"), ofDivide, "the trace of divide: " + lines);
    assertTrue(lines.stream().anyMatch(n -> n.path("msg").asText().equals("n1:4") && n.path("outcome").asText().equals("timeout")),
        "sleepy's deadline passed: " + lines);

    Report report = Inspection.of(dir);
    assertTrue(report.passed(), report.table());
    Verdict once = report.verdict("calc", RpcCalls.RETURNED_ONCE);
    assertEquals(Verdict.Outcome.HELD, once.outcome(), report.table());
    assertEquals(4, once.messages(), report.table());
  }
}
