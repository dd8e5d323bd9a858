package org.sidis.multicast;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.sidis.CborSerializable;
import org.sidis.clock.VectorClock;

/**
 * One multicast message as it travels: its origin, the origin's per-group sequence number,
 * the origin's vector clock at send time (causal groups only) and the application payload.
 * Its id {@code <origin>:<seq>} is the trace contract's message id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Data(String origin, long seq, VectorClock vc, String payload) implements CborSerializable {

  @JsonIgnore
  public String msgId() {
    return origin + ":" + seq;
  }

  /** Why this message cannot be accepted, or null when it is well formed. */
  String defect(Order order) {
    if (origin == null || origin.isBlank()) return "message without origin";
    if (seq < 1) return "message [" + msgId() + "] with sequence number below 1";
    if (payload == null) return "message [" + msgId() + "] without payload";
    if (order == Order.CAUSAL) {
      if (vc == null) return "causal message [" + msgId() + "] without vector clock";
      if (vc.get(origin) != seq) return "causal message [" + msgId() + "] whose clock " + vc + " does not count it at its origin";
    }
    return null;
  }
}
