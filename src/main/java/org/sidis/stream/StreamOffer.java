package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.net.NetworkModel;
import org.sidis.stream.StreamSetup.Admitted;
import org.sidis.stream.StreamSetup.End;
import org.sidis.stream.StreamSetup.Gone;
import org.sidis.stream.StreamSetup.Ask;
import org.sidis.stream.StreamSetup.Refused;
import org.sidis.stream.StreamSetup.Start;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The source node's end of a stream's setup: it offers the stream in the Receptionist and admits
 * a sink's contract only when its link can keep it beside those already admitted
 * ({@link Admission}: capacity, setup round trip, the mode's delay and jitter bounds), refusing
 * with the reason otherwise — never admitting and then degrading. The buffering a contract must
 * afford is the source's interleaving hold plus what the sink says it buffers for repairs. On
 * {@link Start} it spawns a {@link StreamSource} that sends to that sink's socket: several sinks
 * may each be sent the stream, as far as the link's capacity goes. A stream gives its capacity
 * back when it ends — the sink says so ({@link End}), the source has sent every frame and kept them
 * for repair long enough (it stops), or the sink's requester is gone (DeathWatch: it stopped, or
 * its node left or crashed and was removed from the cluster) — as RSVP's reservations are torn
 * down or time out rather than held for ever.
 */
public final class StreamOffer extends AbstractBehavior<StreamSetup.Command> {

  /** One admitted sink: its contract, and the source sending to it once it said where ({@link Start}). */
  private record Session(QosContract contract, ActorRef<StreamRequest.Command> requester, ActorRef<StreamSource.Command> source) {}

  /** Sinks whose stream ended, remembered so that a late repeated ask is not admitted as a new stream. */
  private static final int ENDED_REMEMBERED = 1024;

