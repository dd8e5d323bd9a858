package org.sidis.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.trace.Events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What demo supervision strikes and how it judges the restarts, without starting a JVM (SupervisionIT does). */
class SupervisionDemoTest {

  @Test
  void aRunWithoutASequencerRestartIsNotPassed() {
    assertEquals(List.of("sequencer"), SupervisionDemo.notRestarted(Map.of("worker", 12, "queue-manager", 3)));
    assertEquals(List.of("sequencer"), SupervisionDemo.notRestarted(Map.of("worker", 12, "queue-manager", 3, "sequencer", 0)));
    assertEquals(List.of(), SupervisionDemo.notRestarted(Map.of("worker", 12, "queue-manager", 3, "sequencer", 2)));
    assertEquals(List.of("worker", "queue-manager", "sequencer"), SupervisionDemo.notRestarted(Map.of()));
  }

  @Test
  void aRestartedSequencerActorCountsAsASequencerRestart(@TempDir Path trace) throws IOException {
    Files.writeString(trace.resolve("n1.jsonl"), String.join("\n",
        line("/user/multicast-chat/sequencer-1", 1),
        line("/user/multicast-chat/sequencer-3", 2),
        line("/user/queues", 3),
        line("/user/rpc-echo/worker-7", 4)) + "\n");
    assertEquals(Map.of("sequencer", 2, "queues", 1, "worker", 1), SupervisionDemo.restarts(trace));
  }

  @Test
  void theDemoRunsATotalGroupWhoseSequencerIsStruck() {
    Config demo = ConfigFactory.parseFile(Path.of("conf/supervision.conf").toFile());
    assertTrue(demo.getDouble("sidis.fault.inject.sequencer") > 0, "the sequencer is never struck");
    Config group = demo.getConfigList("sidis.multicast.groups").get(0);
    assertEquals("total", group.getString("order"));
    // n1 has the lowest name, so its member leads the first epoch and runs the sequencer actor.
    assertTrue(SupervisionDemo.ROLES.get(0).contains("multicast"), SupervisionDemo.ROLES.toString());
    assertTrue(SupervisionDemo.ROLES.get(0).contains("chat"), "n1 multicasts while it is struck: " + SupervisionDemo.ROLES);
    assertEquals(2, SupervisionDemo.ROLES.stream().filter(r -> r.contains("multicast")).count(), SupervisionDemo.ROLES.toString());
    assertEquals(2, demo.getInt("sidis.demo.chat.nodes"));
  }

  private static String line(String actor, long lseq) {
    return "{\"ts\":1,\"node\":\"n1\",\"actor\":\"" + actor + "\",\"proto\":\"" + Events.Proto.NODE + "\",\"event\":\""
        + Events.Node.RESTART + "\",\"lseq\":" + lseq + ",\"cause\":\"x\"}";
  }
}
