package org.sidis.migration.code;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.membership.NodeNames;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Fetch;
import org.sidis.migration.code.CodeProtocol.Outcome;
import org.sidis.migration.code.CodeProtocol.Publish;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;
import org.sidis.migration.code.CodeProtocol.Ship;

import java.time.Duration;
import java.util.Set;

/**
 * Runs one unit at one node and reports its output (service {@code code-run},
 * {@code sidis.migration.code.run}): with a jar, it publishes the unit on this node's host; with
 * {@code at} another node, it pushes the unit there as soon as that node's host is listed
 * (sender-initiated); with {@code at} this node, it fetches the unit from a member that has it,
 * asking again while none does (receiver-initiated). Either way it hands the running job
 * {@code input} and logs and traces ({@code code-result}) what came back.
 */
final class RunAt {

  /** What one run is told. */
  record Settings(CodeUnit unit, String name, String at, java.util.List<String> input, Duration giveUp) {}

  interface Message {}

  private enum Tick implements Message { INSTANCE }

  private record Listed(Set<ActorRef<Command>> hosts) implements Message {}

  private record Answered(Outcome outcome) implements Message {}

  private record Result(MobileJob.Output output) implements Message {}

  private final ActorContext<Message> ctx;
  private final TimerScheduler<Message> timers;
  private final Settings settings;
  private final ActorRef<Command> host;
  private final CodeTrace trace;
  private final long deadline;
  private String digest;

  private RunAt(ActorContext<Message> ctx, TimerScheduler<Message> timers, Settings settings, ActorRef<Command> host) {
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.host = host;
    this.trace = new CodeTrace(ctx);
    this.deadline = System.nanoTime() + settings.giveUp().toNanos();
  }

  static Behavior<Message> create(Settings settings, ActorRef<Command> host) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RunAt(ctx, timers, settings, host).start()));
  }

  private Behavior<Message> start() {
    if (settings.unit() != null) host.tell(new Publish(settings.unit()));
    if (settings.at().isEmpty()) return Behaviors.ignore();
    timers.startSingleTimer(Tick.INSTANCE, Duration.ZERO);
    return Behaviors.receive(Message.class)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Result.class, this::onResult)
        .build();
  }

  private boolean here() {
    return settings.at().equals(trace.node());
  }

  private Behavior<Message> onTick() {
    if (System.nanoTime() > deadline) {
      ctx.getLog().warn("[{}] gave up: not running at [{}] after sidis.migration.code.run.give-up = {}", settings.name(), settings.at(), settings.giveUp());
      return Behaviors.ignore();
    }
    if (here()) host.tell(new Fetch(settings.name(), null, ctx.messageAdapter(Outcome.class, Answered::new)));
    else ctx.ask(Receptionist.Listing.class, ctx.getSystem().receptionist(), Duration.ofSeconds(5), ref -> Receptionist.find(CodeHost.KEY, ref),
        (listing, failure) -> new Listed(listing == null ? Set.of() : listing.getServiceInstances(CodeHost.KEY)));
    return Behaviors.same();
  }

  private Behavior<Message> onListed(Listed l) {
    ActorRef<Command> there = NodeNames.name(ctx.getSystem(), l.hosts(), true).named().get(settings.at());
    if (there == null) {
      timers.startSingleTimer(Tick.INSTANCE, Duration.ofMillis(500));
      return Behaviors.same();
    }
    host.tell(new Ship(settings.unit(), there, ctx.messageAdapter(Outcome.class, Answered::new)));
    return Behaviors.same();
  }

  private Behavior<Message> onAnswered(Answered a) {
    if (a.outcome() instanceof Running r) {
      digest = r.digest();
      ctx.getLog().info("[{}] runs at [{}]; handing it {} lines", r.unit(), r.node(), settings.input().size());
      r.job().tell(new MobileJob.Run(settings.input(), ctx.messageAdapter(MobileJob.Output.class, Result::new)));
      return Behaviors.same();
    }
    Refused r = (Refused) a.outcome();
    if (r.reason() == Refusal.UNKNOWN_UNIT && here()) { // nobody has published it yet: ask again
      timers.startSingleTimer(Tick.INSTANCE, Duration.ofSeconds(1));
      return Behaviors.same();
    }
    if (r.reason() == Refusal.NOT_MEMBER) {
      // A node that has just joined is Up in one member's view seconds before another's: a fresh clone's CI saw n3
      // refuse the unit n2 answered its fetch with while n3's view had n1 alone Up. Asked again until give-up; a
      // sender that never becomes an Up member is refused every time.
      ctx.getLog().info("[{}] refused for now: {} ({}); asking again", r.unit(), r.reason(), r.detail());
      timers.startSingleTimer(Tick.INSTANCE, Duration.ofSeconds(1));
      return Behaviors.same();
    }
    ctx.getLog().warn("[{}] not run at [{}]: {} ({})", r.unit(), settings.at(), r.reason(), r.detail());
    return Behaviors.ignore();
  }

  private Behavior<Message> onResult(Result r) {
    ctx.getLog().info("[{}] ran at [{}]: {}", settings.name(), r.output().node(), r.output().lines());
    trace.result(settings.name(), digest, r.output().node(), r.output().lines());
    return Behaviors.ignore();
  }
}
