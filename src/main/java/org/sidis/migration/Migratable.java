package org.sidis.migration;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.migration.MigrationProtocol.*;
import org.sidis.trace.Events;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * One node's place for the moving actor of a name (strong mobility: the running actor moves with
 * its state and the requests waiting for it; Tanenbaum &amp; van Steen, ch. 3, "Migracao de
 * codigo"). Every host node runs one; at any time exactly one of them serves, and the others are
 * forwarding pointers to where they last sent it, or empty.
 *
 * <p>The source serves while it copies its pages to the target in chunks, round after round of
 * dirty pages (pre-copy; stop-and-copy copies everything in one stop), then stops: requests are
 * held ({@link HoldBuffer}) while the last pages and the counter go over; when the target confirms
 * the switch the held requests follow it in arrival order and the source becomes a forwarding
 * pointer. A target that dies or falls silent before it confirmed aborts the move: the held
 * requests are applied here, in order, and the actor serves on where it was. The rules live in
 * {@link Move}, {@link RoundPlanner}, {@link PagedState} and {@link Counter}; this shell carries
 * them out and traces.
 */
public final class Migratable extends AbstractBehavior<Command> {

  private record WriteTick() implements Command {}

  private record AckTimeout(long move) implements Command {}

  private record TargetGone(long move) implements Command {}

  private record SourceGone(long move) implements Command {}

  private record ReportTick() implements Command {}

  private record PlacersListed(Receptionist.Listing listing) implements Command {}

  private static final Object WRITE_TIMER = "write";
  private static final Object ACK_TIMER = "ack";
  private static final Object REPORT_TIMER = "report";

  private final MigrationSettings settings;
  private final String node;
  private final TimerScheduler<Command> timers;
  private final Tracer tracer;
  private final Random random;
  /** Pages the workload dirties per tick; the fraction carries over, so a slow rate still writes. */
  private final double writesPerTick;
  private double writeCarry;

  // Reports to the placers (why migrate): calls of the current window by caller node.
  private final java.time.Duration reportEvery;
  private final Map<String, Long> window = new HashMap<>();
  private long windowStarted = System.nanoTime();
  private java.util.Set<ActorRef<Placer.Command>> placers = java.util.Set.of();
  private final double extraLoad;

  // Where the actor is, from this node's side.
  private PagedState state;
  private Counter counter;
  private ActorRef<Command> forward;

  // An outgoing move (this node is the source).
  private Move move;
  private ActorRef<Command> target;
  private ActorRef<MoveOutcome> mover;
  private long moveSeq;
  private int[] sending = new int[0];
  private int nextPage;
  private long nextChunk;
  private int inFlight;
  private boolean switchSent;
  private final HoldBuffer<Increment> held;

  // An incoming move (this node is the target).
  private long incomingMove = -1;
  private ActorRef<Command> incomingSource;
  private String incomingSourceNode;
  private PagedState incoming;

  public static Behavior<Command> create(String node, MigrationSettings settings, long seed) {
    return create(node, settings, seed, java.time.Duration.ZERO);
  }

  /** The same, reporting to the placers every {@code reportEvery} (zero: never) — {@link Placer}. */
  public static Behavior<Command> create(String node, MigrationSettings settings, long seed, java.time.Duration reportEvery) {
    return create(node, settings, seed, reportEvery, 0);
  }

