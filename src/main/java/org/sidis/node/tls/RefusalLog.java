package org.sidis.node.tls;

import java.util.HashMap;
import java.util.Map;

/**
 * Which refusals to log: the first of each kind at once, then at most one per kind every
 * {@code quietNanos}, saying how many went unlogged in between. Artery retries a refused
 * connection about once a second, and a port scanner can knock far faster: one line per
 * attempt would bury the rest of the log, and the asynchronous appender blocks when full.
 */
final class RefusalLog {

  private final long quietNanos;
  private final Map<String, long[]> byKind = new HashMap<>();

  RefusalLog(long quietNanos) {
    this.quietNanos = quietNanos;
  }

  /**
   * Whether a refusal of {@code kind} at {@code nowNanos} is to be logged: -1 for no, else how
   * many of that kind were not logged since the last line.
   */
  synchronized long admit(String kind, long nowNanos) {
    long[] state = byKind.get(kind);
    if (state == null) {
      if (byKind.size() > 1000) byKind.clear();
      byKind.put(kind, new long[] {nowNanos, 0});
      return 0;
    }
    if (nowNanos - state[0] < quietNanos) {
      state[1]++;
      return -1;
    }
    long suppressed = state[1];
    state[0] = nowNanos;
    state[1] = 0;
    return suppressed;
  }
}
