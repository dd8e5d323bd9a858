package org.sidis.bench.peers;

import org.junit.jupiter.api.Test;
import org.sidis.bench.ConcurrentCallers;
import org.sidis.bench.RpcPeer;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gRPC-Java baseline of {@code bench rpc} (profile {@code bench-peers} only): it is found the
 * way the command finds it, and a short run makes real unary calls to a server in a child JVM
 * (a reply of the wrong size would fail the run) and measures their round trips, one at a time
 * and from four threads on one channel.
 */
class GrpcRpcPeerTest {

  @Test
  void theBenchCommandFindsGrpcAndItsCallsCrossToAChildJvm() throws Exception {
    List<RpcPeer> peers = RpcPeer.available();
    assertEquals(1, peers.size(), "peers found: " + peers);
    RpcPeer grpc = peers.get(0);
    assertTrue(grpc.name().startsWith("grpc-java-1."), grpc.name());
    RpcPeer.Result r = grpc.run(new RpcPeer.Params(100, 200, 500));
    assertEquals(grpc.name(), r.system());
    assertTrue(r.p50Micros() > 0 && r.p99Micros() >= r.p50Micros() && r.p999Micros() >= r.p99Micros(), "percentiles: " + r);
    assertEquals(List.of(), r.callers(), "no caller curve unless asked");
  }

  @Test
  void fourCallersShareOneChannelAndEveryCallIsTimed() throws Exception {
    RpcPeer grpc = RpcPeer.available().get(0);
    RpcPeer.Result r = grpc.run(new RpcPeer.Params(100, 100, 100, List.of(4), Duration.ofMillis(200), Duration.ofMillis(500)));
    assertEquals(1, r.callers().size(), r.toString());
    ConcurrentCallers.Point four = r.callers().get(0);
    assertEquals(4, four.callers());
    assertTrue(four.callsPerSecond() > 0 && four.calls() > 0, "calls measured: " + four);
    assertTrue(four.p50Micros() > 0 && four.p99Micros() >= four.p50Micros(), "percentiles: " + four);
  }
}