  /**
   * The same, reporting besides {@code extraLoad} as this node's load beyond the actor's (other work
   * it does: the placement demo makes a node busy so); zero reports no node load, and the placer
   * counts the node's actors' loads alone.
   */
  public static Behavior<Command> create(String node, MigrationSettings settings, long seed, java.time.Duration reportEvery, double extraLoad) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Migratable(ctx, timers, node, settings, seed, reportEvery, extraLoad)));
  }

  private Migratable(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, MigrationSettings settings, long seed,
                     java.time.Duration reportEvery, double extraLoad) {
    super(ctx);
    this.reportEvery = reportEvery;
    this.extraLoad = extraLoad;
    if (!reportEvery.isZero()) {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(Placer.KEY, ctx.messageAdapter(Receptionist.Listing.class, PlacersListed::new)));
      timers.startTimerWithFixedDelay(REPORT_TIMER, new ReportTick(), reportEvery);
    }
    this.settings = settings;
    this.node = node;
    this.timers = timers;
    this.tracer = Traces.get(ctx.getSystem()).tracer(ctx.getSelf().path().toStringWithoutAddress(), Events.Proto.MIGRATION, settings.name());
    this.random = new Random(seed ^ node.hashCode());
    this.writesPerTick = Math.max(0, settings.writeBytesPerSec() * settings.writeTick().toMillis() / 1000.0 / settings.pageSize());
    this.held = new HoldBuffer<>(settings.holdCapacity());
    ctx.getSystem().receptionist().tell(Receptionist.register(MigrationProtocol.hostKey(settings.name(), node), ctx.getSelf()));
    if (node.equals(settings.home())) {
      state = PagedState.ofSize(settings.stateBytes(), settings.pageSize());
      counter = new Counter();
      startServing();
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Increment.class, this::onIncrement)
        .onMessage(MoveTo.class, this::onMoveTo)
        .onMessage(WriteTick.class, t -> onWriteTick())
        .onMessage(ReportTick.class, t -> onReportTick())
        .onMessage(PlacersListed.class, l -> {
          placers = l.listing().getServiceInstances(Placer.KEY);
          return this;
        })
        // source side
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(Declined.class, d -> abortIfCurrent(d.move(), "target declined: " + d.reason()))
        .onMessage(PagesAck.class, this::onPagesAck)
        .onMessage(Switched.class, this::onSwitched)
        .onMessage(AckTimeout.class, this::onAckTimeout)
        .onMessage(TargetGone.class, g -> abortIfCurrent(g.move(), "target terminated"))
        // target side
        .onMessage(Prepare.class, this::onPrepare)
        .onMessage(Pages.class, this::onPages)
        .onMessage(Switch.class, this::onSwitch)
        .onMessage(Abort.class, a -> dropIncoming(a.move(), "source aborted: " + a.reason()))
        .onMessage(SourceGone.class, g -> dropIncoming(g.move(), "source terminated"))
        .build();
  }

  // ---- serving --------------------------------------------------------------------------------

  private boolean serving() {
    return state != null && (move == null || move.phase().serves()); // a move under way holds requests only once stopped
  }

  private Behavior<Command> onIncrement(Increment req) {
    if (serving()) {
      apply(req);
    } else if (state != null) { // stopped to switch: hold it for wherever the actor runs next
      if (!held.hold(req)) req.replyTo().tell(new Refused(req.msg(), "the actor is switching and holds " + settings.holdCapacity() + " requests already"));
    } else if (forward != null) {
      forward.tell(req);
    } else {
      req.replyTo().tell(new Refused(req.msg(), "the actor does not run on " + node));
    }
    return this;
  }

  private void apply(Increment req) {
    int colon = req.msg() == null ? -1 : req.msg().lastIndexOf(':');
    long seq;
    try {
      seq = colon <= 0 ? -1 : Long.parseLong(req.msg().substring(colon + 1));
    } catch (NumberFormatException e) {
      seq = -1;
    }
    if (seq < 1) {
      req.replyTo().tell(new Refused(req.msg(), "a request id is <client>:<n> with n >= 1, got [" + req.msg() + "]"));
      return;
    }
    Counter.Result r = counter.apply(req.msg().substring(0, colon), seq);
    if (!reportEvery.isZero()) window.merge(req.msg().substring(0, colon), 1L, Long::sum); // a Locator's id starts with its node
    switch (r.outcome()) {
      case APPLIED -> {
        tracer.event(Events.Migration.APPLY, req.msg(), null, null, Map.of("value", r.value()));
        req.replyTo().tell(new Applied(req.msg(), r.value(), getContext().getSelf(), node));
      }
      case REPEATED -> req.replyTo().tell(new Applied(req.msg(), r.value(), getContext().getSelf(), node));
      case STALE -> getContext().getLog().warn("[{}] ignores stale request [{}]: its client has moved past it", settings.name(), req.msg());
    }
  }

  private Behavior<Command> onWriteTick() {
    if (!serving()) return this; // stopped to switch: the workload is paused with the actor
    writeCarry += writesPerTick;
    for (; writeCarry >= 1; writeCarry--) {
      state.write(random.nextInt(state.pageCount()), random.nextInt(), random.nextLong());
    }
    return this;
  }

  /**
   * Tells every placer this node can host the actor and, where it serves, its calls per second
   * and its callers by node over the window now ending (a window that spans a move counts only
   * the calls applied here).
   */
  private Behavior<Command> onReportTick() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - windowStarted) / 1e9);
    Map<String, Long> calls = Map.copyOf(window);
    window.clear();
    windowStarted = now;
    double actorLoad = calls.values().stream().mapToLong(Long::longValue).sum() / seconds;
    for (ActorRef<Placer.Command> p : placers) {
      p.tell(new Placer.Host(node));
      if (extraLoad > 0) p.tell(new Placer.NodeLoad(node, extraLoad + (state != null ? actorLoad : 0)));
      if (state != null) {
        p.tell(new Placer.ActorAt(settings.name(), node, actorLoad));
        p.tell(new Placer.Calls(settings.name(), calls));
      }
    }
    return this;
  }

  private void startServing() {
    forward = null;
    getContext().getSystem().receptionist().tell(Receptionist.register(MigrationProtocol.servingKey(settings.name()), getContext().getSelf()));
    if (writesPerTick > 0) timers.startTimerWithFixedDelay(WRITE_TIMER, new WriteTick(), settings.writeTick());
  }

  // ---- source ---------------------------------------------------------------------------------

  private Behavior<Command> onMoveTo(MoveTo m) {
    if (state == null) {
      if (forward != null) forward.tell(m);
      else m.replyTo().tell(notMoved(-1, m, "the actor does not run on " + node));
      return this;
    }
    if (move != null) {
      m.replyTo().tell(notMoved(move.id(), m, "a move to " + move.target() + " is under way"));
      return this;
    }
    if (m.target().equals(getContext().getSelf())) {
      m.replyTo().tell(notMoved(-1, m, "the actor runs on " + node + " already"));
      return this;
    }
    move = new Move(++moveSeq, m.targetNode(), settings.planner(m.mode()), System.nanoTime());
    target = m.target();
    mover = m.replyTo();
    switchSent = false;
    tracer.event(Events.Migration.MOVE_START, null, null, null, Map.of("peer", m.targetNode(), "move", move.id(),
        "mode", m.mode().word(), "role", "source", "state_bytes", state.bytes()));
    getContext().watchWith(target, new TargetGone(move.id()));
    target.tell(new Prepare(move.id(), getContext().getSelf(), node, state.pageSize(), state.pageCount()));
    armAckTimer();
    return this;
  }

  private MoveOutcome notMoved(long id, MoveTo m, String reason) {
    return new MoveOutcome(id, false, node, m.targetNode(), m.mode().word(), -1, -1, 0, 0, 0, reason);
  }

  private Behavior<Command> onPrepared(Prepared p) {
    if (!current(p.move())) return this;
    armAckTimer();
    Phase phase = move.begin(System.nanoTime());
    send(state.takeAll(), phase);
    return this;
  }

  /** Starts sending {@code pages}: a round while serving, or the final copy once stopped. */
  private void send(int[] pages, Phase phase) {
    sending = pages;
    nextPage = 0;
    sendMore();
    if (phase == Phase.SWITCHING) getContext().getLog().debug("[{}] stopped to switch, {} pages left", settings.name(), pages.length);
    finishIfSent();
  }

  private void sendMore() {
    int per = settings.pagesPerChunk();
    while (inFlight < settings.window() && nextPage < sending.length) {
      int n = Math.min(per, sending.length - nextPage);
      int[] pages = new int[n];
      byte[] data = new byte[n * state.pageSize()];
      for (int i = 0; i < n; i++) {
        pages[i] = sending[nextPage + i];
        state.copyPage(pages[i], data, i * state.pageSize());
      }
      nextPage += n;
      inFlight++;
      move.sent(n);
      target.tell(new Pages(move.id(), ++nextChunk, pages, data));
    }
  }

  private Behavior<Command> onPagesAck(PagesAck a) {
    if (!current(a.move())) return this;
    inFlight--;
    armAckTimer();
    sendMore();
    finishIfSent();
    return this;
  }

  /** Every page of the round is installed at the target: another round, the stop, or the switch. */
  private void finishIfSent() {
    if (inFlight > 0 || nextPage < sending.length) return;
    if (move.phase() == Phase.COPYING) {
      Phase next = move.roundDone(state.dirtyCount(), System.nanoTime());
      send(state.takeDirty(), next);
    } else if (move.phase() == Phase.SWITCHING && !switchSent) {
      switchSent = true;
      target.tell(new Switch(move.id(), counter.value(), counter.lastByClient(), move.stoppedForMs(System.nanoTime())));
    }
  }

  private Behavior<Command> onSwitched(Switched s) {
    if (!current(s.move())) return this;
    move.switched(System.nanoTime());
    timers.cancel(ACK_TIMER);
    timers.cancel(WRITE_TIMER);
    getContext().unwatch(target);
    getContext().getSystem().receptionist().tell(Receptionist.deregister(MigrationProtocol.servingKey(settings.name()), getContext().getSelf()));
    int heldCount = held.size();
    tracer.event(Events.Migration.MOVE_SWITCH, null, null, null, Map.of("peer", move.target(), "move", move.id(),
        "downtime_ms", round3(move.downtimeMs()), "held", heldCount, "role", "source"));
    forward = target;
    state = null;
    counter = null;
    for (Increment req : held.release()) forward.tell(req); // in arrival order, before anything that comes later
    tracer.event(Events.Migration.MOVE_DONE, null, null, null, Map.of("peer", move.target(), "move", move.id(),
        "total_ms", round3(move.totalMs()), "rounds", move.round(), "pages", move.pagesSent(), "role", "source"));
    tracer.flush();
    mover.tell(new MoveOutcome(move.id(), true, node, move.target(), move.planner().mode().word(), move.downtimeMs(), move.totalMs(),
        move.round(), move.pagesSent(), heldCount, null));
    move = null;
    return this;
  }

  private Behavior<Command> onAckTimeout(AckTimeout t) {
    // Once the switch is sent the target may already run the actor: only its death aborts then.
    if (current(t.move()) && !switchSent) return abortIfCurrent(t.move(), "target silent for " + settings.ackTimeout().toMillis() + " ms");
    return this;
  }

  private Behavior<Command> abortIfCurrent(long id, String reason) {
    if (!current(id)) return this;
    move.abort();
    timers.cancel(ACK_TIMER);
    getContext().unwatch(target);
    target.tell(new Abort(id, reason));
    tracer.event(Events.Migration.MOVE_ABORT, null, null, null, Map.of("peer", move.target(), "move", id, "reason", reason, "role", "source"));
    getContext().getLog().warn("[{}] move {} to [{}] aborted: {}; serving on at [{}]", settings.name(), id, move.target(), reason, node);
    int heldCount = held.size();
    Move aborted = move;
    move = null; // serving again before the held requests are applied
    for (Increment req : held.release()) apply(req); // the actor never left: it answers them itself, in order
    inFlight = 0;
    sending = new int[0];
    mover.tell(new MoveOutcome(id, false, node, aborted.target(), aborted.planner().mode().word(), -1, -1, aborted.round(),
        aborted.pagesSent(), heldCount, reason));
    return this;
  }

  private boolean current(long id) {
    return move != null && move.id() == id;
  }

  private void armAckTimer() {
    timers.startSingleTimer(ACK_TIMER, new AckTimeout(move.id()), settings.ackTimeout());
  }

  // ---- target ---------------------------------------------------------------------------------

  private Behavior<Command> onPrepare(Prepare p) {
    if (state != null) {
      p.source().tell(new Declined(p.move(), "the actor runs on " + node + " already"));
      return this;
    }
    if (incoming != null) dropIncoming(incomingMove, "a new move from " + p.sourceNode() + " replaces it");
    incomingMove = p.move();
    incomingSource = p.source();
    incomingSourceNode = p.sourceNode();
    incoming = new PagedState(p.pageSize(), p.pageCount());
    getContext().watchWith(incomingSource, new SourceGone(p.move()));
    tracer.event(Events.Migration.MOVE_START, null, null, null, Map.of("peer", p.sourceNode(), "move", p.move(), "role", "target",
        "state_bytes", incoming.bytes()));
    tracer.flush(); // the evidence that a move began here reaches the disk before a crash can take it
    p.source().tell(new Prepared(p.move(), getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onPages(Pages p) {
    if (incoming == null || p.move() != incomingMove) return this; // a chunk of a move given up
    int size = incoming.pageSize();
    if (p.pages() == null || p.data() == null || p.data().length != p.pages().length * size) {
      getContext().getLog().warn("[{}] refuses chunk {} of move {}: {} bytes for {} pages of {}", settings.name(), p.chunk(), p.move(),
          p.data() == null ? 0 : p.data().length, p.pages() == null ? 0 : p.pages().length, size);
      incomingSource.tell(new Declined(p.move(), "malformed chunk " + p.chunk()));
      return this;
    }
    for (int i = 0; i < p.pages().length; i++) incoming.install(p.pages()[i], p.data(), i * size);
    incomingSource.tell(new PagesAck(p.move(), p.chunk()));
    return this;
  }

  private Behavior<Command> onSwitch(Switch s) {
    if (incoming == null || s.move() != incomingMove) return this;
    long t0 = System.nanoTime();
    getContext().unwatch(incomingSource);
    state = incoming;
    counter = new Counter(s.value(), s.last() == null ? Map.of() : new HashMap<>(s.last()));
    moveSeq = Math.max(moveSeq, s.move()); // move ids grow along the actor's life, whichever node moves it
    ActorRef<Command> source = incomingSource;
    String peer = incomingSourceNode;
    incoming = null;
    incomingSource = null;
    incomingMove = -1;
    source.tell(new Switched(s.move()));
    startServing();
    tracer.event(Events.Migration.MOVE_SWITCH, null, null, null, Map.of("peer", peer, "move", s.move(),
        "downtime_ms", round3(s.stoppedForMs() + (System.nanoTime() - t0) / 1e6), "role", "target"));
    tracer.event(Events.Migration.MOVE_DONE, null, null, null, Map.of("peer", peer, "move", s.move(), "role", "target"));
    tracer.flush();
    return this;
  }

  private Behavior<Command> dropIncoming(long id, String reason) {
    if (incoming == null || id != incomingMove) return this;
    getContext().unwatch(incomingSource);
    tracer.event(Events.Migration.MOVE_ABORT, null, null, null, Map.of("peer", incomingSourceNode, "move", id, "reason", reason, "role", "target"));
    incoming = null;
    incomingSource = null;
    incomingMove = -1;
    return this;
  }

  private static double round3(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
