package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotCompleted;
import akka.persistence.typed.SnapshotFailed;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.sidis.migration.Counter;
import org.sidis.migration.MigrationSettings;
import org.sidis.wire.CborSerializable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The baseline of {@code bench migration}: the same counter and paged state moved the Akka way —
 * as Cluster Sharding rebalances a persistent entity — stop it, persist a snapshot of its whole
 * state to the durable store (Akka Persistence over JDBC, one H2 database the two host JVMs
 * share), start a fresh incarnation on the other node that recovers from the snapshot. Requests
 * that arrive meanwhile are held and handed over in order, as a shard region buffers them during
 * a hand-off, so the client sees a wait, never an error, and nothing is applied twice. A snapshot
 * that cannot be saved ends the hand-off: the entity serves on where it was, as a failed live
 * move leaves the actor at its source.
 *
 * <p>The entity persists nothing per request, only the snapshot at the move: the cheapest move
 * the Akka way allows (persisting every request would slow its serving, not its move).
 */
public final class SnapshotRestart {

  private SnapshotRestart() {}

  /** What a host of the baseline understands (from the bench client and the other host). */
  public interface Command extends CborSerializable {}

  /** Increment the counter; {@code seq} numbers the client's requests from 1, one in flight. */
  public record Call(String client, long seq, ActorRef<Value> replyTo) implements Command {}

  /** The counter's value after the call. */
  public record Value(long value) implements CborSerializable {}

  /** To the target, first: hold the calls that come, the entity is on its way. */
  public record Expect(ActorRef<Done> replyTo) implements Command {}

  /** To the source: snapshot the entity, stop it, send held and later calls to {@code to}. */
  public record HandOff(ActorRef<Command> to, ActorRef<Done> replyTo) implements Command {}

  /** To the target, after the hand-off: recover the entity from its snapshot and serve. */
  public record Start(ActorRef<Done> replyTo) implements Command {}

  /** To the target, when the hand-off failed: send the calls held here, and later ones, to {@code to}, where the entity serves on. */
  public record Release(ActorRef<Command> to) implements Command {}

  /** A step done at {@code node} in {@code ms}, or failed with {@code failure}. */
  public record Done(String node, double ms, String failure) implements CborSerializable {}

  private record StoreOpened(Throwable failure) implements Command {}

  /** Asks for the store's tables again after a failed attempt. */
  private enum OpenStore implements Command { AGAIN }

  /** Attempts at creating the store's tables before a host gives up, {@link #STORE_RETRY} apart. */
  private static final int STORE_ATTEMPTS = 30;
  private static final java.time.Duration STORE_RETRY = java.time.Duration.ofMillis(500);

  private record Saved(String failure) implements Command {}

  private record Recovered(String failure) implements Command {}

  private record EntityStopped() implements Command {}

  /** The host at {@code node} of the baseline entity named {@code name} (one per bench cell, e.g. {@code counter-64-w4194304}). */
  public static ServiceKey<Command> hostKey(String name, String node) {
    return ServiceKey.create(Command.class, "bench-migration-restart-" + name + "-" + node);
  }

  /**
   * The host at {@code node}: it opens the store (creating the tables if missing), registers
   * itself, and on the home node starts the entity — recovering whatever a former incarnation
   * saved — and serves through it.
   */
  public static Behavior<Command> host(String node, MigrationSettings settings, long seed) {
    return Behaviors.setup(ctx -> new Host(ctx, node, settings, seed).behavior());
  }

  /** One host's role: it serves through the entity, holds calls (none here yet, or it is stopping), or forwards them. */
  private enum Role { SERVING, HOLDING, FORWARDING }

  private static final class Host {
    private final ActorContext<Command> ctx;
    private final String node;
    private final MigrationSettings settings;
    private final String name;
    private final long seed;
    private final List<Call> held = new ArrayList<>();
    private Role role = Role.HOLDING;
    private boolean storeOpen;
    private int storeAttempts;
    private ActorRef<Entity.Command> entity;
    private ActorRef<Command> forward;
    private ActorRef<Done> waiting;
    private Start pendingStart;
    private long stepStarted;
    private String failure;

