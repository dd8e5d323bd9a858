package org.sidis.gossip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.Verdict;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.trace.TraceSink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded runs of gossip cores in one JVM, in rounds: small, so the suite stays fast. */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // simulations of up to 200 nodes
class SimulationTest {

  private static NetworkModel network(double loss, double duplicate, long seed) {
    return new NetworkModel(new NetworkModel.Link(0, 0, loss, duplicate), Map.of(), Partitions.none(), new Random(seed));
  }

  /** Rounds until every node took account of n1:1 (or -1), and the round reports. */
  private static List<Simulation.Round> spread(Simulation sim, int maxRounds) {
    sim.write("n1", "k", "v");
    List<Simulation.Round> rounds = new ArrayList<>();
    while (sim.round() < maxRounds) {
      Simulation.Round r = sim.runRound("n1:1");
      rounds.add(r);
      if (r.informed() == sim.names().size()) break;
    }
    return rounds;
  }

  private static int roundsToAll(Mode mode, int n, long seed, double loss, double dup) {
    try (Simulation sim = new Simulation(n, GossipSettings.defaults("kv", mode), network(loss, dup, seed), seed)) {
      List<Simulation.Round> rounds = spread(sim, 100);
      Simulation.Round last = rounds.get(rounds.size() - 1);
      return last.informed() == n ? last.round() : -1;
    }
  }

  private static double log(double x, double base) {
    return Math.log(x) / Math.log(base);
  }

  @Test
  void antiEntropyReachesEveryNodeWithinTheTheorysRoundsAndALittleMore() {
    int n = 128;
    for (long seed = 1; seed <= 3; seed++) {
      int push = roundsToAll(Mode.PUSH, n, seed, 0, 0);
      int pull = roundsToAll(Mode.PULL, n, seed, 0, 0);
      int pushPull = roundsToAll(Mode.PUSH_PULL, n, seed, 0, 0);
      String seen = "seed " + seed + ": push " + push + ", pull " + pull + ", push-pull " + pushPull;
      assertTrue(push > 0 && push <= log(n, 2) + Math.log(n) + 6, seen);
      assertTrue(pull > 0 && pull <= log(n, 2) + Math.log(Math.log(n)) + 6, seen);
      assertTrue(pushPull > 0 && pushPull <= log(n, 3) + Math.log(Math.log(n)) + 4, seen);
      assertTrue(pushPull <= push, "push-pull is never slower than push here: " + seen);
    }
  }

  /** A run of 64 rumor mongers on a lossy, duplicating network: its rounds, then what each node sent and holds. */
  private static List<Object> rumorRun(long seed) {
    try (Simulation sim = new Simulation(64, GossipSettings.defaults("kv", Mode.RUMOR), network(0.1, 0.05, seed), seed)) {
      sim.write("n1", "k", "v");
      List<Object> run = new ArrayList<>();
      for (int r = 0; r < 15; r++) run.add(sim.runRound("n1:1"));
      for (String m : sim.names()) run.add(m + " sent " + sim.state(m).sent() + ", holds " + sim.state(m).values());
      return run;
    }
  }

  @Test
  void oneSeedGivesOneRunAndAnotherSeedAnother() {
    List<Object> first = rumorRun(7);
    assertEquals(first, rumorRun(7), "the same seed, another run");
    // Negative control: were the runs not drawn from the seed at all, both would pass alike.
    List<Object> other = rumorRun(8);
    assertFalse(first.equals(other), "seeds 7 and 8 gave the same run: " + first);
  }

