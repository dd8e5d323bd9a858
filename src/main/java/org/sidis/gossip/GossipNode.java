package org.sidis.gossip;

import org.sidis.trace.Events;
import org.sidis.membership.NodeNames;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.net.NetworkModel;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One replica of a gossip store in a cluster: the thin actor shell around {@link GossipCore}.
 * The in-process {@link Simulation} drives the same core without an actor (Demers et al. 1987,
 * "Epidemic algorithms for replicated database maintenance", rounds and all).
 *
 * <p>It feeds the core what arrives — view changes, its timers, wire messages after the
 * {@link NetworkModel} has decided whether, when and how often they arrive on that link — and
 * carries out what the core asks: tells, trace lines ({@link GossipTrace}, shared with the
 * simulation), events to subscribers. Its clock ({@link Clocking}):
 * <ul>
 *   <li>{@code TIMERS} — a cluster node or an in-process benchmark: rounds every
 *       {@code interval}, backup anti-entropy and certificate sweeps on their own timers,
 *       messages handled when the network model delivers them;</li>
 *   <li>{@code MANUAL} — probe tests: messages handled at once, a round when told.</li>
 * </ul>
 * In a cluster the node registers with the Receptionist under its group's key; the view is
 * the set of registered replicas on reachable cluster members, named by their roles
 * {@code sidis-node-<name>}, and the core picks its random live peers from it.
 */
public final class GossipNode extends AbstractBehavior<GossipNode.Command> {

  /** Everything a node accepts: the application's commands, the wire, and its clocks. */
  public interface Command {}

  // ------------------------------------------------------------------ application API

  /** Write {@code value} under {@code key} here. */
  public record Write(String key, String value) implements Command {}

  /** Delete {@code key} here (a death certificate). */
  public record Delete(String key) implements Command {}

  /** Send every {@link GossipEvent} of this node to {@code subscriber}. */
  public record Subscribe(ActorRef<GossipEvent> subscriber) implements Command {}

  /** Ask for the node's {@link State}. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  /** What a node holds now: the members it gossips with (itself included), its digest, the fingerprint of its live store, and counters. */
  public record State(String node, String group, List<String> members, Digest digest, String fingerprint,
                      Map<String, String> values, int live, int certificates, int dormant, int hot, long sent) {

    /** What {@code core} holds now, having sent {@code sent} messages: the same for an actor and a simulated node. */
    static State of(GossipCore core, long sent) {
      Store store = core.store();
      Map<String, String> values = new LinkedHashMap<>();
      store.live().forEach((k, e) -> values.put(k, e.value()));
      List<String> members = new ArrayList<>(core.peers());
      members.add(core.self());
      members.sort(NodeNames.ORDER);
      return new State(core.self(), core.settings().group(), List.copyOf(members), store.digest(), store.fingerprint(), values,
          values.size(), store.activeCertificates(), store.dormantCertificates(), core.hot(), sent);
    }
  }

  /** Write the node's {@code state} trace line (at the end of a run), then reply. */
  public record TraceState(ActorRef<Done> replyTo) implements Command {}

  /** The view as names and addresses (from the Receptionist, a simulation or a test). */
  public record ViewChanged(Map<String, ActorRef<Command>> members) implements Command {}

  // ------------------------------------------------------------------ clocks from outside

  /** MANUAL: run one round of the mode now. */
  public enum RunRound implements Command { INSTANCE }

  /** MANUAL: run one exchange of the backup anti-entropy now. */
  public enum RunBackup implements Command { INSTANCE }

  /** MANUAL: sweep certificates now. */
  public enum Sweep implements Command { INSTANCE }

  public enum Clocking { TIMERS, MANUAL }

  // ------------------------------------------------------------------ internal

  private enum Tick implements Command { INSTANCE }

  private enum BackupTick implements Command { INSTANCE }

  private enum SweepTick implements Command { INSTANCE }

  /** A message the network model held back until now. */
  private record Arrived(GossipMessage message) implements Command {}

  private record ListingChanged(Receptionist.Listing listing) implements Command {}

  public static ServiceKey<Command> key(String group) {
    return ServiceKey.create(Command.class, "sidis-gossip-" + group);
  }

