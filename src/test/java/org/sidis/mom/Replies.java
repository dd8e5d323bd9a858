package org.sidis.mom;

import org.sidis.mom.QueueProtocol.Delivery;

/** Test helpers for replies that carry a random delivery token. */
final class Replies {

  private Replies() {}

  /** {@code r} with its delivery token blanked (null), so a test can compare it with an expected Delivery. */
  static Object untokened(Object r) {
    return r instanceof Delivery d ? new Delivery(d.queue(), d.msgId(), d.payload(), d.deliveries(), null) : r;
  }

  /** The Delivery a test expects, without a token (compare with {@link #untokened}). */
  static Delivery delivery(String queue, String msgId, String payload, int deliveries) {
    return new Delivery(queue, msgId, payload, deliveries, null);
  }
}