  private final StreamSource.Settings source;
  private final long holdUs;
  private final NetworkModel edge;
  private Admission admission;
  private final Map<ActorRef<StreamSetup.Answer>, Session> sessions = new HashMap<>();
  private final Set<ActorRef<StreamSetup.Answer>> ended = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ActorRef<StreamSetup.Answer>, Boolean> eldest) {
      return size() > ENDED_REMEMBERED;
    }
  });
  private long sourcesStarted;

  /** @param source the stream as the source sends it; its {@code sink} address is replaced by the one the sink gives in {@link Start} */
  public static Behavior<StreamSetup.Command> create(StreamSource.Settings source, Admission.Link link, NetworkModel edge) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(StreamSetup.key(source.streamId()), ctx.getSelf()));
      return new StreamOffer(ctx, source, link, edge);
    });
  }

  private StreamOffer(ActorContext<StreamSetup.Command> ctx, StreamSource.Settings source, Admission.Link link, NetworkModel edge) {
    super(ctx);
    this.source = source;
    this.edge = edge;
    this.admission = Admission.of(link);
    this.holdUs = source.interleavers().entrySet().stream().mapToLong(e -> e.getValue().spanFrames() * e.getKey().periodUs()).max().orElse(0);
    ctx.getLog().info("[{}] offering stream {} on link {}", source.streamId(), source.frames(), link);
  }

  @Override
  public Receive<StreamSetup.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ask.class, this::onAsk)
        .onMessage(Start.class, this::onStart)
        .onMessage(End.class, e -> onEnd(e.streamId(), e.replyTo(), "the sink says its stream ended"))
        .onMessage(Gone.class, g -> release(g.sink(), g.why()))
        .build();
  }

  private Behavior<StreamSetup.Command> onAsk(Ask a) {
    if (a.replyTo() == null) {
      getContext().getLog().warn("[{}] an ask without a reply address: dropped ({})", source.streamId(), a);
      return this;
    }
    if (a.streamId() != source.streamId()) return refuse(a, "no stream " + a.streamId() + " is offered here (this is stream " + source.streamId() + ")");
    if (a.contract() == null) return refuse(a, "an ask for stream " + a.streamId() + " without a QoS contract");
    if (a.requester() == null) return refuse(a, "an ask for stream " + a.streamId() + " without its requester (whose end would end the stream)");
    if (a.sinkBufferingUs() < 0) return refuse(a, "the sink's buffering must not be negative, got " + a.sinkBufferingUs() + " us");
    if (sessions.containsKey(a.replyTo())) {
      // the sink asked again (its answer was slow or lost): the same answer, not a second admission
      a.replyTo().tell(new Admitted(source.streamId(), source.frames(), holds()));
      return this;
    }
    if (ended.contains(a.replyTo())) return refuse(a, "stream " + source.streamId() + " already ended for this sink");
    if (sessions.values().stream().anyMatch(x -> x.requester().equals(a.requester())))
      return refuse(a, "requester [" + a.requester() + "] already has stream " + source.streamId() + " from here under another reply address");
    Admission.Decision d = admission.admit(a.contract(), holdUs + a.sinkBufferingUs());
    if (d instanceof Admission.Refused r) return refuse(a, r.reason());
    admission = ((Admission.Admitted) d).next();
    sessions.put(a.replyTo(), new Session(a.contract(), a.requester(), null));
    getContext().watchWith(a.requester(), new Gone(a.replyTo(), "its requester [" + a.requester() + "] is gone (stopped, or its node left or crashed)"));
    getContext().getLog().info("[{}] admitted [{}] for [{}]; {} stream(s), {} bit/s free", source.streamId(), a.contract(), a.replyTo(),
        sessions.size(), admission.freeBps());
    a.replyTo().tell(new Admitted(source.streamId(), source.frames(), holds()));
    return this;
  }

  private Map<Flow, Long> holds() {
    Map<Flow, Long> h = new EnumMap<>(Flow.class);
    source.interleavers().forEach((f, il) -> h.put(f, il.spanFrames() * f.periodUs()));
    return h;
  }

  private Behavior<StreamSetup.Command> refuse(Ask a, String reason) {
    getContext().getLog().warn("[{}] refused [{}] at setup: {}", a.streamId(), a.contract(), reason);
    a.replyTo().tell(new Refused(a.streamId(), reason));
    return this;
  }

  private Behavior<StreamSetup.Command> onStart(Start s) {
    Session session = s.replyTo() == null ? null : sessions.get(s.replyTo());
    if (session == null || s.streamId() != source.streamId()) {
      getContext().getLog().warn("[{}] a start for stream {} from [{}], which was not admitted: ignored", source.streamId(), s.streamId(), s.replyTo());
      if (s.replyTo() != null) s.replyTo().tell(new Refused(s.streamId(), "no admitted stream " + s.streamId() + " for this sink: ask first"));
      return this;
    }
    if (session.source() != null) return this;
    InetSocketAddress to = s.host() == null || s.port() < 1 || s.port() > 65535 ? null : new InetSocketAddress(s.host(), s.port());
    if (to == null || to.isUnresolved()) {
      String why = "the sink's address [" + s.host() + ":" + s.port() + "] is not a UDP address (a resolvable host, port 1-65535)";
      release(s.replyTo(), why);
      s.replyTo().tell(new Refused(s.streamId(), why));
      return this;
    }
    StreamSource.Settings settings = new StreamSource.Settings(source.streamId(), to, source.frames(),
        source.frameBytes(), source.interleavers(), source.rateBytesPerSec(), source.burstBytes(), source.tick(), source.keep());
    ActorRef<StreamSource.Command> child = getContext().spawn(StreamSource.create(settings, edge), "source-" + ++sourcesStarted);
    getContext().watchWith(child, new Gone(s.replyTo(), "its source sent every frame and kept them for repair, or failed"));
    sessions.put(s.replyTo(), new Session(session.contract(), session.requester(), child));
    return this;
  }

  private Behavior<StreamSetup.Command> onEnd(long streamId, ActorRef<StreamSetup.Answer> sink, String why) {
    if (streamId != source.streamId() || sink == null || !sessions.containsKey(sink)) {
      getContext().getLog().warn("[{}] an end of stream {} from [{}], which is not streaming here: ignored", source.streamId(), streamId, sink);
      return this;
    }
    return release(sink, why);
  }

  /** {@code sink}'s stream is over: its capacity is free again and its source, if still sending, stops. */
  private Behavior<StreamSetup.Command> release(ActorRef<StreamSetup.Answer> sink, String why) {
    Session s = sessions.remove(sink);
    if (s == null) return this;
    ended.add(sink);
    admission = admission.release(s.contract());
    getContext().unwatch(s.requester());
    if (s.source() != null) {
      getContext().unwatch(s.source());
      getContext().stop(s.source());
    }
    getContext().getLog().info("[{}] released the stream of [{}]: {}; {} stream(s), {} bit/s free", source.streamId(), sink, why,
        sessions.size(), admission.freeBps());
    return this;
  }
}
