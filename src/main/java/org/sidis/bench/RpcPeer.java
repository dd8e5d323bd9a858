package org.sidis.bench;

import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Another RPC system measured beside sidis' stubs by {@code sidis bench rpc}, in the same run and
 * on the same terms: one call at a time, a {@code size}-byte request echoed back, the server in a
 * child JVM on loopback; with {@code --callers}, also N client threads calling at once
 * ({@link ConcurrentCallers}, the same driver sidis' stub is measured with). Peers are
 * benchmark-only: they live outside the runtime (Maven profile {@code bench-peers}, source in
 * {@code src/bench-peers/}) and are found through {@link ServiceLoader}, so the default jar
 * carries none and says how to get them.
 */
public interface RpcPeer {

  /**
   * What a run asks of every system: request size, calls to warm up, calls measured one at a
   * time, and the caller counts of the curve (none: no curve), each warmed up for
   * {@code callersWarmup} and measured for {@code callersWindow}.
   */
  record Params(int size, int warmupCalls, int calls, List<Integer> callers, Duration callersWarmup, Duration callersWindow) {
    public Params {
      callers = List.copyOf(callers);
    }

    /** One call at a time only, no caller curve. */
    public Params(int size, int warmupCalls, int calls) {
      this(size, warmupCalls, calls, List.of(), Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** Round-trip percentiles of the calls measured one at a time, in microseconds, and the caller curve's points. */
  record Result(String system, double p50Micros, double p99Micros, double p999Micros, List<ConcurrentCallers.Point> callers) {
    public Result {
      callers = List.copyOf(callers);
    }

    public Result(String system, double p50Micros, double p99Micros, double p999Micros) {
      this(system, p50Micros, p99Micros, p999Micros, List.of());
    }
  }

  /** The peer and its version, e.g. {@code grpc-java-1.85.1-unary}. */
  String name();

  /** Starts the peer's server in a child JVM, measures, stops it. */
  Result run(Params params) throws Exception;

  /** The peers on the class path (none in the default jar). */
  static List<RpcPeer> available() {
    return ServiceLoader.load(RpcPeer.class).stream().map(ServiceLoader.Provider::get).toList();
  }
}
