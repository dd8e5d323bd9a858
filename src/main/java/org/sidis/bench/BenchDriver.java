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
 * and counts the deliveries of the other members' messages in the measuring window.
 */
public final class BenchDriver extends AbstractBehavior<BenchDriver.Command> {

  public interface Command {}

  private record Event(GroupEvent event) implements Command {}

  private enum Check implements Command { INSTANCE }

  public static Behavior<Command> create(String node, Config bench, ActorRef<GroupMember.Command> member) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new BenchDriver(ctx, timers, node, bench, member)));
  }

  private final String node;
  private final ActorRef<GroupMember.Command> member;
  private final int nodes;
  private final int window;
  private final String payload;
  private final Measurement measurement;
  private long sent;
  private long stable;

  private BenchDriver(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Config bench,
                      ActorRef<GroupMember.Command> member) {
    super(ctx);
    this.node = node;
    this.member = member;
    this.nodes = bench.getInt("nodes");
    this.window = ctx.getSystem().settings().config().getInt("sidis.multicast.window");
    this.payload = Measurement.payload(bench.getInt("size"));
    Duration warmup = bench.getDuration("warmup");
    this.measurement = new Measurement(node, "sidis", warmup, bench.getDuration("duration"));
    member.tell(new GroupMember.Subscribe(ctx.messageAdapter(GroupEvent.class, Event::new)));
    timers.startTimerWithFixedDelay(Check.INSTANCE, Duration.ofMillis(50));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Event.class, e -> onEvent(e.event()))
        .onMessage(Check.class, c -> {
          measurement.check();
          return this;
        })
        .build();
  }

  private Behavior<Command> onEvent(GroupEvent event) {
    if (event instanceof GroupEvent.MembersChanged m) {
      if (!measurement.started() && m.members().size() >= nodes) {
        measurement.start();
        pump();
      }
    } else if (event instanceof GroupEvent.Delivered d) {
      if (!d.origin().equals(node)) measurement.delivered(1);
    } else if (event instanceof GroupEvent.Stable s) {
      stable = s.upToSeq();
      pump();
    }
    return this;
  }

  private void pump() {
    // keeps sending after its own window closed, so slower peers measure under load
    while (sent - stable < window) {
      sent++;
      member.tell(new GroupMember.Multicast(payload));
    }
  }
}
