package org.sidis.migration.code;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.ClusterEvent;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import org.sidis.migration.code.CodeProtocol.Answer;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Fetch;
import org.sidis.migration.code.CodeProtocol.Lack;
import org.sidis.migration.code.CodeProtocol.Offer;
import org.sidis.migration.code.CodeProtocol.Outcome;
import org.sidis.migration.code.CodeProtocol.Part;
import org.sidis.migration.code.CodeProtocol.Proceed;
import org.sidis.migration.code.CodeProtocol.Publish;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;
import org.sidis.migration.code.CodeProtocol.Ship;
import org.sidis.migration.code.CodeProtocol.Want;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * A node's code host (weak mobility, the notes' "Migracao de codigo"): it keeps the units this
 * node has, receives units that members ship to it — sender-initiated — loads each in a class
 * loader of its own and runs its entry as a child actor, and fetches units this node lacks from
 * a member that has them — receiver-initiated. Code is admitted only from a current Up member of
 * the cluster and only when the SHA-256 of the bytes that arrived equals the digest the sender
 * announced ({@link Admission}); every refusal and every loading failure ({@link CodeLoader}) is
 * answered to the sender with its {@link Refusal}, logged and traced ({@code code-refuse}), and
 * the host carries on: no bytes a member sends can crash it. A job that fails later stops alone.
 */
public final class CodeHost {

  /** Every node's host registers under this key; a fetch asks the others. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sidis-code-host");

  /** The Up members changed (from the cluster's events, or set by a test). */
  record MembersChanged(Set<Address> up) implements Command {}

  private record MemberEvent(ClusterEvent.MemberEvent event) implements Command {}

  private record TransferExpired(ActorRef<Answer> shipper) implements Command {}

  private record FetchExpired(String unit, int attempt) implements Command {}

  private record Listed(String unit, Set<ActorRef<Command>> hosts) implements Command {}

  private record JobStopped(String unit, String job) implements Command {}

  /** Who sent code: the node name its offer announced (for people) and the address it came from (what the rules check). */
  private record Sender(String node, Address address) {
    @Override
    public String toString() {
      return node + " at " + address;
    }
  }

  /** An offer whose parts are arriving. */
  private record Transfer(Offer offer, CodeDigest digest, Address sender, Assembly assembly) {}

  /** A fetch in progress: who waits, and which hosts are still to be asked. */
  private static final class Fetching {
    final List<Fetch> waiting = new ArrayList<>();
    final Deque<ActorRef<Command>> candidates = new ArrayDeque<>();
    final List<String> asked = new ArrayList<>();
    int attempt;
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final CodeSettings settings;
  private final Admission admission;
  private final CodeLoader loader = new CodeLoader();
  private final CodeTrace trace;
  private final Map<String, CodeUnit> library = new HashMap<>();
  private final Map<ActorRef<Answer>, Transfer> transfers = new HashMap<>();
  private final Map<String, Fetching> fetches = new HashMap<>();
  private Set<Address> members;
  private int spawned;

  private CodeHost(ActorContext<Command> ctx, TimerScheduler<Command> timers, CodeSettings settings, Set<Address> members) {
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.admission = new Admission(settings.maxUnitBytes());
    this.trace = new CodeTrace(ctx);
    this.members = Set.copyOf(members);
  }

