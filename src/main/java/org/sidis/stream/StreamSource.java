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
import org.sidis.stream.Datagram.Kind;
import org.sidis.stream.Datagram.Media;
import org.sidis.stream.Datagram.Nak;
import org.sidis.stream.Datagram.Ok;
import org.sidis.stream.JitterBuffer.Frame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source of one stream (unidirectional, one source: the seed notes' stream): it produces the
 * frames of each flow on the stream's clock — audio every 20 ms, video every 40 ms — packs them
 * several to a packet, interleaved across a block of packets ({@link Interleaver}), and sends the
 * packets over UDP to the sink, paced by a {@link TokenBucket} in the order of the
 * {@link SendQueue}: audio before video, repairs before first sends. It keeps what it sent for a
 * while and answers a sink's NAK by sending the frames named again, as repairs (Aeron's and RTP
 * NACK's selective retransmission). The source never waits for the sink: a stream is not a
 * conversation. Datagrams reaching it pass {@link NetworkModel}'s fate first (loss, delay,
 * duplication at the socket edge); bad ones are dropped with a counted log line. When every frame
 * has been sent and kept {@code keep} for repair, the source stops.
 */
public final class StreamSource extends AbstractBehavior<StreamSource.Command> {

  public sealed interface Command {}

  /** How many frames, packets, repairs and NAKs so far. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  public record Stats(long framesSent, long packetsSent, long framesRepaired, long naksReceived, long badDatagrams) {}

  private record FromSocket(Udp.Received datagram) implements Command {}

  private record Arrived(Udp.Received datagram) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Drain implements Command { INSTANCE }

  /**
   * @param frames        frames per flow (the stream's length); a flow absent from the map is not sent
   * @param frameBytes    payload bytes of one frame per flow
   * @param interleavers  how each flow's frames go into packets
   * @param keep          how long sent frames are kept for repair
   */
  public record Settings(long streamId, InetSocketAddress sink, Map<Flow, Long> frames, Map<Flow, Integer> frameBytes,
      Map<Flow, Interleaver> interleavers, long rateBytesPerSec, long burstBytes, Duration tick, Duration keep) {
    public Settings {
      frames = Map.copyOf(frames);
      frameBytes = Map.copyOf(frameBytes);
      interleavers = Map.copyOf(interleavers);
      for (Flow f : frames.keySet())
        if (!frameBytes.containsKey(f) || !interleavers.containsKey(f)) throw new IllegalArgumentException("flow " + f.traceName() + " needs a frame size and an interleaver");
    }
  }

  private static final Object DRAIN = "drain";

  private final Settings settings;
  private final NetworkModel edge;
  private final TimerScheduler<Command> timers;
  private final Udp udp;
  private final StreamTrace trace;
  private final long startUs;
  private final Map<Flow, Long> next = new EnumMap<>(Flow.class);
  private final Map<Flow, List<Frame>> block = new EnumMap<>(Flow.class);
  private final Map<FrameId, Frame> sent = new HashMap<>();
  private SendQueue queue = SendQueue.EMPTY;
  private TokenBucket bucket;
  private long framesSent, packetsSent, framesRepaired, naks, bad;

