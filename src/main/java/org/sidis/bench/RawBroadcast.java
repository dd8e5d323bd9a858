package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import com.typesafe.config.Config;
import org.sidis.wire.CborSerializable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The baseline: plain Akka {@code tell} broadcast, one Akka message per payload, with a
 * credit window per sender and receiver (a receiver grants more credit as it consumes, so
 * no queue grows without bound). No ordering, no retransmission, no bundling: what Akka gives
 * for free, against which the group protocols' cost is read.
 */
public final class RawBroadcast extends AbstractBehavior<RawBroadcast.Command> {

  public interface Command {}

  public record Payload(ActorRef<Command> from, String body) implements Command, CborSerializable {}

  /** The receiver allows {@code from} to have sent up to {@code upTo} messages in all. */
  public record Credit(ActorRef<Command> from, long upTo) implements Command, CborSerializable {}

  private record Listing(Receptionist.Listing listing) implements Command {}

  private enum Check implements Command { INSTANCE }

  private enum Pace implements Command { INSTANCE }

  static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sidis-bench-raw");

  public static Behavior<Command> create(String node, Config bench) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RawBroadcast(ctx, timers, node, bench)));
  }

  private static final class Peer {
    long sent;
    long credit;
    long received;
    long granted;
  }

  private final int nodes;
  private final int window;
  private final String body;
  private final Measurement measurement;
  private final LatencyWindow latency;
  private final int size;
  private final TimerScheduler<Command> timers;
  private final Map<ActorRef<Command>, Peer> peers = new HashMap<>();

  private RawBroadcast(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Config bench) {
    super(ctx);
    this.nodes = bench.getInt("nodes");
    this.window = bench.getInt("raw-window");
    this.size = bench.getInt("size");
    this.body = Measurement.payload(size);
    this.timers = timers;
    LatencyWindow.Settings latencySettings = LatencyWindow.Settings.of(bench);
    this.measurement = new Measurement(node, "raw", bench.getDuration("warmup"), bench.getDuration("duration"), !latencySettings.enabled());
    this.latency = latencySettings.enabled() ? new LatencyWindow(node, "raw", latencySettings, bench.getDuration("duration")) : null;
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, ctx.messageAdapter(Receptionist.Listing.class, Listing::new)));
    timers.startTimerWithFixedDelay(Check.INSTANCE, Duration.ofMillis(50));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listing.class, this::onListing)
        .onMessage(Payload.class, this::onPayload)
        .onMessage(Credit.class, this::onCredit)
        .onMessage(Check.class, c -> onCheck())
        .onMessage(Pace.class, p -> {
          pace();
          return this;
        })
        .build();
  }

  private Behavior<Command> onCheck() {
    measurement.check();
    // From the flood to the fixed load; the Akka scheduler ticks every 10 ms, so the pacer catches up per tick.
    if (latency != null && latency.follow(measurement, nodes, System.nanoTime())) {
      timers.startTimerAtFixedRate(Pace.INSTANCE, Duration.ofMillis(10));
    }
    return this;
  }

  /** The fixed load: each due payload, stamped at its send, to every peer, as far as every peer's credit allows. */
  private void pace() {
    long n = latency.due(System.nanoTime());
    for (Peer p : peers.values()) n = Math.min(n, p.credit - p.sent);
    for (long i = 0; i < n; i++) {
      String stamped = Latencies.stamped(Latencies.nowMicros(), size);
      for (Map.Entry<ActorRef<Command>, Peer> e : peers.entrySet()) {
        e.getValue().sent++;
        e.getKey().tell(new Payload(getContext().getSelf(), stamped));
      }
    }
    if (n > 0) latency.sent(n);
  }

  private Behavior<Command> onListing(Listing l) {
    Set<ActorRef<Command>> all = l.listing().getServiceInstances(KEY);
    for (ActorRef<Command> ref : all) {
      if (!ref.equals(getContext().getSelf())) peers.computeIfAbsent(ref, r -> new Peer());
    }
    if (!measurement.started() && all.size() >= nodes) {
      measurement.start();
      // Each side starts with a full window of credit towards every peer.
      for (Peer p : peers.values()) p.credit = window;
      for (Map.Entry<ActorRef<Command>, Peer> e : peers.entrySet()) pump(e.getKey(), e.getValue());
    }
    return this;
  }

  private Behavior<Command> onPayload(Payload p) {
    measurement.delivered(1);
    if (latency != null && latency.recording()) latency.delivered(Latencies.stampOf(p.body()));
    Peer from = peers.computeIfAbsent(p.from(), r -> new Peer());
    from.received++;
    if (from.received - from.granted >= window / 4) {
      from.granted = from.received;
      p.from().tell(new Credit(getContext().getSelf(), from.received + window));
    }
    return this;
  }

  private Behavior<Command> onCredit(Credit c) {
    Peer to = peers.computeIfAbsent(c.from(), r -> new Peer());
    to.credit = Math.max(to.credit, c.upTo());
    pump(c.from(), to);
    return this;
  }

  private void pump(ActorRef<Command> ref, Peer peer) {
    if (!measurement.started() || (latency != null && latency.started())) return; // keeps sending after its own window closed, so slower peers measure under load
    while (peer.sent < peer.credit) {
      peer.sent++;
      ref.tell(new Payload(getContext().getSelf(), body));
    }
  }
}
