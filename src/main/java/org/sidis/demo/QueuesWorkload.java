package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import org.sidis.mom.QueueManager;
import org.sidis.mom.QueueProtocol;
import org.sidis.mom.QueueTrace;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The producer and the competing consumers of {@code sidis demo queues}, each a service of its
 * node ({@code queues-producer}, {@code queues-consumer}); settings {@code sidis.demo.queues}.
 * Both find the queue manager of node {@code manager} through the Receptionist and follow it
 * when it is killed and comes back as a new incarnation. They, not the queue manager, write the
 * queue's trace (DESIGN.md), which the total-queue checker reads after the run.
 */
public final class QueuesWorkload {

  private QueuesWorkload() {}

  /** What both roles accept: replies of the queue, the manager's listing, their timer. */
  public sealed interface Command {}

  private record FromQueue(QueueProtocol.Reply reply) implements Command {}

  private record ManagerListing(Receptionist.Listing listing) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** The settings of the demo's workload. */
  public record Settings(String manager, String queue, int messages, int window, int consumers, int expected,
                         Duration getTimeout, Duration retryAfter, Duration progressInterval) {
    public static Settings fromConfig(Config c) {
      Settings s = new Settings(c.getString("manager"), c.getString("queue"), c.getInt("messages"), c.getInt("window"),
          c.getInt("consumers"), c.getInt("expected"), c.getDuration("get-timeout"), c.getDuration("retry-after"),
          c.getDuration("progress-interval"));
      if (s.window < 1) throw new IllegalArgumentException("sidis.demo.queues.window must be at least 1, got " + s.window);
      if (s.consumers < 1) throw new IllegalArgumentException("sidis.demo.queues.consumers must be at least 1, got " + s.consumers);
      if (s.messages < 0) throw new IllegalArgumentException("sidis.demo.queues.messages must not be negative, got " + s.messages);
      return s;
    }
  }

  /**
   * What the producer and the consumers share: the queue manager they follow, the queue's trace
   * they write, the adapter of its replies, and the tick of their progress lines.
   */
  private abstract static class Role {
    final ActorContext<Command> ctx;
    final String node;
    final Settings settings;
    final QueueTrace trace;
    final ActorRef<QueueProtocol.Reply> replies;
    final FollowedService<QueueProtocol.Command> manager;
    final RoleProgress progress = new RoleProgress();

