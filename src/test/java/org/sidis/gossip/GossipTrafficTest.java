package org.sidis.gossip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The trace measure the gossip ITs tell rumor mongering from flooding by, on hand-written traces. */
class GossipTrafficTest {

  @TempDir
  Path dir;

  private static String send(long ts, String node, String kind, String peer, int count) {
    return "{\"ts\":" + ts + ",\"node\":\"" + node + "\",\"proto\":\"gossip\",\"group\":\"kv\",\"event\":\"send\",\"peer\":\""
        + peer + "\",\"kind\":\"" + kind + "\",\"count\":" + count + "}";
  }

  private static String update(long ts, String node, int n) {
    return "{\"ts\":" + ts + ",\"node\":\"" + node + "\",\"proto\":\"gossip\",\"group\":\"kv\",\"event\":\"update\",\"msg\":\""
        + node + ":" + n + "\"}";
  }

  @Test
  void aRumorRoundReachesOnePeerAFloodRoundEveryNeighbourAndTheBackupIsNotCounted() throws Exception {
    // n1 mongers: one peer a round, rounds 200 ms apart, plus a backup exchange.
    Files.write(dir.resolve("n1.jsonl"), List.of(
        update(0, "n1", 1), update(10, "n1", 2),
        send(100_000, "n1", "rumor", "n2", 2),
        send(300_000, "n1", "rumor", "n3", 2),
        send(300_400, "n1", "syn", "n2", 5),
        send(500_000, "n1", "rumor", "n2", 1)));
    // n2 floods: three neighbours in one turn (µs apart), then two in the next round.
    Files.write(dir.resolve("n2.jsonl"), List.of(
        update(0, "n2", 1),
        send(100_000, "n2", "flood", "n1", 1), send(100_020, "n2", "flood", "n3", 1), send(100_040, "n2", "flood", "n4", 1),
        send(300_000, "n2", "flood", "n3", 2), send(300_010, "n2", "flood", "n4", 2),
        "{\"ts\":1,\"node\":\"n2\",\"proto\":\"queue\",\"event\":\"send\",\"kind\":\"flood\",\"peer\":\"x\",\"count\":9}",
        "a line cut by a kill {"));

    GossipTraffic t = GossipTraffic.of(dir);

    assertEquals(3, t.updates());
    assertEquals(8, t.pushes(), t.describe());
    assertEquals(5 + 7, t.copies(), t.describe());
    assertEquals(1, t.otherMessages(), "the anti-entropy backup is not a push: " + t.describe());
    assertEquals(1.0, t.peersPerRoundByNode().get("n1"), 1e-9, t.describe());
    assertEquals(2.5, t.peersPerRoundByNode().get("n2"), 1e-9, t.describe());
    assertEquals(5, t.rounds());
    assertEquals(8.0 / 5, t.peersPerRound(), 1e-9, "peers over all rounds of all nodes: " + t.describe());
  }

  @Test
  void aRunWithoutPushesHasNoRounds() throws Exception {
    Files.write(dir.resolve("n1.jsonl"), List.of(update(0, "n1", 1), send(5, "n1", "syn", "n2", 1)));
    GossipTraffic t = GossipTraffic.of(dir);
    assertEquals(0, t.rounds());
    assertEquals(0.0, t.peersPerRound());
  }
}