  /** The host of a cluster node: it follows the cluster's Up members and registers for fetches. */
  public static Behavior<Command> create(CodeSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberEvent::new), ClusterEvent.MemberEvent.class));
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      Set<Address> up = new HashSet<>();
      StreamSupport.stream(Cluster.get(ctx.getSystem()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).forEach(m -> up.add(m.address()));
      return new CodeHost(ctx, timers, settings, up).behavior();
    }));
  }

  /** A host that knows only the members it is told ({@link MembersChanged}): for tests of its rules. */
  static Behavior<Command> withMembers(CodeSettings settings, Set<Address> members) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CodeHost(ctx, timers, settings, members).behavior()));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Ship.class, this::onShip)
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(Offer.class, this::onOffer)
        .onMessage(Part.class, this::onPart)
        .onMessage(Want.class, this::onWant)
        .onMessage(Lack.class, this::onLack)
        .onMessage(Listed.class, this::onListed)
        .onMessage(FetchExpired.class, this::onFetchExpired)
        .onMessage(TransferExpired.class, this::onTransferExpired)
        .onMessage(MembersChanged.class, m -> {
          members = Set.copyOf(m.up());
          return Behaviors.same();
        })
        .onMessage(MemberEvent.class, this::onMemberEvent)
        .onMessage(JobStopped.class, j -> {
          ctx.getLog().info("[{}] job [{}] stopped", j.unit(), j.job());
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onMemberEvent(MemberEvent m) {
    Set<Address> next = new HashSet<>(members);
    if (m.event() instanceof ClusterEvent.MemberUp up) next.add(up.member().address());
    else if (!(m.event() instanceof ClusterEvent.MemberJoined) && !(m.event() instanceof ClusterEvent.MemberWeaklyUp))
      next.remove(m.event().member().address()); // left, exiting, downed, removed: no longer a member to take code from
    members = Set.copyOf(next);
    return Behaviors.same();
  }

  private Behavior<Command> onPublish(Publish p) {
    CodeUnit old = library.put(p.unit().name(), p.unit());
    ctx.getLog().info("[{}] published here: {}{}", p.unit().name(), p.unit(), old != null && !old.equals(p.unit()) ? " (replaces " + old + ")" : "");
    return Behaviors.same();
  }

  private Behavior<Command> onShip(Ship s) {
    ctx.spawn(CodeShipper.create(s.unit(), s.to(), s.replyTo(), settings), "ship-" + s.unit().name() + "-" + (++spawned));
    return Behaviors.same();
  }

  // ---- receiving code (both ways end here) ----

  private Behavior<Command> onOffer(Offer o) {
    Sender peer = new Sender(o.node(), addressOf(o.shipper()));
    CodeDigest digest;
    try {
      digest = new CodeDigest(o.digest());
    } catch (IllegalArgumentException e) {
      return refuse(o.shipper(), o.unit(), o.digest(), peer, Refusal.MALFORMED, e.getMessage());
    }
    Admission.Refused early = admission.offer(members, addressOf(o.shipper()), o.unit(), o.bytes(), o.parts());
    if (early != null) return refuse(o.shipper(), o.unit(), o.digest(), peer, early.reason(), early.detail());
    if (transfers.containsKey(o.shipper())) {
      ctx.getLog().warn("[{}] a second offer from [{}] while its first is open: ignored", o.unit(), o.shipper());
      return Behaviors.same();
    }
    transfers.put(o.shipper(), new Transfer(o, digest, addressOf(o.shipper()), new Assembly(o.bytes(), o.parts())));
    timers.startSingleTimer(o.shipper(), new TransferExpired(o.shipper()), settings.transferTimeout());
    Fetching f = fetches.get(o.unit());
    if (f != null) timers.cancel(fetchTimer(o.unit())); // the bytes are coming: the transfer's own timeout takes over
    o.shipper().tell(new Proceed(o.unit()));
    return Behaviors.same();
  }

  private Behavior<Command> onPart(Part p) {
    Transfer t = transfers.get(p.shipper());
    if (t == null) {
      ctx.getLog().warn("part {} from [{}], which has no open transfer here (refused, expired or never offered): dropped", p.index(), p.shipper());
      return Behaviors.same();
    }
    String unit = t.offer().unit();
    Sender peer = new Sender(t.offer().node(), t.sender());
    try {
      t.assembly().add(p.index(), p.bytes() == null ? new byte[0] : p.bytes());
    } catch (IllegalArgumentException e) {
      close(p.shipper());
      return refuse(p.shipper(), unit, t.offer().digest(), peer, Refusal.MALFORMED, unit + ": " + e.getMessage());
    }
    if (!t.assembly().complete()) return Behaviors.same();
    close(p.shipper());
    byte[] bytes;
    try {
      bytes = t.assembly().bytes();
    } catch (IllegalArgumentException e) {
      return refuse(p.shipper(), unit, t.offer().digest(), peer, Refusal.MALFORMED, unit + ": " + e.getMessage());
    }
    Admission.Verdict v = admission.bytes(members, t.sender(), unit, t.digest(), bytes);
    if (v instanceof Admission.Refused r) return refuse(p.shipper(), unit, t.offer().digest(), peer, r.reason(), r.detail());
    CodeUnit admitted = ((Admission.Admitted) v).unit();
    library.put(admitted.name(), admitted);
    return run(admitted, peer, p.shipper());
  }

  private void close(ActorRef<Answer> shipper) {
    transfers.remove(shipper);
    timers.cancel(shipper);
  }

  private Behavior<Command> onTransferExpired(TransferExpired e) {
    Transfer t = transfers.remove(e.shipper());
    if (t == null) return Behaviors.same();
    return refuse(e.shipper(), t.offer().unit(), t.offer().digest(), new Sender(t.offer().node(), t.sender()), Refusal.TIMEOUT,
        "the parts of " + t.offer().unit() + " did not all arrive within sidis.migration.code.transfer-timeout = " + settings.transferTimeout());
  }

  /** Loads {@code unit} and starts its job; answers the shipper (if any) and every fetch waiting for it. */
  private Behavior<Command> run(CodeUnit unit, Sender peer, ActorRef<Answer> shipper) {
    CodeLoader.Loaded loaded = loader.load(unit, trace.node());
    if (loaded instanceof CodeLoader.Failed f) {
      return refuse(shipper, unit.name(), unit.digest().hex(), peer, f.reason(), f.detail());
    }
    CodeLoader.Job job = (CodeLoader.Job) loaded;
    String name = "job-" + unit.name() + "-" + (++spawned);
    ActorRef<MobileJob.Run> ref = ctx.spawn(job.behavior(), name);
    ctx.watchWith(ref, new JobStopped(unit.name(), name));
    trace.load(unit.name(), unit.digest(), peer.node(), peer.address().toString(), ref.path().toStringWithoutAddress());
    ctx.getLog().info("[{}] loaded from [{}] sha256 [{}] in its own class loader; runs as [{}]", unit.name(), peer, unit.digest().shortHex(), name);
    Running running = new Running(unit.name(), unit.digest().hex(), trace.node(), ref);
    if (shipper != null) shipper.tell(running);
    answerFetch(unit.name(), running, unit.digest());
    return Behaviors.same();
  }

  private Behavior<Command> refuse(ActorRef<Answer> shipper, String unit, String digest, Sender peer, Refusal reason, String detail) {
    ctx.getLog().warn("[{}] refused code from [{}]: {} ({})", unit, peer, reason, detail);
    trace.refuse(unit, digest, peer.node(), peer.address().toString(), reason, detail);
    Refused refused = new Refused(unit, digest, reason, detail);
    if (shipper != null) shipper.tell(refused);
    answerFetch(unit, refused, null);
    return Behaviors.same();
  }

  // ---- fetching code this node lacks ----

  private Behavior<Command> onFetch(Fetch f) {
    CodeUnit here = library.get(f.unit());
    if (here != null && (f.expected() == null || f.expected().equals(here.digest()))) {
      fetches.computeIfAbsent(f.unit(), u -> new Fetching()).waiting.add(f);
      return run(here, new Sender(trace.node(), ctx.getSystem().address()), null);
    }
    Fetching pending = fetches.get(f.unit());
    if (pending != null) {
      pending.waiting.add(f);
      return Behaviors.same();
    }
    Fetching fetching = new Fetching();
    fetching.waiting.add(f);
    fetches.put(f.unit(), fetching);
    ctx.ask(Receptionist.Listing.class, ctx.getSystem().receptionist(), Duration.ofSeconds(5), ref -> Receptionist.find(KEY, ref),
        (listing, failure) -> new Listed(f.unit(), listing == null ? Set.of() : listing.getServiceInstances(KEY)));
    return Behaviors.same();
  }

  private Behavior<Command> onListed(Listed l) {
    Fetching f = fetches.get(l.unit());
    if (f == null) return Behaviors.same();
    l.hosts().stream().filter(h -> !h.equals(ctx.getSelf()))
        .sorted(Comparator.comparing(h -> h.path().toString()))
        .forEach(f.candidates::add);
    return askNext(l.unit(), f);
  }

  private Behavior<Command> askNext(String unit, Fetching f) {
    ActorRef<Command> next = f.candidates.poll();
    if (next == null) {
      String detail = f.asked.isEmpty() ? "no other code host in the cluster to fetch " + unit + " from"
          : "asked " + f.asked + "; none has " + unit + " (or answered within sidis.migration.code.fetch-timeout = " + settings.fetchTimeout() + ")";
      ctx.getLog().warn("[{}] fetch failed: {}", unit, detail);
      answerFetch(unit, new Refused(unit, null, Refusal.UNKNOWN_UNIT, detail), null);
      return Behaviors.same();
    }
    String peer = CodeTrace.nodeOf(ctx, next);
    f.asked.add(peer);
    f.attempt++;
    trace.fetch(unit, peer);
    next.tell(new Want(unit, trace.node(), ctx.getSelf()));
    timers.startSingleTimer(fetchTimer(unit), new FetchExpired(unit, f.attempt), settings.fetchTimeout());
    return Behaviors.same();
  }

  private static String fetchTimer(String unit) {
    return "fetch:" + unit;
  }

  private Behavior<Command> onLack(Lack l) {
    Fetching f = fetches.get(l.unit());
    if (f == null) return Behaviors.same();
    timers.cancel(fetchTimer(l.unit()));
    return askNext(l.unit(), f);
  }

  private Behavior<Command> onFetchExpired(FetchExpired e) {
    Fetching f = fetches.get(e.unit());
    if (f == null || f.attempt != e.attempt()) return Behaviors.same();
    return askNext(e.unit(), f);
  }

  /** Another host wants a unit: ship it when this node has it and the asker is a member. */
  private Behavior<Command> onWant(Want w) {
    CodeUnit unit = library.get(w.unit());
    if (unit == null || !members.contains(addressOf(w.requester()))) {
      if (unit != null) ctx.getLog().warn("[{}] wanted by [{}], which is not an Up member: not shipped", w.unit(), w.requester());
      w.requester().tell(new Lack(w.unit(), trace.node()));
      return Behaviors.same();
    }
    ctx.spawn(CodeShipper.create(unit, w.requester(), ctx.getSystem().ignoreRef(), settings), "ship-" + unit.name() + "-" + (++spawned));
    return Behaviors.same();
  }

  /** Answers every fetch of {@code unit} still waiting. */
  private void answerFetch(String unit, Outcome outcome, CodeDigest digest) {
    Fetching f = fetches.remove(unit);
    if (f == null) return;
    timers.cancel(fetchTimer(unit));
    for (Fetch waiting : f.waiting) {
      if (outcome instanceof Running && waiting.expected() != null && !waiting.expected().equals(digest))
        waiting.replyTo().tell(new Refused(unit, digest.hex(), Refusal.DIGEST_MISMATCH, "fetched " + unit + " has sha256 " + digest + ", expected " + waiting.expected()));
      else waiting.replyTo().tell(outcome);
    }
  }

  /** The node a reference lives on; a local reference's address is this node's. */
  private Address addressOf(ActorRef<?> ref) {
    Address a = ref.path().address();
    return a.hasGlobalScope() ? a : ctx.getSystem().address();
  }
}
