package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import org.sidis.mom.LogConsumer;
import org.sidis.mom.LogManager;
import org.sidis.mom.LogProtocol;
import org.sidis.mom.LogTrace;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The producer and the consumer group of {@code sidis demo log}, services {@code log-producer}
 * and {@code log-consumer} of their nodes; settings {@code sidis.demo.log}. Both find the event
 * log of node {@code log-node} through the Receptionist and follow it when it is killed and
 * comes back as a new incarnation. They, not the log, write the log's trace (DESIGN.md), which
 * the event-log checker reads after the run.
 */
public final class LogWorkload {

  private LogWorkload() {}

  public sealed interface Command {}

  private record FromLog(LogProtocol.Reply reply) implements Command {}

  private record LogListing(Receptionist.Listing listing) implements Command {}

  private record Got(LogConsumer.Delivered delivered) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** The settings of the demo's workload. */
  public record Settings(String logNode, String topic, int records, int keys, int window, int members, String group,
                         int partitions, Duration retryAfter, Duration poll, Duration progressInterval) {
    public static Settings fromConfig(Config c) {
      Settings s = new Settings(c.getString("log-node"), c.getString("topic"), c.getInt("records"), c.getInt("keys"),
          c.getInt("window"), c.getInt("members"), c.getString("group"), c.getInt("partitions"), c.getDuration("retry-after"),
          c.getDuration("poll"), c.getDuration("progress-interval"));
      if (s.window < 1 || s.members < 1 || s.keys < 1 || s.records < 0 || s.partitions < 1) {
        throw new IllegalArgumentException("sidis.demo.log: window, members, keys and partitions must be at least 1 and records"
            + " not negative, got " + s);
      }
      return s;
    }
  }

  /**
   * What the producer and the consumer group share: the event log they follow, the adapter of
   * its replies, and the tick of their progress lines.
   */
  private abstract static class Client {
    final ActorContext<Command> ctx;
    final String node;
    final Settings settings;
    final ActorRef<LogProtocol.Reply> replies;
    final FollowedService<LogProtocol.Command> log;
    final RoleProgress progress = new RoleProgress();

