package org.sidis.bench;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Another RPC system measured beside sidis' stubs by {@code sidis bench rpc}, in the same run and
 * on the same terms: one call at a time, a {@code size}-byte request echoed back, the server in a
 * child JVM on loopback. Peers are benchmark-only: they live outside the runtime (Maven profile
 * {@code bench-peers}, source in {@code src/bench-peers/}) and are found through
 * {@link ServiceLoader}, so the default jar carries none and says how to get them.
 */
public interface RpcPeer {

  /** What a run asks of every system: request size, calls to warm up, calls measured. */
  record Params(int size, int warmupCalls, int calls) {}

  /** Round-trip percentiles of the measured calls, in microseconds. */
  record Result(String system, double p50Micros, double p99Micros, double p999Micros) {}

  /** The peer and its version, e.g. {@code grpc-java-1.85.1-unary}. */
  String name();

  /** Starts the peer's server in a child JVM, measures, stops it. */
  Result run(Params params) throws Exception;

  /** The peers on the class path (none in the default jar). */
  static List<RpcPeer> available() {
    return ServiceLoader.load(RpcPeer.class).stream().map(ServiceLoader.Provider::get).toList();
  }
}
