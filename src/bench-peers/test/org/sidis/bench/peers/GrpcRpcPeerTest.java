package org.sidis.bench.peers;

import org.junit.jupiter.api.Test;
import org.sidis.bench.RpcPeer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gRPC-Java baseline of {@code bench rpc} (profile {@code bench-peers} only): it is found the
 * way the command finds it, and a short run makes real unary calls to a server in a child JVM
 * (a reply of the wrong size would fail the run) and measures their round trips.
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
  }
}
