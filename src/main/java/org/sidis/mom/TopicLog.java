package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import org.sidis.wire.CborSerializable;
import org.sidis.mom.LogProtocol.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One topic of the event log: {@link EventLog} as an event-sourced actor over the same JDBC
 * journal as the persistent queues (H2 by default, PostgreSQL by configuration). An append is
 * answered {@link AppendAck} only after its {@link RecordAppended} event is in the journal, a
 * commit {@link CommitAck} only after its {@link OffsetCommitted} is; after a restart the
 * journal replays both, so every acknowledged record is back at its offset and every group
 * resumes where it committed. The journal's own sequence is the partitions' order, so offsets
 * come back the same. The partition of a keyless record is chosen before it is journaled and
 * the event carries it, so a replay cannot place it elsewhere.
 *
 * <p>Consumer-group membership is not journaled: members are actors of one incarnation, and
 * after a restart they join again. Each change of a group's members gives every member its new
 * {@link Assignment} (Kafka's range assignor, see {@link EventLog#assign}), numbered by a
 * generation. A commit is fenced by it: only the member that owns the partition in the group's
 * current generation, from the reply address it joined with, may commit it; a member that lost
 * the partition — paused through the rebalance, or behind on its mail — is answered
 * {@link Fenced} and the group's offset does not move (Kafka's generation fencing; review
 * 2026-12-reliability, F8). Generations are not journaled either: after a restart they count
 * from 1 again, but the members (and their reply addresses) are new too, so a zombie of the old
 * incarnation is no member of the new one and is fenced.
 */
public final class TopicLog extends EventSourcedBehavior<Command, TopicLog.Event, EventLog> {

  /** What the journal keeps. */
  public sealed interface Event extends CborSerializable permits TopicCreated, RecordAppended, OffsetCommitted {}

  /**
   * The partition count the topic was opened with, journaled once (the first start of the topic,
   * or the first start of this code on an older journal), so that a later start can tell that
   * its configuration changed the count.
   */
  public record TopicCreated(int partitions) implements Event {}

  public record RecordAppended(int partition, String key, String msgId, String value) implements Event {}

  public record OffsetCommitted(String group, int partition, long offset) implements Event {}

  private record MemberStopped(String group, String member) implements Command {}

  /** Appends that arrived while the previous batch was being written, as one write. */
  record AppendAll(List<Append> appends, ActorRef<Written> replyTo) implements Command {}

  /** The journal took (or refused) the batch; the writer may send the next one. */
  enum Written implements Command { INSTANCE }

  private enum WriteTimedOut implements Command { INSTANCE }

  /** After a replay that found no {@link TopicCreated}: journal it now. */
  private enum RecordCreation implements Command { INSTANCE }

