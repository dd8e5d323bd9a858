package org.sidis.bench.peers;

import org.junit.jupiter.api.Test;
import org.sidis.bench.Latencies;
import org.sidis.bench.MulticastPeer;
import org.sidis.multicast.Order;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JGroups baseline of {@code bench multicast --peers} (profile {@code bench-peers} only): the
 * command finds it, and a short round of two member JVMs joins one group and delivers each
 * other's messages, in FIFO and in SEQUENCER total order.
 */
class JGroupsMulticastPeerTest {

  @Test
  void theBenchCommandFindsJGroupsAndItsMembersDeliverEachOthersMessages() throws Exception {
    List<MulticastPeer> peers = MulticastPeer.available();
    assertEquals(1, peers.size(), "peers found: " + peers);
    MulticastPeer jgroups = peers.get(0);
    assertEquals("jgroups-fifo", jgroups.name(Order.CAUSAL));
    assertEquals("jgroups-sequencer", jgroups.name(Order.TOTAL));
    for (Order order : List.of(Order.FIFO, Order.TOTAL)) {
      Map<String, Long> rates = jgroups.run(new MulticastPeer.Params(order, 2, 100, 1, 3, List.of("-Xmx256m"), null)).rates();
      assertEquals(List.of("n1", "n2"), List.copyOf(rates.keySet()), order + ": " + rates);
      assertTrue(rates.values().stream().allMatch(r -> r > 0), order + ": a member delivered nothing of the other's: " + rates);
    }
  }

  @Test
  void withALatencyPhaseEachMemberReportsAHistogramOfTheOthersStampedMessages() throws Exception {
    MulticastPeer jgroups = MulticastPeer.available().get(0);
    MulticastPeer.Result r = jgroups.run(new MulticastPeer.Params(Order.FIFO, 2, 100, 1, 2, List.of("-Xmx256m"),
        new MulticastPeer.Latency(200, 1)));
    assertEquals(List.of("n1", "n2"), List.copyOf(r.histograms().keySet()), r.toString());
    for (Map.Entry<String, String> e : r.histograms().entrySet()) {
      Latencies.Percentiles p = Latencies.percentiles(Latencies.decode(e.getValue()));
      // 200/s from the other member for 2 s: some hundreds stamped deliveries, each with a latency below a minute.
      assertTrue(p.count() > 50, e.getKey() + " recorded " + p);
      assertTrue(p.max() < 60_000_000, e.getKey() + ": " + p);
    }
  }
}
