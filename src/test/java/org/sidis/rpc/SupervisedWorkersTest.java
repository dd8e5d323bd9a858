package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.fault.Supervision;
import org.sidis.server.ServerSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failure transparency by supervision: the concurrent server's workers crash on a fifth of the
 * requests they are handed (injected before the handler runs), their supervisor restarts them,
 * the dispatcher hands the request to a worker again — and the client sees every call answered,
 * idempotent or not, each executed exactly once.
 */
class SupervisedWorkersTest {

  @TempDir
  Path dir;

  private static int restarts(Path trace) throws Exception {
    ObjectMapper json = new ObjectMapper();
    int n = 0;
    for (String l : Files.readAllLines(trace)) {
      if (Supervision.RESTART.equals(json.readTree(l).path("event").asText())) n++;
    }
    return n;
  }

  private static Map<String, Integer> executions(Path trace) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> runs = new HashMap<>();
    for (String l : Files.readAllLines(trace)) {
      JsonNode e = json.readTree(l);
      if ("rpc".equals(e.path("proto").asText()) && "execute".equals(e.path("event").asText()))
        runs.merge(e.path("msg").asText(), 1, Integer::sum);
    }
    return runs;
  }

  @Test
  void workersThatCrashAreRestartedAndTheClientSeesNoError() throws Exception {
    ActorTestKit kit = ActorTestKit.create("rpc", ConfigFactory.parseMap(Map.of("akka.actor.provider", "local",
            "sidis.node.name", "n1", "sidis.trace.enabled", "on", "sidis.trace.dir", dir.toString(),
            "sidis.fault.inject.worker", 0.2))
        .withFallback(ConfigFactory.load()));
    int calls = 150;
    try {
      ServerSettings server = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
      RpcSettings rpc = RpcSettings.fromConfig(kit.system().settings().config().getConfig("sidis.rpc"));
      kit.spawn(Skeleton.create("calc", Calculator.class, new CalculatorService("only"), server, rpc), "calc");
      Calculator calc = RpcClient.create(kit.system()).stub(Calculator.class, "calc");
      for (int i = 0; i < calls; i++) {
        assertEquals(i + 1, calc.add(i, 1), "add is not idempotent, and still answered");
        assertEquals("e" + i, calc.echo("e" + i), "echo is idempotent");
      }
    } finally {
      kit.shutdownTestKit();
    }
    Path trace = dir.resolve("n1.jsonl");
    int restarted = restarts(trace);
    assertTrue(restarted > 0, "with 300 requests and a crash chance of 0.2, workers were restarted; the trace has none");
    Map<String, Integer> runs = executions(trace);
    assertEquals(2 * calls, runs.size(), "every call executed");
    assertTrue(runs.values().stream().allMatch(n -> n == 1), "every call executed exactly once: " + runs);
    Report report = Inspection.of(dir);
    assertTrue(report.passed(), report.table());
    System.out.println(restarted + " worker restarts over " + 2 * calls + " calls");
  }
}