    Client(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings) {
      this.ctx = ctx;
      this.node = node;
      this.settings = settings;
      this.replies = ctx.messageAdapter(LogProtocol.Reply.class, FromLog::new);
      this.log = FollowedService.subscribe(ctx, LogManager.key(settings.logNode()), LogListing::new);
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.progressInterval());
    }
  }

  // ------------------------------------------------------------------------------------ producer

  /**
   * Appends {@code records} records {@code <node>:1…} under {@code keys} keys, at most
   * {@code window} unacknowledged; an unacknowledged append is sent again with the same id to a
   * new incarnation of the log and after {@code retry-after} — the log answers a retry with the
   * first offset, so a retry is never a second record.
   */
  public static Behavior<Command> producer(String node, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Producer(ctx, timers, node, settings).behavior()));
  }

  private static final class Producer extends Client {
    private final LogTrace trace;
    private final Unacknowledged<Integer> pending = new Unacknowledged<>();
    private int next = 1;
    private long acked;
    private long refused;

    Producer(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings) {
      super(ctx, timers, node, settings);
      this.trace = new LogTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), settings.topic());
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(LogListing.class, this::onListing)
          .onMessage(FromLog.class, this::onReply)
          .onMessage(Tick.class, t -> onTick())
          .build();
    }

    private Behavior<Command> onListing(LogListing m) {
      switch (log.onListing(m.listing())) {
        case NOTHING, GONE -> { return Behaviors.same(); }
        case FIRST -> Progress.print("started", Map.of("node", node));
        case NEW_INCARNATION -> {
          ctx.getLog().info("event log of [{}] is a new incarnation: resending {} unacknowledged appends", settings.logNode(), pending.size());
          pending.resendAll(this::send);
        }
      }
      fill();
      return Behaviors.same();
    }

    private void fill() {
      while (log.ref() != null && pending.size() < settings.window() && next <= settings.records()) {
        pending.sent(next);
        send(next++);
      }
    }

    private void send(int i) {
      log.ref().tell(new LogProtocol.Append(settings.topic(), "key-" + (i % settings.keys()), node + ":" + i, "record " + i, replies));
    }

    private Behavior<Command> onReply(FromLog m) {
      if (m.reply() instanceof LogProtocol.AppendAck a) {
        int i = Integer.parseInt(a.msgId().substring(a.msgId().indexOf(':') + 1));
        if (pending.answered(i)) {
          trace.append(a.msgId(), a.partition(), a.offset());
          acked++;
        }
      } else if (m.reply() instanceof LogProtocol.Refused r) {
        ctx.getLog().error("append [{}] refused: {}", r.msgId(), r.reason());
        if (r.msgId() != null && pending.answered(Integer.parseInt(r.msgId().substring(r.msgId().indexOf(':') + 1)))) refused++;
      }
      fill();
      return Behaviors.same();
    }

    private Behavior<Command> onTick() {
      if (log.ref() != null) pending.resendOlderThan(settings.retryAfter(), this::send);
      progress.report(acked + refused == settings.records(), Map.of("node", node, "multicast", acked,
          "retries", pending.retries(), "refused", refused, "role", "producer"));
      return Behaviors.same();
    }
  }

  // ------------------------------------------------------------------------------ consumer group

  /**
   * {@code members} members of consumer group {@code group} ({@link LogConsumer}s). When the log
   * comes back as a new incarnation they are replaced by members of the new one, which resume
   * from the group's committed offsets. Once the group has read all {@code expected} records,
   * an auditor replays the whole topic from offset 0 and reports.
   */
  public static Behavior<Command> consumers(String node, Settings settings, int expected) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Group(ctx, timers, node, settings, expected).behavior()));
  }

  private static final class Group extends Client {
    private final int expected;
    private final ActorRef<LogConsumer.Delivered> handler;
    private final Set<String> seen = new HashSet<>();
    private final List<ActorRef<LogConsumer.Command>> members = new ArrayList<>();
    private int incarnation;
    private long received;
    /** The auditor's replay: partition → next offset, and what it has read. */
    private final Map<Integer, Long> audit = new LinkedHashMap<>();
    private LogTrace auditTrace;
    private long audited;

    Group(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings, int expected) {
      super(ctx, timers, node, settings);
      this.expected = expected;
      this.handler = ctx.messageAdapter(LogConsumer.Delivered.class, Got::new);
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(LogListing.class, this::onListing)
          .onMessage(Got.class, m -> {
            received++;
            seen.add(m.delivered().entry().msgId());
            m.delivered().confirm(); // processed: the group may commit past it (at-least-once)
            if (seen.size() >= expected && auditTrace == null) startAudit();
            return Behaviors.same();
          })
          .onMessage(FromLog.class, m -> onAuditRead(m.reply()))
          .onMessage(Tick.class, t -> onTick())
          .build();
    }

    private Behavior<Command> onListing(LogListing m) {
      FollowedService.Change change = log.onListing(m.listing());
      if (change == FollowedService.Change.NOTHING || change == FollowedService.Change.GONE) return Behaviors.same();
      if (change == FollowedService.Change.FIRST) Progress.print("started", Map.of("node", node));
      incarnation++;
      members.forEach(ctx::stop); // they talk to the dead incarnation; their successors resume from committed offsets
      members.clear();
      for (int i = 1; i <= settings.members(); i++) {
        members.add(ctx.spawn(LogConsumer.create(log.ref(), settings.topic(), settings.group(), node + "-member-" + i, handler,
            settings.poll(), 100), "member-" + i + "-" + incarnation));
      }
      if (auditTrace != null) audit.forEach((p, next) -> { if (next >= 0) auditRead(p); });
      return Behaviors.same();
    }

    private void startAudit() {
      auditTrace = new LogTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress() + "/auditor", settings.topic());
      for (int p = 0; p < settings.partitions(); p++) {
        audit.put(p, 0L);
        auditRead(p);
      }
    }

    private void auditRead(int partition) {
      log.ref().tell(new LogProtocol.Read(settings.topic(), partition, audit.get(partition), 200, replies));
    }

    private Behavior<Command> onAuditRead(LogProtocol.Reply reply) {
      if (reply instanceof LogProtocol.Records r && audit.containsKey(r.partition()) && audit.get(r.partition()) == r.from()) {
        for (LogProtocol.Entry e : r.records()) {
          auditTrace.read(e.msgId(), r.partition(), e.offset());
          audited++;
        }
        long next = r.from() + r.records().size();
        audit.put(r.partition(), next);
        if (next < r.end()) auditRead(r.partition());
        else audit.put(r.partition(), -1L - next); // this partition is replayed to its end
      } else if (reply instanceof LogProtocol.Refused r) {
        ctx.getLog().error("audit read refused: {}", r.reason());
      }
      return Behaviors.same();
    }

    private boolean audited() {
      return auditTrace != null && audit.values().stream().allMatch(v -> v < 0);
    }

    private Behavior<Command> onTick() {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("node", node);
      report.put("delivered", (long) seen.size());
      report.put("received", received);
      report.put("replayed", audited);
      report.put("role", "consumer");
      progress.report(audited(), report);
      return Behaviors.same();
    }
  }
}
