package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What dissemination over the overlay cost, from the traces alone: copies on the wire per
 * message (every {@code receive}, duplicates included, retransmissions apart), hops (how deep
 * the first copies went from the origin), link stress (most copies of one message on any one
 * link) and duplicates suppressed.
 */
public record OverlayReport(int messages, long copies, long retransmissions, double meanHops, int maxHops,
                            int linkStress, long duplicates) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static OverlayReport of(Path traceDir) throws IOException {
    Map<String, Map<String, String>> firstFrom = new HashMap<>(); // msg -> node -> from
    Map<String, String> origin = new HashMap<>();
    Map<String, Integer> perLink = new HashMap<>();
    long copies = 0, retransmissions = 0, duplicates = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(traceDir, "*.jsonl")) {
      for (Path f : files) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          String line;
          while ((line = r.readLine()) != null) {
            JsonNode e;
            try {
              e = JSON.readTree(line);
            } catch (IOException broken) {
              continue;
            }
            String event = e.path("event").asText();
            String msg = e.path("msg").asText(null);
            String node = e.path("node").asText();
            switch (event) {
              case "multicast" -> origin.put(msg, node);
              case "receive" -> {
                copies++;
                String from = e.path("from").asText();
                firstFrom.computeIfAbsent(msg, m -> new HashMap<>()).putIfAbsent(node, from);
                perLink.merge(msg + " " + from + "->" + node, 1, Integer::sum);
              }
              case "retransmit" -> retransmissions++;
              case "duplicate" -> duplicates++;
              default -> { }
            }
          }
        }
      }
    }
    long hopsSum = 0, hopsCount = 0;
    int maxHops = 0;
    for (Map.Entry<String, Map<String, String>> m : firstFrom.entrySet()) {
      String root = origin.get(m.getKey());
      for (String node : m.getValue().keySet()) {
        int hops = 0;
        String at = node;
        while (at != null && !at.equals(root) && hops <= m.getValue().size()) {
          at = m.getValue().get(at);
          hops++;
        }
        hopsSum += hops;
        hopsCount++;
        maxHops = Math.max(maxHops, hops);
      }
    }
    int stress = perLink.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new OverlayReport(origin.size(), copies, retransmissions, hopsCount == 0 ? 0 : (double) hopsSum / hopsCount,
        maxHops, stress, duplicates);
  }

  public String describe(String topology) {
    return String.format("overlay %s: %d messages, %.2f copies on the wire per message (%d retransmitted), "
            + "hops per delivery mean %.2f max %d, link stress %d, duplicates suppressed %d",
        topology, messages, messages == 0 ? 0.0 : (double) (copies - retransmissions) / messages, retransmissions,
        meanHops, maxHops, linkStress, duplicates);
  }
}
