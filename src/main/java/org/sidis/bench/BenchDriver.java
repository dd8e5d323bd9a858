package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.Config;
import org.sidis.multicast.GroupEvent;
import org.sidis.multicast.GroupMember;

import java.time.Duration;

/**
 * Drives a sidis multicast group as fast as its flow control allows: it keeps at most
 * {@code window} of its own messages unstable (multicast but not yet delivered everywhere)
 * and counts the deliveries of the other members' messages in the measuring window. With
 * {@code sidis.bench.latency.enabled} a latency phase follows ({@link LatencyWindow}): the driver
 * offers a fixed rate of stamped messages, still inside its flow window, and records how long the
 * others' messages took from their multicast to their delivery here.
 */
public final class BenchDriver extends AbstractBehavior<BenchDriver.Command> {

  public interface Command {}

  private record Event(GroupEvent event) implements Command {}

  private enum Check implements Command { INSTANCE }

  private enum Pace implements Command { INSTANCE }

  public static Behavior<Command> create(String node, Config bench, ActorRef<GroupMember.Command> member) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new BenchDriver(ctx, timers, node, bench, member)));
  }

  private final String node;
  private final ActorRef<GroupMember.Command> member;
  private final int nodes;
  private final int window;
  private final String payload;
  private final Measurement measurement;
  private final LatencyWindow latency;
  private final TimerScheduler<Command> timers;
  private final int size;
  private long sent;
  private long stable;

  private BenchDriver(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Config bench,
                      ActorRef<GroupMember.Command> member) {
    super(ctx);
    this.node = node;
    this.member = member;
    this.nodes = bench.getInt("nodes");
    this.window = ctx.getSystem().settings().config().getInt("sidis.multicast.window");
    this.timers = timers;
    this.size = bench.getInt("size");
    this.payload = Measurement.payload(size);
    Duration warmup = bench.getDuration("warmup");
    LatencyWindow.Settings latencySettings = LatencyWindow.Settings.of(bench);
    this.measurement = new Measurement(node, "sidis", warmup, bench.getDuration("duration"), !latencySettings.enabled());
    this.latency = latencySettings.enabled() ? new LatencyWindow(node, "sidis", latencySettings, bench.getDuration("duration")) : null;
    member.tell(new GroupMember.Subscribe(ctx.messageAdapter(GroupEvent.class, Event::new)));
    timers.startTimerWithFixedDelay(Check.INSTANCE, Duration.ofMillis(50));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Event.class, e -> onEvent(e.event()))
        .onMessage(Check.class, c -> onCheck())
        .onMessage(Pace.class, p -> {
          pump();
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

  private Behavior<Command> onEvent(GroupEvent event) {
    if (event instanceof GroupEvent.MembersChanged m) {
      if (!measurement.started() && m.members().size() >= nodes) {
        measurement.start();
        pump();
      }
    } else if (event instanceof GroupEvent.Delivered d) {
      if (!d.origin().equals(node)) {
        measurement.delivered(1);
        if (latency != null && latency.recording()) latency.delivered(Latencies.stampOf(d.payload()));
      }
    } else if (event instanceof GroupEvent.Stable s) {
      stable = s.upToSeq();
      pump();
    }
    return this;
  }

  private void pump() {
    if (latency != null && latency.started()) {
      // The fixed load, stamped at the send; the flow window still holds (at half the maximum it should not bind).
      long n = Math.min(latency.due(System.nanoTime()), window - (sent - stable));
      for (long i = 0; i < n; i++) {
        sent++;
        member.tell(new GroupMember.Multicast(Latencies.stamped(Latencies.nowMicros(), size)));
      }
      if (n > 0) latency.sent(n);
      return;
    }
    // keeps sending after its own window closed, so slower peers measure under load
    while (sent - stable < window) {
      sent++;
      member.tell(new GroupMember.Multicast(payload));
    }
  }
}