  public static Behavior<Command> create(Settings settings, NetworkModel edge) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Udp udp = Udp.bind(new InetSocketAddress(settings.sink().getAddress(), 0), ctx.getSelf(), FromSocket::new, "stream-source-udp-" + settings.streamId());
      return new StreamSource(ctx, settings, edge, timers, udp);
    }));
  }

  private StreamSource(ActorContext<Command> ctx, Settings settings, NetworkModel edge, TimerScheduler<Command> timers, Udp udp) {
    super(ctx);
    this.settings = settings;
    this.edge = edge;
    this.timers = timers;
    this.udp = udp;
    this.trace = new StreamTrace(ctx, settings.streamId());
    this.startUs = Udp.nowUs();
    this.bucket = TokenBucket.full(settings.rateBytesPerSec(), settings.burstBytes(), startUs);
    for (Flow f : settings.frames().keySet()) block.put(f, new ArrayList<>());
    timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ZERO, settings.tick());
    ctx.getLog().info("[{}] source on [{}] streaming {} to [{}]", settings.streamId(), udp.localAddress(), settings.frames(), settings.sink());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Drain.class, d -> drain())
        .onMessage(FromSocket.class, this::onFromSocket)
        .onMessage(Arrived.class, a -> onArrived(a.datagram()))
        .onMessage(GetStats.class, this::onGetStats)
        .onSignal(PostStop.class, s -> { udp.close(); trace.flush(); return this; })
        .build();
  }

  private Behavior<Command> onTick() {
    long elapsed = Udp.nowUs() - startUs;
    for (Map.Entry<Flow, Long> e : settings.frames().entrySet()) {
      Flow f = e.getKey();
      long last = e.getValue() - 1;
      long n = next.getOrDefault(f, 0L);
      Interleaver il = settings.interleavers().get(f);
      while (n <= last && f.ptsOf(n) <= elapsed) {
        Frame frame = Frame.of(f, n, settings.frameBytes().get(f));
        List<Frame> b = block.get(f);
        b.add(frame);
        if (b.size() == il.blockFrames() || n == last) {
          for (List<Frame> p : il.interleave(b)) queue = queue.add(new Media(Kind.DATA, settings.streamId(), 0, p));
          b.clear();
        }
        n++;
      }
      next.put(f, n);
    }
    long keepUs = settings.keep().toNanos() / 1000;
    sent.values().removeIf(fr -> fr.ptsUs() < elapsed - keepUs);
    if (produced() && queue.head().isEmpty() && sent.isEmpty()) {
      // every frame sent and none kept for repair any longer: the stream is over (its offer then frees the capacity)
      getContext().getLog().info("[{}] source done: {} frames sent, {} repaired, {} NAKs", settings.streamId(), framesSent, framesRepaired, naks);
      return Behaviors.stopped();
    }
    return drain();
  }

  private boolean produced() {
    for (Map.Entry<Flow, Long> e : settings.frames().entrySet()) if (next.getOrDefault(e.getKey(), 0L) < e.getValue()) return false;
    return true;
  }

  /** Sends what the token bucket lets go now, in the queue's order; wakes up when the next may go. */
  private Behavior<Command> drain() {
    long now = Udp.nowUs();
    while (queue.head().isPresent()) {
      Media p = queue.head().get();
      int size = Datagram.encodedSize(p);
      if (!bucket.mayGo(size, now)) {
        long at = bucket.whenMay(size, now);
        timers.startSingleTimer(DRAIN, Drain.INSTANCE, Duration.ofNanos(Math.max(1, at - now) * 1000));
        return this;
      }
      bucket = bucket.take(size, now);
      // flushed by the node's trace every flush-interval: a flush per packet costs a busy machine its timing
      if (!p.isRepair()) for (Frame f : p.frames()) trace.send(f.id());
      queue = queue.pop();
      // sent on the stream's clock, where pts live: the sink's offset is then the path's transit alone
      Media stamped = new Media(p.kind(), p.streamId(), Udp.nowUs() - startUs, p.frames());
      try {
        udp.send(Datagram.encode(stamped), settings.sink());
      } catch (IOException e) {
        getContext().getLog().warn("[{}] could not send to [{}]: {}", settings.streamId(), settings.sink(), e.toString());
        continue;
      }
      packetsSent++;
      if (p.isRepair()) framesRepaired += p.frames().size();
      else {
        framesSent += p.frames().size();
        for (Frame f : p.frames()) sent.put(f.id(), f);
      }
    }
    return this;
  }

  private Behavior<Command> onFromSocket(FromSocket m) {
    NetworkModel.Fate fate = edge.fate(Edge.SINK, Edge.SOURCE);
    if (fate instanceof NetworkModel.Deliver d) after(d.delayMillis(), m.datagram());
    else if (fate instanceof NetworkModel.Duplicate d) {
      after(d.firstDelayMillis(), m.datagram());
      after(d.secondDelayMillis(), m.datagram());
    }
    return this;
  }

  private void after(long millis, Udp.Received r) {
    if (millis == 0) onArrived(r);
    else getContext().scheduleOnce(Duration.ofMillis(millis), getContext().getSelf(), new Arrived(r));
  }

  private Behavior<Command> onArrived(Udp.Received r) {
    Datagram.Decoded d = Datagram.decode(java.nio.ByteBuffer.wrap(r.bytes()));
    if (d instanceof Bad b) drop(r, b.reason());
    else if (((Ok) d).packet().streamId() != settings.streamId()) drop(r, "unknown stream " + ((Ok) d).packet().streamId());
    else if (((Ok) d).packet() instanceof Nak nak) onNak(nak);
    else drop(r, "media sent to a source");
    return drain();
  }

  private void onNak(Nak nak) {
    naks++;
    Map<Flow, List<Frame>> repairs = new EnumMap<>(Flow.class);
    for (FrameId id : nak.frames()) {
      Frame f = sent.get(id);
      if (f != null) repairs.computeIfAbsent(id.flow(), x -> new ArrayList<>()).add(f);
    }
    repairs.forEach((flow, frames) -> {
      int per = settings.interleavers().get(flow).framesPerPacket();
      for (int i = 0; i < frames.size(); i += per)
        queue = queue.add(new Media(Kind.REPAIR, settings.streamId(), 0, frames.subList(i, Math.min(frames.size(), i + per))));
    });
  }

  private void drop(Udp.Received r, String reason) {
    bad++;
    getContext().getLog().warn("[{}] dropped a datagram of {} bytes from [{}]: {} ({} bad so far)", settings.streamId(), r.bytes().length, r.from(), reason, bad);
  }

  private Behavior<Command> onGetStats(GetStats g) {
    g.replyTo().tell(new Stats(framesSent, packetsSent, framesRepaired, naks, bad));
    return this;
  }
}