    Host(ActorContext<Command> ctx, String node, MigrationSettings settings, long seed) {
      this.ctx = ctx;
      this.node = node;
      this.settings = settings;
      this.name = settings.name();
      this.seed = seed;
      openStore();
      ctx.getSystem().receptionist().tell(Receptionist.register(hostKey(name, node), ctx.getSelf()));
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Call.class, this::onCall)
          .onMessage(StoreOpened.class, this::onStoreOpened)
          .onMessage(OpenStore.class, again -> {
            openStore();
            return Behaviors.same();
          })
          .onMessage(Expect.class, e -> {
            role = Role.HOLDING;
            e.replyTo().tell(new Done(node, 0, null));
            return Behaviors.same();
          })
          .onMessage(HandOff.class, this::onHandOff)
          .onMessage(Saved.class, this::onSaved)
          .onMessage(EntityStopped.class, s -> onEntityStopped())
          .onMessage(Start.class, this::onStart)
          .onMessage(Recovered.class, this::onRecovered)
          .onMessage(Release.class, r -> {
            if (role == Role.HOLDING && entity == null) {
              role = Role.FORWARDING;
              forward = r.to();
              for (Call c : held) forward.tell(c);
              held.clear();
            }
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onCall(Call c) {
      switch (role) {
        case SERVING -> entity.tell(new Entity.Apply(c));
        case HOLDING -> held.add(c);
        case FORWARDING -> forward.tell(c);
      }
      return Behaviors.same();
    }

    private void openStore() {
      storeAttempts++;
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()), (done, e) -> new StoreOpened(e));
    }

    private Behavior<Command> onStoreOpened(StoreOpened o) {
      if (o.failure() != null) {
        // Both hosts open the one H2 store (AUTO_SERVER) and create its tables at once: one of them
        // may fail to reach the store (the other is still starting its server) or clash on a
        // CREATE. Assuming the other succeeded left both without tables under load ("Table
        // snapshot not found (this database is empty)" at recovery, DocsCommandsIT): the creation is
        // idempotent, so it is asked again until it succeeds.
        if (storeAttempts < STORE_ATTEMPTS) {
          ctx.getLog().info("[bench-migration-{}] creating the store's tables (attempt {}): {}; again in {} ms",
              name, storeAttempts, o.failure().toString(), STORE_RETRY.toMillis());
          ctx.scheduleOnce(STORE_RETRY, ctx.getSelf(), OpenStore.AGAIN);
          return Behaviors.same();
        }
        ctx.getLog().error("[bench-migration-{}] cannot create the store's tables after {} attempts: {}",
            name, storeAttempts, o.failure().toString());
      }
      storeOpen = true;
      if (node.equals(settings.home())) startEntity(null);
      if (pendingStart != null) onStart(pendingStart);
      pendingStart = null;
      return Behaviors.same();
    }

    private Behavior<Command> onHandOff(HandOff h) {
      if (role != Role.SERVING) {
        h.replyTo().tell(new Done(node, 0, "the entity does not run on " + node));
        return Behaviors.same();
      }
      role = Role.HOLDING;
      forward = h.to();
      waiting = h.replyTo();
      stepStarted = System.nanoTime();
      failure = null;
      entity.tell(new Entity.Snapshot(ctx.getSelf().narrow()));
      return Behaviors.same();
    }

    private Behavior<Command> onSaved(Saved s) {
      failure = s.failure();
      if (failure != null) { // nothing durable to restart from: the entity serves on here, the held calls first
        ctx.getLog().warn("[bench-migration-{}] hand-off at {} failed, serving on: {}", name, node, failure);
        role = Role.SERVING;
        forward = null;
        entity.tell(new Entity.Resume());
        for (Call c : held) entity.tell(new Entity.Apply(c));
        held.clear();
        waiting.tell(new Done(node, ms(), failure));
        waiting = null;
        return Behaviors.same();
      }
      ctx.watchWith(entity, new EntityStopped());
      ctx.stop(entity);
      return Behaviors.same();
    }

    private Behavior<Command> onEntityStopped() {
      entity = null;
      if (waiting == null) return Behaviors.same();
      role = Role.FORWARDING;
      for (Call c : held) forward.tell(c); // in arrival order, before any later call reaches the target
      held.clear();
      waiting.tell(new Done(node, ms(), failure));
      waiting = null;
      return Behaviors.same();
    }

    private Behavior<Command> onStart(Start s) {
      if (!storeOpen) {
        pendingStart = s;
        return Behaviors.same();
      }
      if (entity != null) {
        s.replyTo().tell(new Done(node, 0, "the entity runs on " + node + " already"));
        return Behaviors.same();
      }
      startEntity(s.replyTo());
      return Behaviors.same();
    }

    private void startEntity(ActorRef<Done> replyTo) {
      waiting = replyTo;
      stepStarted = System.nanoTime();
      entity = ctx.spawnAnonymous(Entity.create(settings, seed ^ node.hashCode(), ctx.getSelf().narrow()));
    }

    private Behavior<Command> onRecovered(Recovered r) {
      if (r.failure() != null) {
        ctx.getLog().error("[bench-migration-{}] recovery failed at {}: {}", name, node, r.failure());
      } else {
        role = Role.SERVING;
        forward = null;
        for (Call c : held) entity.tell(new Entity.Apply(c));
        held.clear();
      }
      if (waiting != null) waiting.tell(new Done(node, ms(), r.failure()));
      waiting = null;
      return Behaviors.same();
    }

