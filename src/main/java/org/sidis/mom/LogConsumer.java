package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import org.sidis.mom.LogProtocol.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One member of a consumer group of one topic (Kafka's consumer): it joins the group, and for
 * each partition the log assigns it, fetches the group's committed offset, reads from there and
 * hands every record to {@code handler} in offset order ({@link Delivered}). The handler
 * confirms each record it has processed ({@link Delivered#confirm()}); the member commits a
 * partition only up to the first record not yet confirmed, and reads the next batch of a
 * partition when the whole batch is confirmed. So a record is committed only after its
 * handler has it: at-least-once per group, as Kafka's default with manual commits after
 * processing (review 2026-12-reliability, F8: committing when records were merely queued to the
 * handler, possibly on another node, was at-most-once). Records not confirmed within
 * {@code redeliverAfter} are handed over again (a lost message, a handler that restarted).
 *
 * <p>When the assignment changes it drops the partitions it lost — their unconfirmed records
 * and late confirmations with them — and starts the ones it got at their committed offsets, so
 * a record handed out but not confirmed before a hand-over is delivered again by the next
 * owner. Commits carry the member's name and generation; one the log fences ({@link Fenced}:
 * the group moved on) is sent again under the current generation if the partition is still
 * this member's, and dropped otherwise.
 *
 * <p>It traces ({@link LogTrace}, with the group in {@code consumer_group}) {@code read} when it
 * hands a record to the handler, {@code handled} when the handler confirmed it and
 * {@code commit} for every acknowledged commit; the checker ({@code check.LogCheck}) requires
 * every record below a group's commit to be {@code handled} by that group.
 */
public final class LogConsumer {

  /** The handler's confirmation that it has processed the record at {@code offset} of {@code partition}. */
  public record Handled(String topic, int partition, long offset) implements Command, org.sidis.wire.CborSerializable {}

  /**
   * A record for the application, from {@code partition} of {@code topic}, for consumer group
   * {@code group}. The application calls {@link #confirm()} once it has processed it; until
   * then the group's offset does not move past it.
   */
  public record Delivered(String topic, String group, int partition, Entry entry, ActorRef<Handled> replyTo)
      implements org.sidis.wire.CborSerializable {
    public void confirm() {
      replyTo.tell(new Handled(topic, partition, entry.offset()));
    }
  }

  public sealed interface Command {}

  private record FromLog(Reply reply) implements Command {}

  private record Poll(int partition, int epoch) implements Command {}

  private record Redeliver(int partition, int epoch) implements Command {}

  /** How long a handed-out record may stay unconfirmed before it is handed out again, unless told. */
  public static final Duration REDELIVER_AFTER = Duration.ofSeconds(10);

  private LogConsumer() {}

  public static Behavior<Command> create(ActorRef<LogProtocol.Command> log, String topic, String group, String member,
                                         ActorRef<Delivered> handler, Duration poll, int maxRead) {
    return create(log, topic, group, member, handler, poll, maxRead, REDELIVER_AFTER);
  }

  public static Behavior<Command> create(ActorRef<LogProtocol.Command> log, String topic, String group, String member,
                                         ActorRef<Delivered> handler, Duration poll, int maxRead, Duration redeliverAfter) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Member(ctx, timers, log, topic, group, member, handler, poll, maxRead, redeliverAfter).behavior()));
  }

  /** One owned partition: where reading goes on, what the handler has not confirmed, what was committed. */
  private static final class Owned {
    final int epoch;
    /** The next offset to read; -1 while the committed offset is being fetched. */
    long position = -1;
    /** Handed to the handler, not yet confirmed, by offset. */
    final TreeMap<Long, Entry> unconfirmed = new TreeMap<>();
    /** The highest offset committed (or being committed) by this ownership. */
    long committed = -1;
    boolean committing;

    Owned(int epoch) {
      this.epoch = epoch;
    }

    /** The offset the group may commit: below the first unconfirmed record, else everything read. */
    long commitPoint() {
      return unconfirmed.isEmpty() ? position : unconfirmed.firstKey();
    }
  }

  private static final class Member {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<LogProtocol.Command> log;
    private final String topic;
    private final String group;
    private final String member;
    private final ActorRef<Delivered> handler;
    private final Duration poll;
    private final int maxRead;
    private final Duration redeliverAfter;
    private final ActorRef<Reply> self;
    private final ActorRef<Handled> confirmations;
    private final LogTrace trace;
    private final Map<Integer, Owned> owned = new HashMap<>();
    private int epoch;
    private int generation;

    Member(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<LogProtocol.Command> log, String topic,
           String group, String member, ActorRef<Delivered> handler, Duration poll, int maxRead, Duration redeliverAfter) {
      this.ctx = ctx;
      this.timers = timers;
      this.log = log;
      this.topic = topic;
      this.group = group;
      this.member = member;
      this.handler = handler;
      this.poll = poll;
      this.maxRead = maxRead;
      this.redeliverAfter = redeliverAfter;
      this.self = ctx.messageAdapter(Reply.class, FromLog::new);
      this.confirmations = ctx.getSelf().narrow();
      this.trace = new LogTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), topic);
      log.tell(new Join(topic, group, member, self));
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(FromLog.class, m -> onReply(m.reply()))
          .onMessage(Handled.class, this::onHandled)
          .onMessage(Poll.class, m -> {
            Owned o = owned.get(m.partition());
            if (o != null && o.epoch == m.epoch() && o.position >= 0 && o.unconfirmed.isEmpty()) read(m.partition());
            return Behaviors.same();
          })
          .onMessage(Redeliver.class, this::onRedeliver)
          .build();
    }

    private Behavior<Command> onReply(Reply reply) {
      if (reply instanceof Assignment a) {
        if (a.generation() <= generation) return Behaviors.same();
        generation = a.generation();
        Set<Integer> now = new HashSet<>(a.partitions());
        owned.keySet().removeIf(p -> !now.contains(p));
        for (int p : a.partitions()) {
          if (owned.containsKey(p)) continue;
          owned.put(p, new Owned(++epoch));
          log.tell(new FetchCommitted(topic, group, p, self));
        }
        ctx.getLog().info("[{}] group [{}] generation {}: reading partitions {}", topic, group, generation, a.partitions());
      } else if (reply instanceof Offset o) {
        Owned at = owned.get(o.partition());
        if (at != null && at.position == -1) {
          at.position = o.offset();
          at.committed = o.offset();
          read(o.partition());
        }
      } else if (reply instanceof Records r) {
        onRecords(r);
      } else if (reply instanceof CommitAck c) {
        trace.commit(group, c.partition(), c.offset());
        Owned at = owned.get(c.partition());
        if (at != null) {
          at.committing = false;
          commit(c.partition());
        }
      } else if (reply instanceof Fenced f) {
        Owned at = owned.get(f.partition());
        if (at != null && f.generation() < generation) {
          // Sent before this member learnt of the new generation, in which the partition is still its own.
          at.committing = false;
          at.committed = Math.min(at.committed, f.offset() - 1);
          commit(f.partition());
        } else {
          ctx.getLog().warn("[{}] {}", topic, f.reason());
        }
      } else if (reply instanceof Refused r) {
        ctx.getLog().error("[{}] refused: {}", topic, r.reason());
      }
      return Behaviors.same();
    }

    private void onRecords(Records r) {
      Owned at = owned.get(r.partition());
      // A partition no longer ours, an older read, or a batch still being handled.
      if (at == null || at.position != r.from() || !at.unconfirmed.isEmpty()) return;
      List<Entry> records = r.records();
      if (records.isEmpty()) {
        timers.startSingleTimer("poll-" + r.partition(), new Poll(r.partition(), at.epoch), poll);
        return;
      }
      for (Entry e : records) {
        at.unconfirmed.put(e.offset(), e);
        hand(r.partition(), e);
      }
      at.position = records.get(records.size() - 1).offset() + 1;
      timers.startSingleTimer("redeliver-" + r.partition(), new Redeliver(r.partition(), at.epoch), redeliverAfter);
    }

    private void hand(int partition, Entry e) {
      trace.read(group, e.msgId(), partition, e.offset());
      handler.tell(new Delivered(topic, group, partition, e, confirmations));
    }

    private Behavior<Command> onHandled(Handled h) {
      Owned at = owned.get(h.partition());
      // A late confirmation of a partition handed over, or a second one: the record is another owner's now, or done.
      Entry done = at == null ? null : at.unconfirmed.remove(h.offset());
      if (done == null) return Behaviors.same();
      trace.handled(group, done.msgId(), h.partition(), h.offset());
      commit(h.partition());
      if (at.unconfirmed.isEmpty()) {
        timers.cancel("redeliver-" + h.partition());
        read(h.partition());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onRedeliver(Redeliver m) {
      Owned at = owned.get(m.partition());
      if (at == null || at.epoch != m.epoch() || at.unconfirmed.isEmpty()) return Behaviors.same();
      ctx.getLog().warn("[{}] group [{}]: {} records of partition {} not confirmed within {}: handing them over again",
          topic, group, at.unconfirmed.size(), m.partition(), redeliverAfter);
      at.unconfirmed.values().forEach(e -> hand(m.partition(), e));
      timers.startSingleTimer("redeliver-" + m.partition(), m, redeliverAfter);
      return Behaviors.same();
    }

    /** Commits the partition up to its first unconfirmed record, one commit in flight at a time. */
    private void commit(int partition) {
      Owned at = owned.get(partition);
      long point = at.commitPoint();
      if (at.committing || point <= at.committed) return;
      at.committing = true;
      at.committed = point;
      log.tell(new Commit(topic, group, member, generation, partition, point, self));
    }

    private void read(int partition) {
      log.tell(new Read(topic, partition, owned.get(partition).position, maxRead, self));
    }
  }
}
