package org.sidis.bench;

import org.sidis.multicast.Order;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Another group-communication system measured beside sidis' multicast by {@code sidis bench
 * multicast --peers}, on the same terms: {@code nodes} member JVMs on loopback, every member
 * multicasting {@code size}-byte payloads to the group as fast as the system lets it, each member
 * counting deliveries of the other members' messages over the same warm-up and window as
 * {@link Measurement}. Peers are benchmark-only, like {@link RpcPeer}: Maven profile
 * {@code bench-peers}, source in {@code src/bench-peers/}, found through {@link ServiceLoader}.
 */
public interface MulticastPeer {

  /**
   * What a round asks of every system; {@code jvmOptions} are the member JVMs' options, as sidis' nodes get them.
   * {@code latency} null: throughput only; else a latency phase follows, as sidis' ({@code LatencyWindow}).
   */
  record Params(Order order, int nodes, int size, int warmupSeconds, int durationSeconds, List<String> jvmOptions,
                Latency latency) {}

  /** The latency phase: the fixed rate per member (0 = half the measured one, shared among the other senders) and the settle time. */
  record Latency(int rate, int settleSeconds) {}

  /**
   * What a round measured: the rate (deliveries/s) each member measured, by member name, and, with a
   * latency phase, each member's latency histogram as {@link Latencies#encode} wrote it.
   */
  record Result(Map<String, Long> rates, Map<String, String> histograms) {}

  /** The peer's configuration that gives {@code order}, e.g. {@code jgroups-fifo}, {@code jgroups-sequencer}. */
  String name(Order order);

  /** Starts the members in child JVMs, measures, stops them. */
  Result run(Params params) throws Exception;

  /**
   * The members that delivered none of the others' messages in their window, sorted: for sidis
   * and for every peer such a round measured a stall, not a rate, and fails naming them.
   */
  static List<String> silent(Map<String, Long> rates) {
    return rates.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).sorted().toList();
  }

  /** The peers on the class path (none in the default jar). */
  static List<MulticastPeer> available() {
    return ServiceLoader.load(MulticastPeer.class).stream().map(ServiceLoader.Provider::get).toList();
  }
}
