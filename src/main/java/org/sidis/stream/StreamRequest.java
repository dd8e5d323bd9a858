package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.net.NetworkModel;

import java.time.Duration;
import java.util.function.Function;

/**
 * The sink node's end of a stream's setup: it finds stream {@code id}'s offer in the Receptionist,
 * asks for the stream with its {@link QosContract}, and — admitted — starts the {@link StreamSink}
 * from what the offer said of the stream, then tells the source where the sink's socket is. The
 * setup delay is measured from the ask to the answer. A refusal is the end: its reason is told to
 * the listener and logged, never worked around. An ask unanswered for a second is repeated (the
 * offer answers a repeated ask with the same admission); no offer found, or none answering, within
 * the setup timeout is a refusal saying which. When the sink has finished — or stopped before —
 * the request tells the offer the stream ended ({@link StreamSetup.End}), so that its capacity is
 * free; the offer also watches this actor, whose end (or its node's) ends the stream there.
 */
public final class StreamRequest extends AbstractBehavior<StreamRequest.Command> {

  public sealed interface Command {}

  /** What the request tells its listener. */
  public sealed interface Outcome {}

  /** Admitted after {@code setupUs}; the sink is starting. */
  public record Admitted(long streamId, long setupUs) implements Outcome {}

  /** Refused at setup with the offer's reason. */
  public record Refused(long streamId, String reason) implements Outcome {}

  /** The sink stopped before every frame fell due (it failed): no report. */
  public record Failed(long streamId, String reason) implements Outcome {}

  /** The stream ended; what the sink achieved against the contract. */
  public record Ended(long streamId, QosContract contract, long setupUs, QosReport report) implements Outcome {}

  private record Offers(Receptionist.Listing listing) implements Command {}

  private record Answered(StreamSetup.Answer answer) implements Command {}

  private record FromSink(StreamSink.Event event) implements Command {}

  private enum AskAgain implements Command { INSTANCE }

  /** No offer found, or none answered, within the setup timeout. */
  private enum GiveUp implements Command { INSTANCE }

  /** How long a request waits for an offer of its stream to appear and answer, unless told otherwise. */
  public static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** The sink stopped: after it finished, or failed before. */
  private enum SinkStopped implements Command { INSTANCE }

  /** @param sink builds the sink's settings from the offer's admission (frames and hold per flow) */
  public static Behavior<Command> create(long streamId, QosContract contract, long bufferingUs, boolean retransmit,
      Function<StreamSetup.Admitted, StreamSink.Settings> sink, NetworkModel edge, ActorRef<Outcome> listener) {
    return create(streamId, contract, bufferingUs, retransmit, sink, edge, SETUP_TIMEOUT, listener);
  }