  /**
   * The simulation and a cluster's actor run one core: the same script — concurrent writes of
   * one key, a delete — played through the simulation and through four {@link GossipNode}
   * actors (MANUAL clocking, messages handled as they arrive) ends in the same store everywhere:
   * the same values, digest and fingerprint, the last writer winning by the core's rule.
   */
  @Test
  void theSimulationAndGossipNodeActorsEndInTheSameStoreForOneScript(@TempDir Path dir) {
    GossipSettings s = GossipSettings.defaults("kv", Mode.PUSH_PULL);
    int n = 4;
    long seed = 11;
    GossipNode.State simulated;
    String before;
    try (Simulation sim = new Simulation(n, s, network(0, 0, seed), seed)) {
      script(sim::write, sim::delete);
      before = sim.state("n1").fingerprint();
      Set<String> fingerprints;
      do {
        sim.runRound(null);
        fingerprints = sim.names().stream().map(m -> sim.state(m).fingerprint()).collect(Collectors.toSet());
      } while ((fingerprints.size() > 1 || sim.state("n1").digest().size() < n) && sim.round() < 30);
      assertEquals(1, fingerprints.size(), "the simulation converged within 30 rounds");
      simulated = sim.state("n1");
    }
    assertEquals(Map.of("a", "3", "b", "2"), simulated.values(), "1@n3 beats 1@n1 for a; c deleted at 2@n4");
    assertFalse(before.equals(simulated.fingerprint()), "negative control: a store before gossip has another fingerprint");

    akka.actor.testkit.typed.javadsl.ActorTestKit kit = org.sidis.node.TestKits.localN1("gossip", dir);
    try {
      Map<String, akka.actor.typed.ActorRef<GossipNode.Command>> refs = new java.util.LinkedHashMap<>();
      for (int i = 1; i <= n; i++)
        refs.put("n" + i, kit.spawn(GossipNode.createInProcess("n" + i, s, NetworkModel.PERFECT, GossipNode.Clocking.MANUAL,
            seed * 1_000_003L + i), "gossip-n" + i));
      refs.values().forEach(r -> r.tell(new GossipNode.ViewChanged(Map.copyOf(refs))));
      script((node, k, v) -> refs.get(node).tell(new GossipNode.Write(k, v)), (node, k) -> refs.get(node).tell(new GossipNode.Delete(k)));
      akka.actor.testkit.typed.javadsl.TestProbe<GossipNode.State> reply = kit.createTestProbe();
      List<GossipNode.State> states = List.of();
      for (int round = 0; round < 30; round++) {
        refs.values().forEach(r -> r.tell(GossipNode.RunRound.INSTANCE));
        // The exchange runs in the actors' own time: look a few times before the next round.
        for (int look = 0; look < 5; look++) {
          states = new ArrayList<>();
          for (var r : refs.values()) {
            r.tell(new GossipNode.GetState(reply.getRef()));
            states.add(reply.receiveMessage(Duration.ofSeconds(5)));
          }
          if (states.stream().allMatch(st -> st.fingerprint().equals(simulated.fingerprint()))) break;
          sleep(20);
        }
        if (states.stream().allMatch(st -> st.fingerprint().equals(simulated.fingerprint()))) break;
      }
      for (GossipNode.State st : states) {
        assertEquals(simulated.values(), st.values(), st.node());
        assertEquals(simulated.digest(), st.digest(), st.node());
        assertEquals(simulated.fingerprint(), st.fingerprint(), st.node() + " ends as the simulated n1");
      }
    } finally {
      kit.shutdownTestKit();
    }
  }

  private interface Writes { void write(String node, String key, String value); }

  private interface Deletes { void delete(String node, String key); }

