package org.sidis.bench.peers;

import org.junit.jupiter.api.Test;
import org.sidis.bench.QueuePeer;

import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Artemis baseline of {@code bench queue} (profile {@code bench-peers} only): it is found
 * the way the command finds it, and a short run of each mode moves real messages through a
 * durable queue and measures a confirmation latency.
 */
class ArtemisQueuePeerTest {

  @Test
  void theBenchCommandFindsArtemisAndBothModesMoveDurableMessages() throws Exception {
    List<QueuePeer> peers = ServiceLoader.load(QueuePeer.class).stream().map(ServiceLoader.Provider::get).toList();
    assertEquals(1, peers.size(), "peers found: " + peers);
    QueuePeer artemis = peers.get(0);
    assertTrue(artemis.name().startsWith("activemq-artemis-2."), artemis.name());
    List<QueuePeer.Result> results = artemis.run(new QueuePeer.Params(1024, 1, 2, 100, 2));
    assertEquals(List.of(artemis.name() + "-async", artemis.name() + "-blocking"),
        results.stream().map(QueuePeer.Result::system).toList());
    for (QueuePeer.Result r : results) {
      assertTrue(r.consumed() > 100 && r.rate() > 50, "too few messages consumed: " + r);
      assertTrue(r.putP50Micros() > 0 && r.putP99Micros() >= r.putP50Micros(), "no send confirmation latency: " + r);
    }
  }
}
