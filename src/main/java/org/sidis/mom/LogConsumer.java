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

/**
 * One member of a consumer group of one topic (Kafka's consumer): it joins the group, and for
 * each partition the log assigns it, fetches the group's committed offset, reads from there,
 * hands every record to {@code handler} in offset order, and commits the offset after the last
 * record of each batch once the handler has it. At an end of a partition it polls again every
 * {@code poll}. When the assignment changes it drops the partitions it lost (replies still on
 * the way for them are ignored) and starts the ones it got at their committed offsets — so a
 * record handed over between a member's read and its commit is delivered again by the next
 * owner: at-least-once, as Kafka's default.
 *
 * <p>It traces {@code read} for every record and {@code commit} for every acknowledged commit
 * ({@link LogTrace}); the checker compares its reads with the producers' appends.
 */
public final class LogConsumer {

  /** A record for the application, from {@code partition} of {@code topic}. */
  public record Delivered(String topic, int partition, Entry entry) implements org.sidis.wire.CborSerializable {}

  public sealed interface Command {}

  private record FromLog(Reply reply) implements Command {}

  private record Poll(int partition, int epoch) implements Command {}

  private LogConsumer() {}

  public static Behavior<Command> create(ActorRef<LogProtocol.Command> log, String topic, String group, String member,
                                         ActorRef<Delivered> handler, Duration poll, int maxRead) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Member(ctx, timers, log, topic, group, member, handler, poll, maxRead).behavior()));
  }

  private static final class Member {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<LogProtocol.Command> log;
    private final String topic;
    private final String group;
    private final ActorRef<Delivered> handler;
    private final Duration poll;
    private final int maxRead;
    private final ActorRef<Reply> self;
    private final LogTrace trace;
    /** Owned partition → the next offset to read; -1 while its committed offset is being fetched. */
    private final Map<Integer, Long> position = new HashMap<>();
    /** Owned partition → the ownership it belongs to, so a poll of an older ownership is dropped. */
    private final Map<Integer, Integer> epochs = new HashMap<>();
    private int epoch;
    private int generation;

    Member(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<LogProtocol.Command> log, String topic,
           String group, String member, ActorRef<Delivered> handler, Duration poll, int maxRead) {
      this.ctx = ctx;
      this.timers = timers;
      this.log = log;
      this.topic = topic;
      this.group = group;
      this.handler = handler;
      this.poll = poll;
      this.maxRead = maxRead;
      this.self = ctx.messageAdapter(Reply.class, FromLog::new);
      this.trace = new LogTrace(ctx.getSystem(), ctx.getSelf().path().toStringWithoutAddress(), topic);
      log.tell(new Join(topic, group, member, self));
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(FromLog.class, m -> onReply(m.reply()))
          .onMessage(Poll.class, m -> {
            if (epochs.getOrDefault(m.partition(), -1) == m.epoch() && position.getOrDefault(m.partition(), -1L) >= 0) {
              read(m.partition());
            }
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onReply(Reply reply) {
      if (reply instanceof Assignment a) {
        if (a.generation() <= generation) return Behaviors.same();
        generation = a.generation();
        Set<Integer> now = new HashSet<>(a.partitions());
        position.keySet().removeIf(p -> !now.contains(p));
        epochs.keySet().removeIf(p -> !now.contains(p));
        for (int p : a.partitions()) {
          if (position.containsKey(p)) continue;
          position.put(p, -1L);
          epochs.put(p, ++epoch);
          log.tell(new FetchCommitted(topic, group, p, self));
        }
        ctx.getLog().info("[{}] group [{}] generation {}: reading partitions {}", topic, group, generation, a.partitions());
      } else if (reply instanceof Offset o) {
        if (position.getOrDefault(o.partition(), 0L) == -1L) {
          position.put(o.partition(), o.offset());
          read(o.partition());
        }
      } else if (reply instanceof Records r) {
        onRecords(r);
      } else if (reply instanceof CommitAck c) {
        trace.commit(group, c.partition(), c.offset());
      } else if (reply instanceof Refused r) {
        ctx.getLog().error("[{}] refused: {}", topic, r.reason());
      }
      return Behaviors.same();
    }

    private void onRecords(Records r) {
      Long at = position.get(r.partition());
      if (at == null || at != r.from()) return; // a partition no longer ours, or an older read
      List<Entry> records = r.records();
      if (records.isEmpty()) {
        timers.startSingleTimer("poll-" + r.partition(), new Poll(r.partition(), epochs.get(r.partition())), poll);
        return;
      }
      for (Entry e : records) {
        trace.read(e.msgId(), r.partition(), e.offset());
        handler.tell(new Delivered(topic, r.partition(), e));
      }
      long next = records.get(records.size() - 1).offset() + 1;
      position.put(r.partition(), next);
      log.tell(new Commit(topic, group, r.partition(), next, self));
      read(r.partition());
    }

    private void read(int partition) {
      log.tell(new Read(topic, partition, position.get(partition), maxRead, self));
    }
  }
}
