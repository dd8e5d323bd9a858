package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import org.sidis.net.NetworkModel;
import org.sidis.stream.Datagram.Bad;
import org.sidis.stream.Datagram.Media;
import org.sidis.stream.Datagram.Nak;
import org.sidis.stream.Datagram.Ok;
import org.sidis.stream.JitterBuffer.Frame;
import org.sidis.stream.JitterBuffer.Insert;
import org.sidis.stream.JitterBuffer.Missed;
import org.sidis.stream.JitterBuffer.Played;
import org.sidis.stream.JitterBuffer.Release;
import org.sidis.stream.RetransmitPolicy.Missing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The sink of one stream, in the transmission {@link Mode} its contract names (seed notes):
 * <em>isochronous</em> (a maximum and a minimum delay) — the frames that arrive over UDP wait in a
 * {@link JitterBuffer} and are played on one clock shared by all flows, after a delay sized from
 * the RFC 3550 jitter of first-sent packets, so audio and video stay in sync (lip sync) however
 * their packets jitter; <em>synchronous</em> (a maximum delay) — a frame is delivered the moment
 * it arrives if it is within the maximum delay, and dropped and counted as late after it;
 * <em>asynchronous</em> (no time limit) — every frame is delivered when it arrives, and the sink
 * only stops waiting for stragglers a while after the last one's time. In the two latter modes
 * the buffer's playout time is the frame's deadline, not when it is played, and the skew between
 * flows is whatever the path's jitter makes it. A frame presumed lost — not
 * here a slack after the latest it should have come (its pts on our clock, plus the source's
 * interleaving hold) — is asked for in a NAK while {@link RetransmitPolicy} says an answer can
 * still be played; the round trip is measured from ask to repair. Datagrams pass
 * {@link NetworkModel}'s fate at the socket edge first (loss, delay jitter and so reordering,
 * duplication); a malformed or foreign datagram, or one of an unknown stream, is dropped with a
 * counted log line. When every flow has played or missed its last frame, the sink tells its
 * listener the {@link QosReport} and stops.
 */
public final class StreamSink extends AbstractBehavior<StreamSink.Command> {

  public sealed interface Command {}

  /** What the sink tells its listener. */
  public sealed interface Event {}

  /** The sink's socket is bound here: where the source must send. */
  public record Bound(InetSocketAddress address) implements Event {}

  /** Every frame fell due; what was achieved. */
  public record Finished(QosReport report) implements Event {}

  private record FromSocket(Udp.Received datagram) implements Command {}

  /** A datagram the network model delayed; it arrived at {@code atUs}, its socket time plus the delay. */
  private record Arrived(Udp.Received datagram, long atUs) implements Command {}

  private enum Playout implements Command { INSTANCE }

  private enum Repair implements Command { INSTANCE }

  /**
   * @param frames     frames per flow (the stream's length, known from its offer)
   * @param holdUs     per flow, the longest a frame waits at the source for its interleaving block
   * @param slackUs    how long after its latest expected arrival a frame is presumed lost
   * @param repairTick how often presumed losses are looked for and asks repeated
   */
  public record Settings(long streamId, InetSocketAddress bindTo, Map<Flow, Long> frames, Map<Flow, Long> holdUs,
      JitterBuffer.Settings buffer, RetransmitPolicy retransmit, long slackUs, Duration repairTick, Mode mode) {
    /** An isochronous sink. */
    public Settings(long streamId, InetSocketAddress bindTo, Map<Flow, Long> frames, Map<Flow, Long> holdUs,
        JitterBuffer.Settings buffer, RetransmitPolicy retransmit, long slackUs, Duration repairTick) {
      this(streamId, bindTo, frames, holdUs, buffer, retransmit, slackUs, repairTick, Mode.ISOCHRONOUS);
    }

    public Settings {
      if (mode == null) throw new IllegalArgumentException("a sink needs a transmission mode");
      frames = Map.copyOf(frames);
      holdUs = Map.copyOf(holdUs);
      if (frames.isEmpty()) throw new IllegalArgumentException("a stream has at least one flow");
      for (Map.Entry<Flow, Long> e : frames.entrySet())
        if (e.getValue() < 1) throw new IllegalArgumentException("flow " + e.getKey().traceName() + " needs at least one frame");
    }
  }

  private static final Object PLAYOUT = "playout";

  private final Settings settings;
  private final NetworkModel edge;
  private final ActorRef<Event> listener;
  private final Udp udp;
  private final StreamTrace trace;
  private final TimerScheduler<Command> timers;
  private JitterBuffer buffer;
  private RetransmitPolicy policy;
  private InetSocketAddress source;
  /** The latest send instant (stream clock) of a first-sent packet that arrived: how far the source has got. */
  private long sourceProgressUs = Long.MIN_VALUE;
  private final Map<FrameId, Long> askedAt = new HashMap<>();
  private final Map<Long, Long> audioPresentedAt = new HashMap<>();
  private final Map<Flow, Long> missRun = new EnumMap<>(Flow.class);
  private final List<Long> playoutError = new ArrayList<>();
  /** Per frame delivered, how long after its pts (beyond the shortest transit) it was played or delivered. */
  private final List<Long> delays = new ArrayList<>();
  private long recovered, framesAsked, bad, maxSkewUs, longestMissRun, bytesPlayed;