  private static void script(Writes write, Deletes delete) {
    write.write("n1", "a", "1");
    write.write("n2", "b", "2");
    write.write("n3", "a", "3");
    write.write("n4", "c", "4");
    delete.delete("n4", "c");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void pushPullStillReachesEveryoneWhenAFifthOfTheMessagesIsLostAndSomeArriveTwice() {
    int rounds = roundsToAll(Mode.PUSH_PULL, 128, 3, 0.2, 0.1);
    assertTrue(rounds > 0 && rounds <= 2 * (log(128, 3) + Math.log(Math.log(128)) + 4), "rounds: " + rounds);
  }

  @Test
  void rumorMongeringDiesOutLeavingAResidueThatBackupAntiEntropyReaches() {
    GossipSettings rumor = GossipSettings.defaults("kv", Mode.RUMOR); // feedback, coin, p_stop 0.5: s ≈ 0.06
    double residue = 0;
    for (long seed = 1; seed <= 4; seed++) {
      try (Simulation sim = new Simulation(200, rumor, network(0, 0, seed), seed)) {
        sim.write("n1", "k", "v");
        Simulation.Round r;
        do r = sim.runRound("n1:1"); while (r.hot() > 0 && sim.round() < 100);
        assertEquals(0, r.hot(), "every node lost interest");
        residue += 1.0 - r.informed() / 200.0;
        assertTrue(sim.updateMessages() < 200 * 6, "traffic stays a few messages per node: " + sim.updateMessages());
      }
    }
    residue /= 4;
    assertTrue(residue > 0 && residue < 0.2, "mean residue " + residue + ", theory 0.06");

    GossipSettings withBackup = rumor.withIntervals(Duration.ofMillis(200), Duration.ofMillis(400));
    try (Simulation sim = new Simulation(200, withBackup, network(0, 0, 1), 1)) {
      sim.write("n1", "k", "v");
      Simulation.Round r;
      do r = sim.runRound("n1:1"); while (r.informed() < 200 && sim.round() < 60);
      assertEquals(200, r.informed(), "anti-entropy as a backup leaves no residue");
    }
  }

  @Test
  void floodingReachesEveryNodeOfTheOverlayInAboutItsDiameterAndSendsAboutDegreeMessagesPerNode() {
    GossipSettings flood = GossipSettings.defaults("kv", Mode.FLOOD); // random overlay, degree 4
    try (Simulation sim = new Simulation(200, flood, network(0, 0, 1), 1)) {
      List<Simulation.Round> rounds = spread(sim, 50);
      assertEquals(200, rounds.get(rounds.size() - 1).informed());
      assertTrue(rounds.size() <= 10, "rounds: " + rounds.size());
      // let the last forwards land; bounded, so a flood that never ends fails instead of looping
      int quiet = 0;
      while (sim.runRound("n1:1").messages() > 0 && ++quiet < 100) { }
      assertTrue(quiet < 100, "still forwarding after 100 more rounds: " + sim.messages() + " messages");
      double perNode = sim.messages() / 200.0;
      assertTrue(perNode >= 2.5 && perNode <= 4.0, "messages per node: " + perNode);
    }
  }

  @Test
  void aNodeCutOffPastTheRetentionTimeRejoinsAndTheDeletedKeyStaysDeleted(@TempDir Path traceDir) throws Exception {
    int n = 20;
    // A round is 200 ms: certificates live 10 rounds, dormant ones 500.
    GossipSettings s = GossipSettings.defaults("kv", Mode.PUSH_PULL)
        .withCertificates(new GossipSettings.Certificates(Duration.ofSeconds(2), Duration.ofSeconds(100), 2, Duration.ofMillis(200)));
    try (TraceSink traced = TraceSink.open(traceDir.resolve("sim.jsonl"));
         Simulation sim = new Simulation(n, s, network(0, 0, 5), 5, traced)) {
      List<String> members = sim.names();
      List<String> keepers = Keepers.of("k", members, 2);
      String away = members.stream().filter(m -> !keepers.contains(m) && !m.equals("n1")).reduce((a, b) -> b).orElseThrow();

      sim.write("n1", "k", "v");
      for (int i = 0; i < 15; i++) sim.runRound(null);
      for (String m : members) assertEquals("v", sim.state(m).values().get("k"), m);

      sim.partitions().isolate(Set.of(away));
      sim.delete("n1", "k");
      for (int i = 0; i < 40; i++) sim.runRound(null); // the delete spreads, and its certificates expire
      int dormant = 0;
      for (String m : members) {
        GossipNode.State st = sim.state(m);
        if (m.equals(away)) {
          assertEquals("v", st.values().get("k"), "cut off, " + away + " never heard of the delete");
          continue;
        }
        assertNull(st.values().get("k"), m);
        assertEquals(0, st.certificates(), m + " dropped the certificate after retention");
        dormant += st.dormant();
      }
      assertEquals(2, dormant, "two keepers " + keepers + " keep it dormant");

      sim.partitions().heal();
      for (int i = 0; i < 40; i++) sim.runRound(null);
      Set<String> fingerprints = new TreeSet<>();
      for (String m : members) {
        GossipNode.State st = sim.state(m);
        assertFalse(st.values().containsKey("k"), m + " has the deleted key back: " + st.values());
        fingerprints.add(st.fingerprint());
      }
      assertEquals(1, fingerprints.size(), "every replica ends with the same store");

      // Tombstone memory stays bounded: the woken certificate expired again and sleeps at the keepers only.
      for (int i = 0; i < 20; i++) sim.runRound(null);
      int active = 0;
      dormant = 0;
      for (String m : members) {
        active += sim.state(m).certificates();
        dormant += sim.state(m).dormant();
      }
      assertEquals(0, active);
      assertEquals(2, dormant, members.stream().map(m -> m + "=" + sim.state(m).dormant()).collect(Collectors.joining(" ")));

      // The trace tells the same story to the checkers: one store, no deleted key back anywhere.
      sim.finish();
      Report report = Inspection.of(traceDir);
      assertEquals(Verdict.Outcome.HELD, report.verdict("kv", "convergence").outcome(), report.table());
      assertEquals(Verdict.Outcome.HELD, report.verdict("kv", "no resurrection").outcome(), report.table());
      assertEquals(20, report.verdict("kv", "no resurrection").nodesHeld(), report.table());
      assertTrue(java.nio.file.Files.readString(traceDir.resolve("sim.jsonl")).contains("\"event\":\"reactivate\""),
          "a keeper woke its certificate");
    }
  }
}