  /**
   * @param setupTimeout how long to wait for an offer of stream {@code streamId} to appear in the
   *                     cluster and answer: past it the request is refused saying which of the two
   *                     never happened (no node offers the stream, or its offer never answered)
   */
  public static Behavior<Command> create(long streamId, QosContract contract, long bufferingUs, boolean retransmit,
      Function<StreamSetup.Admitted, StreamSink.Settings> sink, NetworkModel edge, Duration setupTimeout, ActorRef<Outcome> listener) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(GiveUp.INSTANCE, GiveUp.INSTANCE, setupTimeout);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(StreamSetup.key(streamId), ctx.messageAdapter(Receptionist.Listing.class, Offers::new)));
      return new StreamRequest(ctx, timers, streamId, contract, bufferingUs, retransmit, sink, edge, setupTimeout, listener);
    }));
  }

  private final TimerScheduler<Command> timers;
  private final long streamId;
  private final QosContract contract;
  private final long bufferingUs;
  private final boolean retransmit;
  private final Function<StreamSetup.Admitted, StreamSink.Settings> sink;
  private final NetworkModel edge;
  private final ActorRef<Outcome> listener;
  private final Duration setupTimeout;
  private int asks;
  private final ActorRef<StreamSetup.Answer> answers;
  private ActorRef<StreamSetup.Command> offer;
  private long askedUs = -1;
  private long setupUs = -1;
  private boolean ended;

  private StreamRequest(ActorContext<Command> ctx, TimerScheduler<Command> timers, long streamId, QosContract contract, long bufferingUs,
      boolean retransmit, Function<StreamSetup.Admitted, StreamSink.Settings> sink, NetworkModel edge, Duration setupTimeout, ActorRef<Outcome> listener) {
    super(ctx);
    this.setupTimeout = setupTimeout;
    this.timers = timers;
    this.streamId = streamId;
    this.contract = contract;
    this.bufferingUs = bufferingUs;
    this.retransmit = retransmit;
    this.sink = sink;
    this.edge = edge;
    this.listener = listener;
    this.answers = ctx.messageAdapter(StreamSetup.Answer.class, Answered::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Offers.class, this::onOffers)
        .onMessage(AskAgain.class, a -> ask())
        .onMessage(GiveUp.class, g -> giveUp())
        .onMessage(Answered.class, this::onAnswer)
        .onMessage(FromSink.class, this::onSink)
        .onMessage(SinkStopped.class, x -> onSinkStopped())
        .build();
  }

  private Behavior<Command> onOffers(Offers o) {
    if (offer != null || setupUs >= 0) return this;
    var found = o.listing().getServiceInstances(StreamSetup.key(streamId));
    if (found.isEmpty()) return this;
    offer = found.iterator().next();
    askedUs = Udp.nowUs();
    return ask();
  }

  private Behavior<Command> ask() {
    if (offer == null || setupUs >= 0) return this;
    getContext().getLog().info("[{}] asking [{}] for the stream: {}", streamId, offer, contract);
    asks++;
    offer.tell(new StreamSetup.Ask(streamId, contract, bufferingUs, retransmit, answers, getContext().getSelf()));
    timers.startSingleTimer(AskAgain.INSTANCE, AskAgain.INSTANCE, Duration.ofSeconds(1));
    return this;
  }

  private Behavior<Command> onAnswer(Answered a) {
    if (setupUs >= 0) {
      // after the admission only a refusal matters: the offer could not start the source (a bad sink address)
      if (a.answer() instanceof StreamSetup.Refused r && !ended) {
        ended = true;
        getContext().getLog().error("[{}] stream {} refused after its admission: {}", streamId, streamId, r.reason());
        listener.tell(new Refused(streamId, r.reason()));
        getContext().getChild("sink").ifPresent(c -> getContext().stop(c));
      }
      return this;
    }
    timers.cancel(AskAgain.INSTANCE);
    timers.cancel(GiveUp.INSTANCE);
    setupUs = Udp.nowUs() - askedUs;
    if (a.answer() instanceof StreamSetup.Refused r) {
      getContext().getLog().error("[{}] stream {} refused at setup: {}", streamId, streamId, r.reason());
      listener.tell(new Refused(streamId, r.reason()));
      return Behaviors.stopped();
    }
    StreamSetup.Admitted ok = (StreamSetup.Admitted) a.answer();
    getContext().getLog().info("[{}] admitted in {} us: {}", streamId, setupUs, ok);
    listener.tell(new Admitted(streamId, setupUs));
    ActorRef<StreamSink.Command> child = getContext().spawn(StreamSink.create(sink.apply(ok), edge,
        getContext().messageAdapter(StreamSink.Event.class, FromSink::new)), "sink");
    getContext().watchWith(child, SinkStopped.INSTANCE);
    return this;
  }

  private Behavior<Command> onSink(FromSink f) {
    if (f.event() instanceof StreamSink.Bound b) {
      offer.tell(new StreamSetup.Start(streamId, b.address().getAddress().getHostAddress(), b.address().getPort(), answers));
    } else if (f.event() instanceof StreamSink.Finished done && !ended) {
      ended = true;
      // every frame fell due: the source need send nor keep no more, and the link's capacity is free
      offer.tell(new StreamSetup.End(streamId, answers));
      listener.tell(new Ended(streamId, contract, setupUs, done.report()));
    }
    return this;
  }

  private Behavior<Command> giveUp() {
    if (setupUs >= 0) return this;
    String why = offer == null
        ? "no node offers stream " + streamId + ": none found in the cluster within " + setupTimeout.toSeconds() + " s"
        : "the offer of stream " + streamId + " at [" + offer + "] did not answer " + asks + " ask(s) within " + setupTimeout.toSeconds() + " s";
    getContext().getLog().error("[{}] stream {} not set up: {}", streamId, streamId, why);
    listener.tell(new Refused(streamId, why));
    return Behaviors.stopped();
  }

  private Behavior<Command> onSinkStopped() {
    if (!ended) {
      ended = true;
      getContext().getLog().error("[{}] the sink of stream {} stopped before every frame fell due: the stream is ended", streamId, streamId);
      offer.tell(new StreamSetup.End(streamId, answers));
      listener.tell(new Failed(streamId, "the sink stopped before every frame fell due (see its log)"));
    }
    return this;
  }
}