  public static Behavior<Command> create(Settings settings, NetworkModel edge, ActorRef<Event> listener) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Udp udp = Udp.bind(settings.bindTo(), ctx.getSelf(), FromSocket::new, "stream-sink-udp-" + settings.streamId());
      return new StreamSink(ctx, settings, edge, listener, udp, timers);
    }));
  }

  private StreamSink(ActorContext<Command> ctx, Settings settings, NetworkModel edge, ActorRef<Event> listener, Udp udp, TimerScheduler<Command> timers) {
    super(ctx);
    this.settings = settings;
    this.edge = edge;
    this.listener = listener;
    this.udp = udp;
    this.trace = new StreamTrace(ctx, settings.streamId(), settings.mode());
    this.timers = timers;
    JitterBuffer b = JitterBuffer.create(settings.buffer());
    for (Map.Entry<Flow, Long> e : settings.frames().entrySet()) b = b.endsAt(e.getKey(), e.getValue() - 1);
    this.buffer = b;
    this.policy = settings.retransmit();
    timers.startTimerAtFixedRate(Repair.INSTANCE, settings.repairTick(), settings.repairTick());
    ctx.getLog().info("[{}] sink on [{}], {}, {}", settings.streamId(), udp.localAddress(), settings.mode().word(), settings.buffer());
    listener.tell(new Bound(udp.localAddress()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromSocket.class, this::onFromSocket)
        .onMessage(Arrived.class, a -> onArrived(a.datagram(), a.atUs()))
        .onMessage(Playout.class, p -> onPlayout())
        .onMessage(Repair.class, r -> { askForMissing(Udp.nowUs()); return this; })
        .onSignal(PostStop.class, s -> { udp.close(); trace.flush(); return this; })
        .build();
  }

  private Behavior<Command> onFromSocket(FromSocket m) {
    NetworkModel.Fate fate = edge.fate(Edge.SOURCE, Edge.SINK);
    if (fate instanceof NetworkModel.Deliver d) return after(d.delayMillis(), m.datagram());
    if (fate instanceof NetworkModel.Duplicate d) {
      after(d.firstDelayMillis(), m.datagram());
      return after(d.secondDelayMillis(), m.datagram());
    }
    return this;
  }

  private Behavior<Command> after(long millis, Udp.Received r) {
    if (millis == 0) return onArrived(r, r.atUs());
    // the arrival instant is the modelled network's, not when a busy machine got round to it
    getContext().scheduleOnce(Duration.ofMillis(millis), getContext().getSelf(), new Arrived(r, r.atUs() + millis * 1000));
    return this;
  }

  private Behavior<Command> onArrived(Udp.Received r, long arrivalUs) {
    Datagram.Decoded d = Datagram.decode(ByteBuffer.wrap(r.bytes()));
    if (d instanceof Bad b) return drop(r, b.reason());
    Datagram.Packet p = ((Ok) d).packet();
    if (p.streamId() != settings.streamId()) return drop(r, "unknown stream " + p.streamId());
    if (p instanceof Nak) return drop(r, "a NAK sent to a sink");
    Media m = (Media) p;
    source = r.from();
    // a repair's transit includes the ask's round trip: it says nothing of the path's jitter
    if (!m.isRepair()) {
      buffer = buffer.observeTransit(m.sentUs(), arrivalUs);
      sourceProgressUs = Math.max(sourceProgressUs, m.sentUs());
    }
    for (Frame f : m.frames()) {
      if (f.ptsUs() != f.id().ptsUs()) {
        drop(r, "frame " + f.id() + " has pts " + f.ptsUs() + " off its flow's clock");
        continue;
      }
      trace.receive(f.id(), m.isRepair());
      Long asked = askedAt.remove(f.id());
      JitterBuffer.Inserted in = buffer.insert(f, arrivalUs);
      buffer = in.buffer();
      if (asked != null && m.isRepair()) policy = policy.withRttSample(arrivalUs - asked);
      if (in.outcome() == Insert.BUFFERED && m.isRepair()) recovered++;
      // synchronous and asynchronous sinks hand a frame up as it comes; the buffer only keeps its deadline
      if (in.outcome() == Insert.BUFFERED && settings.mode() != Mode.ISOCHRONOUS) deliver(f, arrivalUs, arrivalUs);
    }
    return schedulePlayout();
  }

  private Behavior<Command> onPlayout() {
    long now = Udp.nowUs();
    Release r = buffer.release(now);
    buffer = r.buffer();
    // in the other modes a released frame was delivered on arrival: its deadline passed, nothing more
    if (settings.mode() == Mode.ISOCHRONOUS) for (Played pl : r.played()) play(pl, now);
    for (Missed ms : r.missed()) miss(ms);
    if (buffer.finished()) {
      QosReport report = report();
      getContext().getLog().info("[{}] finished: {}", settings.streamId(), report);
      trace.flush();
      listener.tell(new Finished(report));
      return Behaviors.stopped();
    }
    return schedulePlayout();
  }

  private void play(Played pl, long now) {
    playoutError.add(Math.abs(now - pl.dueUs()));
    deliver(pl.frame(), pl.dueUs(), now);
  }

  /** Hands {@code f} up at {@code now}; {@code dueUs} is when it was to be (the arrival, outside isochronous mode). */
  private void deliver(Frame f, long dueUs, long now) {
    FrameId id = f.id();
    trace.play(id, dueUs, now);
    askedAt.remove(id);
    missRun.put(id.flow(), 0L);
    bytesPlayed += f.bytes();
    long presented = now - f.ptsUs();
    delays.add(presented - buffer.offsetUs().orElse(presented));
    if (id.flow() == Flow.AUDIO) audioPresentedAt.put(f.ptsUs(), presented);
    else if (id.flow() == Flow.VIDEO) {
      // lip sync: the video frame against the audio frame of the same pts, when both played
      Long audio = audioPresentedAt.remove(f.ptsUs());
      if (audio != null) maxSkewUs = Math.max(maxSkewUs, Math.abs(presented - audio));
    }
    audioPresentedAt.keySet().removeIf(pts -> pts < f.ptsUs() - 1_000_000);
  }

  private void miss(Missed ms) {
    trace.miss(ms.id());
    askedAt.remove(ms.id());
    long run = missRun.merge(ms.id().flow(), 1L, Long::sum);
    longestMissRun = Math.max(longestMissRun, run);
  }

  private Behavior<Command> schedulePlayout() {
    OptionalLong due = buffer.nextDueUs();
    if (due.isPresent()) timers.startSingleTimer(PLAYOUT, Playout.INSTANCE, Duration.ofNanos(Math.max(0, due.getAsLong() - Udp.nowUs()) * 1000));
    return this;
  }

  /**
   * Frames presumed lost: not here a slack after the latest they should have arrived, though the
   * source has sent packets since, and still to be played.
   */
  private void askForMissing(long now) {
    OptionalLong offset = buffer.offsetUs();
    if (offset.isEmpty() || source == null || !policy.enabled()) return;
    long expectedSlack = settings.slackUs() + 2 * buffer.jitterUs();
    List<Missing> missing = new ArrayList<>();
    for (Map.Entry<Flow, Long> e : settings.frames().entrySet()) {
      Flow f = e.getKey();
      long hold = settings.holdUs().getOrDefault(f, 0L);
      for (long n = buffer.nextToPlay(f); n < e.getValue(); n++) {
        long expected = f.ptsOf(n) + offset.getAsLong() + hold + expectedSlack;
        // and only once a packet the source sent a slack after this frame's block left has come: a
        // source (or a whole JVM) that stalled has not lost the frame, and asking for it would only
        // add repairs to the queue it is behind on — the storm seen at load ~20
        if (expected > now || sourceProgressUs < f.ptsOf(n) + hold + settings.slackUs()) break;
        FrameId id = new FrameId(f, n);
        if (buffer.awaits(id)) missing.add(new Missing(id, buffer.dueUs(f.ptsOf(n)), askedAt.getOrDefault(id, -1L)));
      }
    }
    List<FrameId> ask = policy.toAsk(missing, now);
    for (int i = 0; i < ask.size(); i += Datagram.MAX_FRAMES) {
      List<FrameId> part = ask.subList(i, Math.min(ask.size(), i + Datagram.MAX_FRAMES));
      try {
        udp.send(Datagram.encode(new Nak(settings.streamId(), Udp.nowUs(), part)), source);
      } catch (IOException e) {
        getContext().getLog().warn("[{}] could not send a NAK to [{}]: {}", settings.streamId(), source, e.toString());
        return;
      }
      for (FrameId id : part) askedAt.put(id, now);
      framesAsked += part.size();
    }
  }

  private Behavior<Command> drop(Udp.Received r, String reason) {
    bad++;
    getContext().getLog().warn("[{}] dropped a datagram of {} bytes from [{}]: {} ({} bad so far)", settings.streamId(), r.bytes().length, r.from(), reason, bad);
    return this;
  }

  private QosReport report() {
    long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
    long p50 = percentile(d, 0.50);
    // outside isochronous mode nothing evens the delay out: the playout jitter is how far a frame's delay strays from the median
    long[] errors = settings.mode() == Mode.ISOCHRONOUS
        ? playoutError.stream().mapToLong(Long::longValue).sorted().toArray()
        : delays.stream().mapToLong(x -> Math.abs(x - p50)).sorted().toArray();
    JitterBuffer.Counts c = buffer.counts();
    long lengthUs = settings.frames().entrySet().stream().mapToLong(e -> e.getValue() * e.getKey().periodUs()).max().orElse(1);
    return new QosReport(settings.mode(), c.played(), c.missed(), c.late(), c.duplicates(), recovered, framesAsked, bad,
        buffer.jitterUs(), buffer.delayUs(), percentile(errors, 0.99), maxSkewUs, longestMissRun,
        p50, percentile(d, 0.99), bytesPlayed * 8 * 1_000_000 / lengthUs);
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(sorted.length * q) - 1))];
  }
}
