package org.sidis.stream;

import akka.actor.typed.javadsl.ActorContext;
import org.sidis.trace.Events;
import org.sidis.trace.Traces;
import org.sidis.trace.Tracer;

import java.util.Map;

/**
 * The trace lines of one end of a stream (DESIGN.md, "Trace events": {@code proto} stream,
 * {@code group} the stream id, {@code flow}, {@code msg} {@code <flow>:<n>}, {@code pts_us}).
 * From them alone a checker can count frames sent, received, played and missed per flow, and
 * set each play's {@code ts} against its {@code pts_us} for the playout jitter and the skew.
 */
final class StreamTrace {

  private final Tracer tracer;

  private final String mode;

  StreamTrace(ActorContext<?> ctx, long streamId) {
    this(ctx, streamId, null);
  }

  /** A sink's trace: its plays name its {@code mode}, which decides what a checker holds them to. */
  StreamTrace(ActorContext<?> ctx, long streamId, Mode mode) {
    this.mode = mode == null ? null : mode.word();
    Traces traces = Traces.get(ctx.getSystem());
    this.tracer = new Tracer(traces.sink(), ctx.getSystem().settings().config().getString("sidis.node.name"),
        traces.actor(ctx.getSelf().path().toStringWithoutAddress()), Events.Proto.STREAM, Long.toString(streamId));
  }

  void send(FrameId id) {
    frame(Events.Stream.SEND, id, null);
  }

  void receive(FrameId id, boolean repair) {
    frame(Events.Stream.RECEIVE, id, repair);
  }

  void play(FrameId id, long dueUs, long playedUs) {
    if (tracer.enabled())
      tracer.event(Events.Stream.PLAY, id.traceId(), null, null, mode == null
          ? Map.of(Events.Stream.FLOW, id.flow().traceName(), Events.Stream.PTS_US, id.ptsUs(), "late_us", playedUs - dueUs)
          : Map.of(Events.Stream.FLOW, id.flow().traceName(), Events.Stream.PTS_US, id.ptsUs(), "late_us", playedUs - dueUs, Events.Stream.MODE, mode));
  }

  void miss(FrameId id) {
    frame(Events.Stream.MISS, id, null);
  }

  void flush() {
    tracer.flush();
  }

  private void frame(String event, FrameId id, Boolean repair) {
    if (!tracer.enabled()) return;
    tracer.event(event, id.traceId(), null, null, repair == null
        ? Map.of(Events.Stream.FLOW, id.flow().traceName(), Events.Stream.PTS_US, id.ptsUs())
        : Map.of(Events.Stream.FLOW, id.flow().traceName(), Events.Stream.PTS_US, id.ptsUs(), "repair", repair));
  }
}