    Role(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings) {
      this.ctx = ctx;
      this.node = node;
      this.settings = settings;
      this.trace = new QueueTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), settings.queue());
      this.replies = ctx.messageAdapter(QueueProtocol.Reply.class, FromQueue::new);
      this.manager = FollowedService.subscribe(ctx, QueueManager.key(settings.manager()), ManagerListing::new);
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.progressInterval());
    }

    final Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(ManagerListing.class, this::onListing)
          .onMessage(FromQueue.class, this::onReply)
          .onMessage(Tick.class, t -> onTick())
          .build();
    }

    abstract Behavior<Command> onListing(ManagerListing m);

    abstract Behavior<Command> onReply(FromQueue m);

    abstract Behavior<Command> onTick();
  }

  // ------------------------------------------------------------------------------------ producer

  /**
   * PUTs {@code messages} messages {@code <node>:1…} with at most {@code window} unacknowledged.
   * A PUT not acknowledged is sent again with the same id — at once to a new incarnation of the
   * queue manager (the old one may have died between storing it and answering), and to the same
   * one after {@code retry-after}. The persistent queue takes a retry of a message it holds as
   * the same message; a retry of one already consumed is put again, and the consumers, who
   * remember what they processed, take that copy as a duplicate.
   */
  public static Behavior<Command> producer(String node, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Producer(ctx, timers, node, settings).behavior()));
  }

  private static final class Producer extends Role {
    private final Unacknowledged<String> pending = new Unacknowledged<>();
    private int next = 1;
    private long acked;
    private long refused;

    Producer(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings) {
      super(ctx, timers, node, settings);
    }

    @Override
    Behavior<Command> onListing(ManagerListing m) {
      switch (manager.onListing(m.listing())) {
        case NOTHING -> { return Behaviors.same(); }
        case GONE -> {
          ctx.getLog().info("queue manager of [{}] is gone; {} PUTs wait", settings.manager(), pending.size());
          return Behaviors.same();
        }
        case FIRST -> Progress.print("started", Map.of("node", node));
        case NEW_INCARNATION -> {
          ctx.getLog().info("queue manager of [{}] is a new incarnation: resending {} unacknowledged PUTs", settings.manager(), pending.size());
          pending.resendAll(this::send);
        }
      }
      fill();
      return Behaviors.same();
    }

    private void fill() {
      while (manager.ref() != null && pending.size() < settings.window() && next <= settings.messages()) {
        String id = node + ":" + next++;
        trace.attempt(id);
        pending.sent(id);
        send(id);
      }
    }

    private void send(String id) {
      manager.ref().tell(new QueueProtocol.Put(settings.queue(), id, "job " + id, replies));
    }

    @Override
    Behavior<Command> onReply(FromQueue m) {
      if (m.reply() instanceof QueueProtocol.PutAck a) {
        if (pending.answered(a.msgId())) {
          trace.put(a.msgId());
          acked++;
        }
      } else if (m.reply() instanceof QueueProtocol.Refused r) {
        // A refusal is the queue's final word (an oversized payload, a missing queue): say so, do not retry.
        if (pending.answered(r.msgId())) refused++;
        ctx.getLog().error("PUT [{}] refused: {}", r.msgId(), r.reason());
      }
      fill();
      return Behaviors.same();
    }

    @Override
    Behavior<Command> onTick() {
      if (manager.ref() != null) pending.resendOlderThan(settings.retryAfter(), this::send);
      progress.report(acked + refused == settings.messages(), Map.of("node", node, "multicast", acked,
          "attempted", next - 1, "retries", pending.retries(), "refused", refused, "role", "producer"));
      return Behaviors.same();
    }
  }

  // ----------------------------------------------------------------------------------- consumers

  /**
   * {@code consumers} competing consumers of one queue (one actor, one outstanding GET each):
   * each message received is processed once — traced {@code get}, acknowledged, traced
   * {@code ack} when the queue confirms. The consumers remember the ids they processed: a
   * message that comes again after it was acknowledged (a producer's retry put it again) is
   * acknowledged without being processed — the idempotent consumer.
   *
   * <p>When the queue manager comes back as a new incarnation, acknowledgements still
   * unanswered are sent again <em>before</em> new GETs, so they reach it first. The new
   * incarnation refuses one whose first attempt the old one had already stored (the message
   * is gone); that refusal confirms the first, and is traced as the ack it was.
   */
  public static Behavior<Command> consumers(String node, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Consumers(ctx, timers, node, settings).behavior()));
  }

  private static final class Consumers extends Role {
    /** Acks sent and not answered: id → whether it was re-sent to a new incarnation. */
    private final Map<String, Boolean> pendingAcks = new LinkedHashMap<>();
    /** The delivery token each unanswered ack (pending or re-ack) names: an ack names its delivery. */
    private final Map<String, String> tokens = new java.util.HashMap<>();
    private final Set<String> processed = new HashSet<>();
    private final Set<String> reAcks = new HashSet<>();
    /**
     * Acks not answered yet, with when each was last sent. A queue manager that crashed on an
     * ack lost it (its supervisor restarts it, keeping the queues and their deliveries): after
     * retry-after the ack is sent again, with the same token, and the queue takes it then.
     */
    private final Unacknowledged<String> unansweredAcks = new Unacknowledged<>();
    /** When a GET was last answered (a delivery or empty): GETs lost to a crash of the manager show as silence. */
    private long lastAnswer = System.currentTimeMillis();
    private int waiting;
    private long received;
    private long duplicates;
    private long refusedAcks;
    private long lastDelivery = System.currentTimeMillis();

    Consumers(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Settings settings) {
      super(ctx, timers, node, settings);
    }

    @Override
    Behavior<Command> onListing(ManagerListing m) {
      switch (manager.onListing(m.listing())) {
        case NOTHING, GONE -> { return Behaviors.same(); }
        case FIRST -> Progress.print("started", Map.of("node", node));
        case NEW_INCARNATION -> {
          ctx.getLog().info("queue manager of [{}] is a new incarnation: resending {} unanswered acks, then {} GETs",
              settings.manager(), pendingAcks.size(), settings.consumers());
          for (Map.Entry<String, Boolean> e : pendingAcks.entrySet()) {
            e.setValue(true);
            ack(e.getKey(), tokens.get(e.getKey()));
          }
          for (String id : reAcks) ack(id, tokens.get(id));
          waiting = 0; // the old incarnation's GETs died with it
        }
      }
      while (waiting < settings.consumers()) get();
      return Behaviors.same();
    }

    private void get() {
      waiting++;
      manager.ref().tell(new QueueProtocol.Get(settings.queue(), settings.getTimeout(), replies));
    }

    private void ack(String id, String token) {
      tokens.put(id, token);
      unansweredAcks.sent(id);
      manager.ref().tell(new QueueProtocol.Ack(settings.queue(), id, token, replies));
    }

    @Override
    Behavior<Command> onReply(FromQueue m) {
      QueueProtocol.Reply reply = m.reply();
      if (reply instanceof QueueProtocol.Delivery d) {
        waiting--;
        lastAnswer = System.currentTimeMillis();
        received++;
        lastDelivery = System.currentTimeMillis();
        trace.get(d.msgId(), d.deliveries());
        if (processed.contains(d.msgId())) {
          duplicates++;
          reAcks.add(d.msgId());
          ack(d.msgId(), d.token());
        } else if (pendingAcks.containsKey(d.msgId())) {
          // Redelivered by a new incarnation while the ack re-sent to it is unanswered: that ack
          // names the old incarnation's delivery, which the new one refuses; ack this delivery.
          duplicates++;
          reAcks.add(d.msgId());
          ack(d.msgId(), d.token());
        } else {
          pendingAcks.put(d.msgId(), false);
          ack(d.msgId(), d.token());
        }
        get();
      } else if (reply instanceof QueueProtocol.Empty) {
        waiting--;
        lastAnswer = System.currentTimeMillis();
        get();
      } else if (reply instanceof QueueProtocol.Acked a) {
        unansweredAcks.answered(a.msgId());
        // Whichever of its acks was taken, the message is acknowledged: confirm it once (the
        // other ack's refusal then finds nothing pending).
        reAcks.remove(a.msgId());
        if (pendingAcks.remove(a.msgId()) != null) confirm(a.msgId());
        tokens.remove(a.msgId());
      } else if (reply instanceof QueueProtocol.Refused r) {
        unansweredAcks.answered(r.msgId());
        if (reAcks.remove(r.msgId())) {
          if (!pendingAcks.containsKey(r.msgId())) tokens.remove(r.msgId());
          return Behaviors.same();
        }
        Boolean resent = pendingAcks.remove(r.msgId());
        if (resent == null) return Behaviors.same();
        tokens.remove(r.msgId());
        // Re-sent to a new incarnation, the ack names a delivery of the old one and is refused
        // either way: the message is gone (the first ack was stored) or ready again, and then
        // it comes back and is acknowledged as processed (reAcks).
        if (resent) {
          confirm(r.msgId());
        } else {
          refusedAcks++;
          ctx.getLog().error("ack of [{}] refused: {}", r.msgId(), r.reason());
        }
      } else {
        ctx.getLog().warn("unexpected reply {}", reply);
      }
      return Behaviors.same();
    }

    private void confirm(String id) {
      trace.ack(id);
      processed.add(id);
    }

    @Override
    Behavior<Command> onTick() {
      if (manager.ref() != null) {
        unansweredAcks.resendOlderThan(settings.retryAfter(), id -> manager.ref().tell(
            new QueueProtocol.Ack(settings.queue(), id, tokens.get(id), replies)));
        // Every GET is answered within its timeout, by a delivery or empty: silence past that
        // means the GETs were lost (the manager crashed on them), so ask again.
        long silent = System.currentTimeMillis() - lastAnswer;
        if (waiting > 0 && silent > settings.getTimeout().plus(settings.retryAfter()).toMillis()) {
          ctx.getLog().info("{} GETs unanswered for {} ms: asking again", waiting, silent);
          lastAnswer = System.currentTimeMillis();
          waiting = 0;
          while (waiting < settings.consumers()) get();
        }
      }
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("node", node);
      report.put("delivered", (long) processed.size());
      report.put("received", received);
      report.put("duplicates", duplicates);
      report.put("refused_acks", refusedAcks);
      report.put("idle_ms", System.currentTimeMillis() - lastDelivery);
      report.put("role", "consumer");
      progress.report(processed.size() >= settings.expected(), report);
      return Behaviors.same();
    }
  }
}