  /**
   * A cluster replica: named by the node, finds its peers through the Receptionist and the
   * members' roles, runs on timers, and writes its {@code state} line when the node shuts down.
   */
  public static Behavior<Command> create(GossipSettings settings, NetworkModel network, long seed) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ServiceKey<Command> key = key(settings.group());
      ctx.getSystem().receptionist().tell(Receptionist.register(key, ctx.getSelf()));
      ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, ListingChanged::new);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(key, adapter));
      ActorRef<Command> self = ctx.getSelf();
      akka.actor.typed.ActorSystem<?> system = ctx.getSystem();
      // Before the node leaves the cluster: the store as it ended, for the convergence checker.
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
          "sidis-gossip-state-" + settings.group(), () ->
              AskPattern.<Command, Done>ask(self, TraceState::new, Duration.ofSeconds(5), system.scheduler())
                  .exceptionally(failure -> Done.getInstance())
                  .toCompletableFuture());
      String name = Traces.get(system).node();
      // A cluster node can be restarted under its name (a new JVM, or this actor by its
      // supervisor): each start is a new incarnation with its own update ids (review 2026-12, F10).
      return new GossipNode(ctx, timers, name, Incarnation.startingNow(name), settings, network, Clocking.TIMERS, true, seed);
    }));
  }

  /** A replica whose view comes from {@link ViewChanged} alone: in-process runs and probe tests. */
  public static Behavior<Command> createInProcess(String name, GossipSettings settings, NetworkModel network,
                                                  Clocking clocking, long seed) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new GossipNode(ctx, timers, name, new Incarnation(name, null, 0), settings, network, clocking, false, seed)));
  }

  private final GossipSettings settings;
  private final NetworkModel network;
  private final boolean discovery;
  private final String self;
  private final GossipTrace trace;
  private final GossipCore core;
  private final List<ActorRef<GossipEvent>> subscribers = new ArrayList<>();
  private final Map<String, ActorRef<Command>> refs = new HashMap<>();
  private Receptionist.Listing lastListing;
  private Set<String> lastView = Set.of();
  private long sent;

  private GossipNode(ActorContext<Command> ctx, TimerScheduler<Command> timers, String self, Incarnation incarnation,
                     GossipSettings settings, NetworkModel network, Clocking clocking, boolean discovery, long seed) {
    super(ctx);
    this.settings = settings;
    this.network = network;
    this.discovery = discovery;
    this.self = self;
    Traces traces = Traces.get(ctx.getSystem());
    this.trace = new GossipTrace(new Tracer(traces.sink(), self, traces.actor(ctx.getSelf().path().toStringWithoutAddress()), Events.Proto.GOSSIP,
        settings.group()));
    this.core = new GossipCore(self, incarnation, settings, new Random(seed), new ShellEffects());
    if (incarnation.id() != null) ctx.getLog().info("[{}] incarnation [{}]: this start's updates are [{}:1…]", settings.group(),
        incarnation.id(), incarnation.origin());
    if (clocking == Clocking.TIMERS) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
      if (!settings.mode().antiEntropy() && !settings.backupInterval().isZero())
        timers.startTimerWithFixedDelay(BackupTick.INSTANCE, settings.backupInterval());
      timers.startTimerWithFixedDelay(SweepTick.INSTANCE, settings.certificates().sweepInterval());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Write.class, w -> { core.write(w.key(), w.value(), now()); return this; })
        .onMessage(Delete.class, d -> { core.delete(d.key(), now()); return this; })
        .onMessage(Subscribe.class, s -> { subscribers.add(s.subscriber()); return this; })
        .onMessage(GetState.class, g -> { g.replyTo().tell(state()); return this; })
        .onMessage(TraceState.class, this::onTraceState)
        .onMessage(ViewChanged.class, this::onViewChanged)
        .onMessage(ListingChanged.class, this::onListing)
        .onMessage(GossipMessage.class, this::fromNetwork)
        .onMessage(Arrived.class, a -> { handle(a.message()); return this; })
        .onMessage(Tick.class, t -> onTick())
        .onMessage(BackupTick.class, t -> { core.backupRound(now()); return this; })
        .onMessage(SweepTick.class, t -> { core.sweep(now()); return this; })
        .onMessage(RunRound.class, t -> { core.round(now()); return this; })
        .onMessage(RunBackup.class, t -> { core.backupRound(now()); return this; })
        .onMessage(Sweep.class, t -> { core.sweep(now()); return this; })
        .build();
  }

  // ------------------------------------------------------------------ membership

  private Behavior<Command> onViewChanged(ViewChanged v) {
    refs.clear();
    v.members().forEach((name, ref) -> {
      if (!name.equals(self)) refs.put(name, ref);
    });
    Set<String> members = new TreeSet<>(v.members().keySet());
    members.add(self);
    if (members.equals(lastView)) return this;
    lastView = members;
    getContext().getLog().info("[{}] view is now {}", settings.group(), members);
    core.onView(members);
    return this;
  }

  private Behavior<Command> onListing(ListingChanged l) {
    lastListing = l.listing();
    resolveView();
    return this;
  }

  /** Names the listed replicas on reachable members by their roles; one not yet known locally waits for the next tick. */
  private void resolveView() {
    if (lastListing == null) return;
    NodeNames.Named<Command> listed = NodeNames.name(getContext().getSystem(),
        lastListing.getServiceInstances(key(settings.group())), true);
    if (!listed.notYet().isEmpty())
      getContext().getLog().debug("[{}] {} listed replicas not yet named by a cluster role", settings.group(), listed.notYet().size());
    onViewChanged(new ViewChanged(listed.named()));
  }

  // ------------------------------------------------------------------ the network

  private Behavior<Command> fromNetwork(GossipMessage m) {
    if (!settings.group().equals(m.group())) {
      getContext().getLog().warn("[{}] refused a [{}] from [{}] for group [{}]: this replica serves group [{}] only",
          settings.group(), m.kind(), m.from(), m.group(), settings.group());
      trace.otherGroup(m);
      return this;
    }
    NetworkModel.Fate fate = network.fate(String.valueOf(m.from()), self);
    if (fate instanceof NetworkModel.Deliver d) later(m, d.delayMillis());
    else if (fate instanceof NetworkModel.Duplicate d) {
      later(m, d.firstDelayMillis());
      later(m, d.secondDelayMillis());
    } else trace.dropped(m, fate);
    return this;
  }

  private void later(GossipMessage m, long delayMillis) {
    if (delayMillis == 0) handle(m);
    else getContext().scheduleOnce(Duration.ofMillis(delayMillis), getContext().getSelf(), new Arrived(m));
  }

  private void handle(GossipMessage m) {
    core.onMessage(m, now());
  }

  // ------------------------------------------------------------------ clocks

  private Behavior<Command> onTick() {
    // Reachability changes without a new listing: live peers are re-read every round.
    if (discovery) resolveView();
    core.round(now());
    return this;
  }

  private long now() {
    return System.nanoTime() / 1_000_000;
  }

  // ------------------------------------------------------------------ state

  private State state() {
    return State.of(core, sent);
  }

  private Behavior<Command> onTraceState(TraceState t) {
    Store store = core.store();
    trace.state(core, sent);
    getContext().getLog().info("[{}] store at the end: {} live keys, fingerprint [{}], {} certificates, {} dormant",
        settings.group(), store.live().size(), store.fingerprint(), store.activeCertificates(), store.dormantCertificates());
    t.replyTo().tell(Done.getInstance());
    return this;
  }

  /** Carries out what the core decides. */
  private final class ShellEffects implements GossipCore.Effects {
    @Override
    public void send(String peer, GossipMessage message) {
      ActorRef<Command> to = refs.get(peer);
      if (to == null) {
        getContext().getLog().warn("[{}] no address for peer [{}]: a [{}] not sent", settings.group(), peer, message.kind());
        return;
      }
      sent++;
      trace.send(peer, message);
      to.tell(message);
    }

    @Override
    public void updated(Entry e) {
      trace.updated(e);
      notifySubscribers(e, self);
    }

    @Override
    public void applied(Entry e, String from) {
      trace.applied(e, from);
      notifySubscribers(e, from);
    }

    @Override
    public void reactivated(Entry e, String from) {
      getContext().getLog().info("[{}] dormant certificate of [{}] woke: [{}] brought an older version; it spreads again as [{}]",
          settings.group(), e.key(), from, e.msgId());
      trace.reactivated(e, from);
      notifySubscribers(e, from);
    }

    @Override
    public void expired(Store.Expired x) {
      trace.expired(x);
    }

    @Override
    public void reject(String reason) {
      getContext().getLog().warn("[{}] refused: {}", settings.group(), reason);
      trace.reject(reason);
    }

    @Override
    public void ignore(String what) {
      getContext().getLog().debug("[{}] {}", settings.group(), what);
    }

    @Override
    public void notice(String what) {
      getContext().getLog().info("[{}] {}", settings.group(), what);
    }

    private void notifySubscribers(Entry e, String from) {
      if (subscribers.isEmpty()) return;
      GossipEvent.Changed c = new GossipEvent.Changed(self, e, from, System.nanoTime());
      for (ActorRef<GossipEvent> s : subscribers) s.tell(c);
    }
  }
}
