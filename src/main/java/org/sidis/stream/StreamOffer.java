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
import org.sidis.stream.StreamSetup.Ask;
import org.sidis.stream.StreamSetup.Refused;
import org.sidis.stream.StreamSetup.Start;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * The source node's end of a stream's setup: it offers the stream in the Receptionist and admits
 * a sink's contract only when its link can keep it beside those already admitted
 * ({@link Admission}: capacity, setup round trip, the mode's delay and jitter bounds), refusing
 * with the reason otherwise — never admitting and then degrading. The buffering a contract must
 * afford is the source's interleaving hold plus what the sink says it buffers for repairs. On
 * {@link Start} it spawns the {@link StreamSource} that sends to the sink's socket. One stream per
 * offer: a second sink's ask is refused saying so (a stream has one source and one sink here).
 */
public final class StreamOffer extends AbstractBehavior<StreamSetup.Command> {

  private final StreamSource.Settings source;
  private final long holdUs;
  private final NetworkModel edge;
  private Admission admission;
  private ActorRef<StreamSetup.Answer> admittedSink;
  private boolean started;

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
        .build();
  }

  private Behavior<StreamSetup.Command> onAsk(Ask a) {
    if (a.streamId() != source.streamId()) return refuse(a, "no stream " + a.streamId() + " is offered here (this is stream " + source.streamId() + ")");
    if (a.replyTo().equals(admittedSink)) {
      // the sink asked again (its answer was slow or lost): the same answer, not a second admission
      a.replyTo().tell(new Admitted(source.streamId(), source.frames(), holds()));
      return this;
    }
    if (admittedSink != null) return refuse(a, "stream " + source.streamId() + " already has a sink (one source, one sink)");
    Admission.Decision d = admission.admit(a.contract(), holdUs + a.sinkBufferingUs());
    if (d instanceof Admission.Refused r) return refuse(a, r.reason());
    admission = ((Admission.Admitted) d).next();
    admittedSink = a.replyTo();
    getContext().getLog().info("[{}] admitted [{}] for [{}]", source.streamId(), a.contract(), a.replyTo());
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
    if (admittedSink == null || s.streamId() != source.streamId()) {
      getContext().getLog().warn("[{}] a start for stream {} that was not admitted: ignored", source.streamId(), s.streamId());
      return this;
    }
    if (started) return this;
    started = true;
    StreamSource.Settings to = new StreamSource.Settings(source.streamId(), new InetSocketAddress(s.host(), s.port()), source.frames(),
        source.frameBytes(), source.interleavers(), source.rateBytesPerSec(), source.burstBytes(), source.tick(), source.keep());
    getContext().spawn(StreamSource.create(to, edge), "source");
    return this;
  }
}
