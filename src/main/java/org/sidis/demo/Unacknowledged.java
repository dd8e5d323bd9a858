package org.sidis.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A producer's requests not yet acknowledged, each with when it was last sent, in the order
 * they were first sent. The producer sends them all again at once to a new incarnation of the
 * service (the old one may have died between storing one and answering), and each one again
 * to the same incarnation once {@code retry-after} has passed; the service takes a retry with
 * the same id as the same request. Counts the retries for the progress lines.
 */
final class Unacknowledged<K> {

  private final LinkedHashMap<K, Long> sentAt = new LinkedHashMap<>();
  private long retries;

  /** Records {@code id} as sent now; the caller sends it. */
  void sent(K id) {
    sentAt.put(id, System.currentTimeMillis());
  }

  /** Forgets {@code id}; false if it was not waiting (a late answer to a retry). */
  boolean answered(K id) {
    return sentAt.remove(id) != null;
  }

  int size() {
    return sentAt.size();
  }

  long retries() {
    return retries;
  }

  /** Sends every waiting request again, as to a new incarnation. */
  void resendAll(Consumer<K> send) {
    resend(Long.MIN_VALUE, send);
  }

  /** Sends again each waiting request last sent {@code retryAfter} ago or longer. */
  void resendOlderThan(Duration retryAfter, Consumer<K> send) {
    resend(retryAfter.toMillis(), send);
  }

  private void resend(long afterMs, Consumer<K> send) {
    long t = System.currentTimeMillis();
    for (Map.Entry<K, Long> e : sentAt.entrySet()) {
      if (t - e.getValue() >= afterMs) {
        send.accept(e.getKey());
        e.setValue(t);
        retries++;
      }
    }
  }
}
