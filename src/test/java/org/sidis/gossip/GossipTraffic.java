package org.sidis.gossip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a gossip run sent, measured from its trace files alone (the {@code update} and
 * {@code send} lines of DESIGN.md's gossip contract), independently of the mode the nodes say
 * they run. Its one mode-telling figure is the fan-out of a push round: rumor mongering pushes
 * a node's hot updates to one random peer per round (Demers et al. 1987, §1.4), flooding
 * forwards what is new to every neighbour but the sender in the same round — so the mean
 * number of distinct peers one round's pushes went to is about 1 for rumor mongering and about
 * the overlay's degree for flooding. Messages and update copies per update are reported but
 * do not tell the modes apart reliably: both batch a round's updates into one message per
 * peer, and how often a rumor monger re-pushes a hot update depends on how long the update
 * stays hot, which a loaded machine stretches (measured in-JVM: 31 and 7.4 copies per update
 * for rumor mongering in two runs, 5.5 and 5.7 for flooding).
 *
 * <p>A round is read from the timestamps: a node's pushes less than {@link #ROUND_GAP_MICROS}
 * apart were sent in one turn of its actor (its rounds are 100 ms or more apart).
 */
public record GossipTraffic(int updates, long pushes, long copies, long otherMessages, int rounds,
                            double peersPerRound, Map<String, Double> peersPerRoundByNode) {

  static final long ROUND_GAP_MICROS = 5_000;
  /** The kinds that push updates unasked: a rumor, a flood. The anti-entropy exchange (syn, ack, ack2, recheck) is the backup. */
  private static final Set<String> PUSHES = Set.of("rumor", "flood");
  private static final ObjectMapper JSON = new ObjectMapper();

  public static GossipTraffic of(Path traceDir) {
    int updates = 0;
    long pushes = 0, copies = 0, other = 0;
    int rounds = 0;
    long peersInRounds = 0;
    Map<String, Double> byNode = new TreeMap<>();
    try (Stream<Path> files = Files.list(traceDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        List<Long> times = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) continue;
          JsonNode e;
          try {
            e = JSON.readTree(line);
          } catch (IOException broken) {
            continue; // a line cut by a kill; the checkers report it
          }
          if (!"gossip".equals(e.path("proto").asText())) continue;
          String event = e.path("event").asText();
          if (event.equals("update")) updates++;
          if (!event.equals("send")) continue;
          if (PUSHES.contains(e.path("kind").asText())) {
            pushes++;
            copies += e.path("count").asLong();
            times.add(e.path("ts").asLong());
            peers.add(e.path("peer").asText());
          } else {
            other++;
          }
        }
        int nodeRounds = 0;
        long nodePeers = 0;
        Set<String> round = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (int i = 0; i < times.size(); i++) {
          long ts = times.get(i);
          if (i > 0 && ts - last > ROUND_GAP_MICROS) {
            nodeRounds++;
            nodePeers += round.size();
            round.clear();
          }
          round.add(peers.get(i));
          last = ts;
        }
        if (!round.isEmpty()) {
          nodeRounds++;
          nodePeers += round.size();
        }
        if (nodeRounds > 0) byNode.put(f.getFileName().toString().replace(".jsonl", ""), (double) nodePeers / nodeRounds);
        rounds += nodeRounds;
        peersInRounds += nodePeers;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GossipTraffic(updates, pushes, copies, other, rounds, rounds == 0 ? 0 : (double) peersInRounds / rounds, byNode);
  }

  /** Update copies pushed (rumor or flood) per update written. */
  public double copiesPerUpdate() {
    return updates == 0 ? 0 : (double) copies / updates;
  }

  public String describe() {
    return String.format("%d updates: %d push messages (%.2f per update) carrying %d update copies (%.2f per update), "
            + "%d anti-entropy messages; %d push rounds reaching %.2f peers each on average %s",
        updates, pushes, updates == 0 ? 0 : (double) pushes / updates, copies, updates == 0 ? 0 : (double) copies / updates,
        otherMessages, rounds, peersPerRound, peersPerRoundByNode);
  }
}
