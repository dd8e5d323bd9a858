package org.sidis.bench;

import java.util.List;

/**
 * A message broker measured beside sidis' queues by {@code sidis bench queue}, in the same run
 * and on the same terms (payload size, PUTs outstanding, consumers, warm-up, window). Peers are
 * benchmark-only: they live outside the runtime (Maven profile {@code bench-peers}, source in
 * {@code src/bench-peers/}) and are found through {@link java.util.ServiceLoader}, so the default
 * jar carries none and says how to get them.
 */
public interface QueuePeer {

  /** What a run asks of every system. */
  record Params(int size, int warmupSeconds, int durationSeconds, int window, int consumers) {}

  /**
   * One measured mode: consumer-acknowledged messages per second over the window, and the
   * time from a send until the broker confirmed it stored the message (p50, p99, µs).
   */
  record Result(String system, String mode, double rate, long consumed, double putP50Micros, double putP99Micros) {}

  /** The peer and its version, e.g. {@code activemq-artemis-2.31.2}. */
  String name();

  /** Runs every mode of the peer (each on a fresh store), one result per mode. */
  List<Result> run(Params params) throws Exception;
}
