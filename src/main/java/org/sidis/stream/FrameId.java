package org.sidis.stream;

import java.util.Comparator;

/** A frame's identity in a stream: its flow and its number in that flow, from 0. */
public record FrameId(Flow flow, long number) implements Comparable<FrameId> {

  private static final Comparator<FrameId> ORDER = Comparator.comparing(FrameId::flow).thenComparingLong(FrameId::number);

  public FrameId {
    if (flow == null) throw new IllegalArgumentException("a frame needs a flow");
    if (number < 0) throw new IllegalArgumentException("frame numbers start at 0, got [" + number + "]");
  }

  /** Its nominal presentation time, µs on the stream's clock. */
  public long ptsUs() {
    return flow.ptsOf(number);
  }

  @Override
  public int compareTo(FrameId o) {
    return ORDER.compare(this, o);
  }

  /**
   * {@code audio:13} for frame 12: the {@code msg} of the stream's trace lines, numbered from 1 as
   * every counter of the trace contract's message ids is ({@code <origin>:<counter ≥ 1>}).
   */
  public String traceId() {
    return flow.traceName() + ":" + (number + 1);
  }

  /** {@code audio:12}: frame 12 of the audio flow. */
  @Override
  public String toString() {
    return flow.traceName() + ":" + number;
  }
}
