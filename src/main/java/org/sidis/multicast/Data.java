package org.sidis.multicast;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.sidis.wire.CborSerializable;
import org.sidis.clock.VectorClock;

/**
 * One multicast message as it travels: its origin, the origin's per-group sequence number,
 * the origin's vector clock at send time (causal groups only) and the application payload.
 * Its id {@code <origin>:<seq>} is the trace contract's message id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Data(
    // One-letter names on the wire: a bundle repeats them for every message it carries.
    @JsonProperty("o") String origin,
    @JsonProperty("s") long seq,
    @JsonProperty("c") VectorClock vc,
    @JsonProperty("p") String payload) implements CborSerializable {

  @JsonIgnore
  public String msgId() {
    return origin + ":" + seq;
  }

  /**
   * An upper bound of this message's size on the wire: the payload's exact UTF-8 length plus
   * room for the other fields. Bundles are cut by it so that none outgrows Artery's frame.
   */
  @JsonIgnore
  public int wireSize() {
    return utf8Length(payload) + origin.length() + 16 + (vc == null ? 0 : vc.size() * 16);
  }

  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) n += ch >= 0x800 && !Character.isSurrogate(ch) ? 2 : 1;
    }
    return n;
  }

  /** Why this message cannot be accepted in any group, or null when it is well formed (its order may ask more: {@link OrderingStage#defect}). */
  String defect() {
    if (origin == null || origin.isBlank()) return "message without origin";
    if (seq < 1) return "message [" + msgId() + "] with sequence number below 1";
    if (payload == null) return "message [" + msgId() + "] without payload";
    return null;
  }
}