  /**
   * The topic as its owner sees it: a writer in front of the journaled actor. One journal
   * write per append would cost a database round trip each; so the writer gathers the appends
   * that arrive while a write is under way and sends them as the next {@link AppendAll},
   * persisted as one atomic batch (at most {@code sidis.mom.log.max-batch}). Reads, commits and
   * the rest go straight through.
   */
  public static Behavior<Command> create(String node, String topic, int partitions, LogSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<Command> journal = ctx.spawn(journaled(node, topic, partitions, settings), "journal");
      List<Append> waiting = new ArrayList<>();
      boolean[] writing = {false};
      ActorRef<Written> written = ctx.messageAdapter(Written.class, w -> w);
      Runnable flush = () -> {
        if (writing[0] || waiting.isEmpty()) return;
        int n = Math.min(waiting.size(), settings.maxBatch());
        journal.tell(new AppendAll(new ArrayList<>(waiting.subList(0, n)), written));
        waiting.subList(0, n).clear();
        writing[0] = true;
        // A journal that fails a write restarts and never answers: its appends stay
        // unacknowledged (producers retry) and the writer moves on.
        timers.startSingleTimer(WriteTimedOut.INSTANCE, Duration.ofSeconds(10));
      };
      return Behaviors.receive(Command.class)
          .onMessage(Append.class, m -> { waiting.add(m); flush.run(); return Behaviors.same(); })
          .onMessage(Written.class, m -> {
            timers.cancel(WriteTimedOut.INSTANCE);
            writing[0] = false;
            flush.run();
            return Behaviors.same();
          })
          .onMessage(WriteTimedOut.class, m -> {
            ctx.getLog().warn("[{}] the journal did not confirm a write within 10 s; moving on", topic);
            writing[0] = false;
            flush.run();
            return Behaviors.same();
          })
          .onAnyMessage(m -> { journal.tell(m); return Behaviors.same(); })
          .build();
    }));
  }

  private static Behavior<Command> journaled(String node, String topic, int partitions, LogSettings settings) {
    return Behaviors.setup(ctx -> new TopicLog(ctx, PersistenceId.of("sidis-log", node + "/" + topic, "|"), topic, partitions, settings));
  }

  private final ActorContext<Command> ctx;
  private final String topic;
  private final int partitions;
  private final LogSettings settings;
  /** group → member → its reply address, in member order. */
  private final Map<String, TreeMap<String, ActorRef<Reply>>> groups = new HashMap<>();
  private final Map<String, Integer> generations = new HashMap<>();
  /** group → member → the partitions it reads in the current generation. */
  private final Map<String, Map<String, List<Integer>>> assignments = new HashMap<>();
  /** Why this topic cannot open (its partition count changed), or null: then it answers everything with it. */
  private String refusal;

  private TopicLog(ActorContext<Command> ctx, PersistenceId id, String topic, int partitions, LogSettings settings) {
    // A journal that fails a write stops the topic; it comes back and replays after a backoff.
    // Its pending appends were not acknowledged, so their producers retry.
    super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.ctx = ctx;
    this.topic = topic;
    this.partitions = partitions;
    this.settings = settings;
  }

  @Override
  public EventLog emptyState() {
    return new EventLog(topic, partitions, settings.maxRecordBytes());
  }

  @Override
  public EventHandler<EventLog, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(TopicCreated.class, (log, e) -> { log.restoreCreated(e.partitions()); return log; })
        // Never today's limits on yesterday's records (restore, not append): a lowered max-record-bytes must not fail the replay.
        .onEvent(RecordAppended.class, (log, e) -> { log.restore(e.partition(), e.key(), e.msgId(), e.value()); return log; })
        .onEvent(OffsetCommitted.class, (log, e) -> { log.commit(e.group(), e.partition(), e.offset()); return log; })
        .build();
  }

  /**
   * After the replay: a topic whose configured partition count differs from the one it was
   * created with does not open — it logs why, naming both counts, and refuses every command
   * with that reason (the other topics open as usual; nothing of this one is touched). Raising
   * the count would re-hash keys and break per-key order, lowering it would strand records;
   * neither is a restart's business.
   */
  @Override
  public akka.persistence.typed.javadsl.SignalHandler<EventLog> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(akka.persistence.typed.RecoveryCompleted.instance(), log -> {
          refusal = log.partitionCountChange(partitions);
          if (refusal != null) ctx.getLog().error("[{}] not opened: {}", topic, refusal);
          else if (log.createdWith() == 0) ctx.getSelf().tell(RecordCreation.INSTANCE);
        })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, EventLog> commandHandler() {
    var handlers = newCommandHandlerBuilder();
    handlers.forState(log -> refusal != null)
        .onCommand(AppendAll.class, (log, m) -> {
          for (Append a : m.appends()) a.replyTo().tell(new Refused(topic, a.msgId(), refusal));
          m.replyTo().tell(Written.INSTANCE);
          return Effect().none();
        })
        .onCommand(TopicCommand.class, (log, m) -> {
          m.replyTo().tell(new Refused(topic, m instanceof Append a ? a.msgId() : null, refusal));
          return Effect().none();
        })
        .onAnyCommand((log, m) -> Effect().none());
    handlers.forAnyState()
        .onCommand(RecordCreation.class, (log, m) ->
            log.createdWith() == 0 ? Effect().persist(new TopicCreated(partitions)) : Effect().none())
        .onCommand(AppendAll.class, this::onAppendAll)
        .onCommand(Read.class, this::onRead)
        .onCommand(Commit.class, this::onCommit)
        .onCommand(FetchCommitted.class, (log, m) -> {
          try {
            m.replyTo().tell(new Offset(topic, m.group(), m.partition(), log.committed(m.group(), m.partition())));
          } catch (IllegalArgumentException e) {
            m.replyTo().tell(new Refused(topic, null, e.getMessage()));
          }
          return Effect().none();
        })
        .onCommand(Join.class, (log, m) -> onJoin(m))
        .onCommand(Leave.class, (log, m) -> leave(m.group(), m.member()))
        .onCommand(MemberStopped.class, (log, m) -> leave(m.group(), m.member()));
    return handlers.build();
  }

  /**
   * A batch of appends, journaled as one write: each is answered {@link AppendAck} once every
   * event of the batch is stored. A refused append is answered at once; a retry of a stored
   * record (or a second copy in the batch) is answered with the first one's offset. Partitions
   * are chosen here, in arrival order, and travel in the events.
   */
  private Effect<Event, EventLog> onAppendAll(EventLog log, AppendAll batch) {
    List<Event> events = new ArrayList<>();
    List<Append> accepted = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    int roundRobin = log.partitionFor(null);
    for (Append m : batch.appends()) {
      String why = log.refusal(m.msgId(), m.value());
      if (why != null) {
        m.replyTo().tell(new Refused(topic, m.msgId(), why));
        continue;
      }
      accepted.add(m);
      if (log.appended(m.msgId()) != null || !ids.add(m.msgId())) continue;
      int partition;
      if (m.key() == null) {
        partition = roundRobin;
        roundRobin = (roundRobin + 1) % partitions;
      } else {
        partition = log.partitionFor(m.key());
      }
      events.add(new RecordAppended(partition, m.key(), m.msgId(), m.value()));
    }
    java.util.function.Consumer<EventLog> confirm = after -> {
      for (Append m : accepted) {
        EventLog.Position at = after.appended(m.msgId());
        m.replyTo().tell(new AppendAck(topic, m.msgId(), at.partition(), at.offset()));
      }
      batch.replyTo().tell(Written.INSTANCE);
    };
    if (events.isEmpty()) {
      confirm.accept(log);
      return Effect().none();
    }
    return Effect().persist(events).thenRun(confirm::accept);
  }

  private Effect<Event, EventLog> onRead(EventLog log, Read m) {
    if (m.max() < 1) {
      m.replyTo().tell(new Refused(topic, null, "a read needs max ≥ 1, got " + m.max()));
      return Effect().none();
    }
    try {
      // At most max-read-records, and no more bytes than one largest record: a reply must fit
      // Artery's frame, or it would be dropped on the way. The largest may be an older record,
      // stored before max-record-bytes was lowered.
      long cap = Math.max(settings.maxRecordBytes(), log.largestValueBytes());
      List<Entry> entries = new ArrayList<>();
      long bytes = 0;
      for (EventLog.Record r : log.read(m.partition(), m.from(), Math.min(m.max(), settings.maxReadRecords()))) {
        bytes += r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + (r.key() == null ? 0 : r.key().length()) + r.msgId().length();
        if (!entries.isEmpty() && bytes > cap) break;
        entries.add(new Entry(r.offset(), r.key(), r.msgId(), r.value()));
      }
      m.replyTo().tell(new Records(topic, m.partition(), m.from(), entries, log.endOffset(m.partition())));
    } catch (IllegalArgumentException e) {
      m.replyTo().tell(new Refused(topic, null, e.getMessage()));
    }
    return Effect().none();
  }

  private Effect<Event, EventLog> onCommit(EventLog log, Commit m) {
    String why = log.commitRefusal(m.group(), m.partition(), m.offset());
    if (why != null) {
      m.replyTo().tell(new Refused(topic, null, why));
      return Effect().none();
    }
    Fenced fenced = fence(m);
    if (fenced != null) {
      ctx.getLog().warn("[{}] {}", topic, fenced.reason());
      m.replyTo().tell(fenced);
      return Effect().none();
    }
    return Effect().persist(new OffsetCommitted(m.group(), m.partition(), m.offset()))
        .thenRun(after -> m.replyTo().tell(new CommitAck(topic, m.group(), m.partition(), m.offset())));
  }

  /** Why {@code m} may not move the group's offset, or null when it comes from the partition's current owner. */
  private Fenced fence(Commit m) {
    TreeMap<String, ActorRef<Reply>> members = groups.getOrDefault(m.group(), new TreeMap<>());
    int current = generations.getOrDefault(m.group(), 0);
    String owner = null;
    for (Map.Entry<String, List<Integer>> a : assignments.getOrDefault(m.group(), Map.of()).entrySet()) {
      if (a.getValue().contains(m.partition())) owner = a.getKey();
    }
    String who = m.member() == null ? "a commit without a member" : "member [" + m.member() + "] of generation " + m.generation();
    String reason;
    if (members.isEmpty()) {
      if (m.member() == null && m.generation() == 0) return null;
      reason = who + " to group [" + m.group() + "], which has no members now (generation " + current + ")";
    } else if (m.member() == null) {
      reason = "a commit without a member to group [" + m.group() + "], which has members " + members.keySet()
          + " in generation " + current + ": commit as the member that owns the partition";
    } else if (m.generation() != current) {
      reason = who + " is stale: group [" + m.group() + "] is at generation " + current + ", where partition " + m.partition()
          + " belongs to " + (owner == null ? "no member" : "[" + owner + "]");
    } else if (!m.replyTo().equals(members.get(m.member()))) {
      reason = who + " committed from " + m.replyTo() + ", not from the address it joined group [" + m.group() + "] with";
    } else if (!m.member().equals(owner)) {
      reason = who + " does not own partition " + m.partition() + " of group [" + m.group() + "]; "
          + (owner == null ? "no member does" : "[" + owner + "] does");
    } else {
      return null;
    }
    return new Fenced(topic, m.group(), m.partition(), m.offset(), m.generation(), current, owner,
        "commit of partition " + m.partition() + " offset " + m.offset() + " fenced: " + reason);
  }

  private Effect<Event, EventLog> onJoin(Join m) {
    if (m.group() == null || m.group().isBlank() || m.member() == null || m.member().isBlank()) {
      m.replyTo().tell(new Refused(topic, null, "a join needs a group and a member name, got group [" + m.group()
          + "] member [" + m.member() + "]"));
      return Effect().none();
    }
    TreeMap<String, ActorRef<Reply>> members = groups.computeIfAbsent(m.group(), g -> new TreeMap<>());
    ActorRef<Reply> before = members.put(m.member(), m.replyTo());
    if (before != null && !before.equals(m.replyTo())) ctx.unwatch(before);
    ctx.watchWith(m.replyTo(), new MemberStopped(m.group(), m.member()));
    reassign(m.group());
    return Effect().none();
  }

  private Effect<Event, EventLog> leave(String group, String member) {
    TreeMap<String, ActorRef<Reply>> members = groups.get(group);
    if (members == null || members.remove(member) == null) return Effect().none();
    ctx.getLog().info("[{}] member [{}] left group [{}]", topic, member, group);
    reassign(group);
    return Effect().none();
  }

  private void reassign(String group) {
    TreeMap<String, ActorRef<Reply>> members = groups.get(group);
    int generation = generations.merge(group, 1, Integer::sum);
    Map<String, List<Integer>> assignment = EventLog.assign(new ArrayList<>(members.keySet()), partitions);
    assignments.put(group, assignment);
    members.forEach((member, ref) -> ref.tell(new Assignment(topic, group, member, assignment.get(member), generation)));
    ctx.getLog().info("[{}] group [{}] generation {}: {}", topic, group, generation, assignment);
  }
}
