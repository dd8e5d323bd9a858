package org.sidis.demo;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import org.sidis.check.TraceEvent;
import org.sidis.check.TraceReader;
import org.sidis.trace.Events;
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
    for (TraceEvent e : TraceReader.read(traceDir).events()) {
      String msg = e.msg() == null ? null : e.msg().toString();
      switch (e.event()) {
        case Events.Group.MULTICAST -> origin.put(msg, e.node());
        case Events.Group.RECEIVE -> {
          copies++;
          // "from" is the sending member, <node>~<incarnation>: the hop is between nodes.
          String from = org.sidis.multicast.GroupMember.nodeOf(e.extra() == null ? "" : JSON.readTree(e.extra()).path("from").asText());
          firstFrom.computeIfAbsent(msg, m -> new HashMap<>()).putIfAbsent(e.node(), from);
          perLink.merge(msg + " " + from + "->" + e.node(), 1, Integer::sum);
        }
        case Events.Group.RETRANSMIT -> retransmissions++;
        case Events.Group.DUPLICATE -> duplicates++;
        default -> { }
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