    private double ms() {
      return (System.nanoTime() - stepStarted) / 1e6;
    }
  }

  /**
   * The state as the snapshot holds it: the counter, its per-client memory and the pages (64 KiB
   * each, so no single value of the encoding is large). Changed in place by the entity, as the
   * moving actor's {@link org.sidis.migration.PagedState} is: copying the pages per write would
   * measure the copy. Nothing changes it once a snapshot is asked for.
   */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
      isGetterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Image implements CborSerializable {
    private final Counter counter;
    private final byte[][] pages;

    @JsonCreator
    public Image(@JsonProperty("value") long value, @JsonProperty("last") Map<String, Counter.Last> last,
                 @JsonProperty("pages") byte[][] pages) {
      this.counter = new Counter(value, last == null ? Map.of() : last);
      this.pages = pages;
    }

    static Image empty(long bytes, int pageSize) {
      int count = (int) Math.max(1, (bytes + pageSize - 1) / pageSize);
      return new Image(0, Map.of(), new byte[count][pageSize]);
    }

    @JsonProperty("value")
    public long value() {
      return counter.value();
    }

    @JsonProperty("last")
    public Map<String, Counter.Last> last() {
      return counter.lastByClient();
    }

    @JsonProperty("pages")
    public byte[][] pages() {
      return pages;
    }

    Counter counter() {
      return counter;
    }
  }

  /** The event persisted at a hand-off; its snapshot is what the next incarnation recovers. */
  public record HandedOff(String from) implements CborSerializable {}

  /** The persistent entity: applies calls, lets its workload write pages, snapshots when handed off. */
  static final class Entity extends EventSourcedBehavior<Entity.Command, HandedOff, Image> {

    interface Command {}

    record Apply(Call call) implements Command {}

    record Snapshot(ActorRef<SnapshotRestart.Command> host) implements Command {}

    /** The snapshot failed: the workload writes again. */
    record Resume() implements Command {}

    private enum Tick implements Command { INSTANCE }

    private final String name;
    private final MigrationSettings settings;
    private final ActorRef<SnapshotRestart.Command> host;
    private final TimerScheduler<Command> timers;
    private final Random random;
    private final double writesPerTick;
    private double carry;
    private boolean stopped;

    static Behavior<Command> create(MigrationSettings settings, long seed, ActorRef<SnapshotRestart.Command> host) {
      return Behaviors.withTimers(t -> new Entity(settings, seed, host, t));
    }

    private Entity(MigrationSettings settings, long seed, ActorRef<SnapshotRestart.Command> host, TimerScheduler<Command> timers) {
      super(PersistenceId.ofUniqueId("bench-migration-" + settings.name()));
      this.name = settings.name();
      this.settings = settings;
      this.host = host;
      this.timers = timers;
      this.random = new Random(seed);
      this.writesPerTick = Math.max(0, settings.writeBytesPerSec() * settings.writeTick().toMillis() / 1000.0 / settings.pageSize());
    }

    @Override
    public Image emptyState() {
      return Image.empty(settings.stateBytes(), settings.pageSize());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(1, 1); // every hand-off snapshots; only the latest is kept
    }

    @Override
    public CommandHandler<Command, HandedOff, Image> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Apply.class, (s, a) -> {
            Counter.Result r = s.counter().apply(a.call().client(), a.call().seq());
            if (r.outcome() != Counter.Outcome.STALE) a.call().replyTo().tell(new Value(r.value()));
            return Effect().none();
          })
          .onCommand(Tick.class, (s, t) -> {
            if (stopped) return Effect().none();
            for (carry += writesPerTick; carry >= 1; carry--) {
              byte[] page = s.pages()[random.nextInt(s.pages().length)];
              page[Math.floorMod(random.nextInt(), page.length)] = (byte) random.nextInt();
            }
            return Effect().none();
          })
          .onCommand(Resume.class, (s, c) -> {
            stopped = false;
            if (writesPerTick > 0) timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.writeTick());
            return Effect().none();
          })
          .onCommand(Snapshot.class, (s, c) -> {
            stopped = true; // the workload pauses with the entity: the snapshot is its last state
            timers.cancelAll();
            return Effect().persist(new HandedOff(name));
          })
          .build();
    }

    @Override
    public EventHandler<Image, HandedOff> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s);
    }

    @Override
    public SignalHandler<Image> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), s -> {
            if (writesPerTick > 0) timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.writeTick());
            host.tell(new Recovered(null));
          })
          .onSignal(RecoveryFailed.class, (s, f) -> host.tell(new Recovered(f.getFailure().toString())))
          .onSignal(SnapshotCompleted.class, (s, c) -> host.tell(new Saved(null)))
          .onSignal(SnapshotFailed.class, (s, f) -> host.tell(new Saved("snapshot failed: " + f.getFailure())))
          .build();
    }
  }
}
