package org.sidis.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Selective retransmission (seed notes: "o receptor solicita apenas os quadros perdidos"), the
 * NAK rule of Aeron and RTP's generic NACK: the sink asks only for the frames it misses, and only
 * while an answer can still be played — asked at {@code now}, a frame arrives about one round
 * trip later, so it is asked for when {@code now + rtt + margin ≤ its playout time}; a frame
 * that can no longer make it is left to be missed rather than load the link for nothing. A frame
 * asked for already is asked again only after a round trip without an answer (the ask or the
 * answer was lost). The round-trip estimate is smoothed like TCP's SRTT (gain 1/8, RFC 6298).
 * Switched off, it asks for nothing: the plain datagram stream to compare against.
 */
public record RetransmitPolicy(boolean enabled, long rttUs, long marginUs) {

  /** A frame the sink misses, its playout time, and when it was last asked for (−1: never). */
  public record Missing(FrameId id, long dueUs, long askedUs) {}

  public static RetransmitPolicy off() {
    return new RetransmitPolicy(false, 0, 0);
  }

  public RetransmitPolicy {
    if (rttUs < 0) throw new IllegalArgumentException("round-trip estimate must not be negative, got [" + rttUs + "]");
    if (marginUs < 0) throw new IllegalArgumentException("retransmission margin must not be negative, got [" + marginUs + "]");
  }

  /** Whether to ask for {@code m} at {@code nowUs}. */
  public boolean shouldAsk(Missing m, long nowUs) {
    if (!enabled) return false;
    if (nowUs + rttUs + marginUs > m.dueUs()) return false;
    return m.askedUs() < 0 || nowUs - m.askedUs() >= Math.max(rttUs, 1);
  }

  /** The frames among {@code missing} to ask for at {@code nowUs}, in the order given. */
  public List<FrameId> toAsk(List<Missing> missing, long nowUs) {
    List<FrameId> ask = new ArrayList<>();
    for (Missing m : missing) if (shouldAsk(m, nowUs)) ask.add(m.id());
    return List.copyOf(ask);
  }

  /** The policy with a new round-trip sample folded in: {@code rtt += (sample − rtt) / 8}. */
  public RetransmitPolicy withRttSample(long sampleUs) {
    if (sampleUs < 0) return this;
    return new RetransmitPolicy(enabled, rttUs + (sampleUs - rttUs) / 8, marginUs);
  }
}
