package org.sidis.multicast;

import org.sidis.trace.Events;
import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import org.sidis.wire.CborSerializable;
import org.sidis.clock.VectorClock;
import org.sidis.net.NetworkModel;
import org.sidis.membership.NodeNames;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's member of one multicast group: the thin actor shell around {@link MulticastCore}.
 *
 * <p>It registers with the Receptionist under the group's key, so the group's view is the set
 * of registered members on cluster nodes — it follows joins, leaves and downings (removal from
 * the cluster), not reachability: a member that is only unreachable stays in the view, nothing
 * of it is delivered out of order meanwhile, and what it missed is retransmitted when it is back. It feeds the
 * core what arrives (after the {@link NetworkModel} has delayed or lost it), carries out what
 * the core asks (tells, deliveries to subscribers, trace lines), and bundles the data for each
 * peer into one Akka message per mailbox pass: data sent while the mailbox still holds work
 * waits for a {@link Flush} that the actor sends itself, so under load one network message
 * carries many multicasts and at rest a multicast leaves at once.
 *
 * <p>A peer's member name is the cluster role of its node ({@link NodeNames}) qualified by
 * the node's incarnation, {@code <node>~<inc>}, where {@code <inc>} is the Akka cluster's
 * unique id of that start of the node's actor system (its {@code UniqueAddress} uid, base 36):
 * every node of the cluster reads the same id from the same membership, and a node restarted
 * under its name — the nemesis's SIGKILL and restart, a node the Split Brain Resolver downed and
 * the launcher started again — has another one. So a restarted node is a new member of its
 * groups: its messages {@code n1~<inc>:1, 2, …} never collide with its former incarnation's,
 * whose departure is a crash, and its old and new incarnations may even be listed side by side
 * while the old one is unreachable and not yet removed (issue 17; gossip does the same with its
 * own incarnations). The application still hears node names ({@link GroupEvent}); message ids
 * carry the member name.
 */
public final class GroupMember extends AbstractBehavior<GroupMember.Command> {

  /** Everything a member accepts: the application's commands, the wire, and its own timers. */
  public interface Command {}

  // ------------------------------------------------------------------ application API

  /** Multicast {@code payload} to the group. */
  public record Multicast(String payload) implements Command {}

  /** Send every {@link GroupEvent} of this member to {@code subscriber}. */
  public record Subscribe(ActorRef<GroupEvent> subscriber) implements Command {}

  /** The group's view as names and addresses (from the Receptionist, or from a test). */
  public record ViewChanged(Map<String, ActorRef<Command>> members) implements Command {}

  // ------------------------------------------------------------------ the wire

  /**
   * Tells a peer from which of our sequence numbers our messages are addressed to it; in causal
   * groups {@code cut} is what we had delivered when we added it (null elsewhere).
   */
  public record Hello(String group, String from, ActorRef<Command> replyTo, long firstSeq, Map<String, Long> cut)
      implements Command, CborSerializable {

    public Hello(String group, String from, ActorRef<Command> replyTo, long firstSeq) {
      this(group, from, replyTo, firstSeq, null);
    }
  }

  /**
   * Multicast messages for one peer, in one network message, with the sender's progress riding
   * along (null when there is none to tell).
   *
   * <p>On the wire a bundle travels in columns ({@link BundleWire}), not as a list of {@link Data}
   * records: consecutive messages of one origin are one run (origin, first sequence number,
   * count) and the payloads one array. A list of records spent most of its CBOR time on each
   * message's map and keys — a JFR profile of three FIFO members put 28 % of their samples in
   * Jackson's (de)serialization of bundles (issue 15).
   */
  @JsonSerialize(converter = BundleWire.Out.class)
  @JsonDeserialize(converter = BundleWire.In.class)
  public record Bundle(String group, String from, List<Data> data, MulticastCore.Progress progress)
      implements Command, CborSerializable {

    public Bundle(String group, String from, List<Data> data) {
      this(group, from, data, null);
    }
  }

  /**
   * A {@link Bundle} as it travels: runs of consecutive messages of one origin ({@code o}
   * origin, {@code s} first sequence number, {@code n} count, index by index), then per message
   * its payload ({@code p}) and, in groups that stamp them, its clock ({@code c}; absent when no
   * message has one). A bundle whose columns do not add up arrives with no data, which its
   * receiver refuses with a reason like any other empty data message.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record BundleWire(
      @JsonProperty("g") String group,
      @JsonProperty("f") String from,
      @JsonProperty("o") List<String> origins,
      @JsonProperty("s") long[] firstSeqs,
      @JsonProperty("n") int[] counts,
      @JsonProperty("p") List<String> payloads,
      @JsonProperty("c") List<VectorClock> clocks,
      @JsonProperty("r") MulticastCore.Progress progress) {

    static BundleWire of(Bundle b) {
      if (b.data() == null) return new BundleWire(b.group(), b.from(), null, null, null, null, null, b.progress());
      List<Data> data = b.data();
      List<String> origins = new ArrayList<>();
      long[] firstSeqs = new long[data.size()];
      int[] counts = new int[data.size()];
      List<String> payloads = new ArrayList<>(data.size());
      List<VectorClock> clocks = null;
      int runs = 0;
      for (int i = 0; i < data.size(); i++) {
        Data d = data.get(i);
        if (d == null) return new BundleWire(b.group(), b.from(), null, null, null, null, null, b.progress());
        boolean continues = runs > 0 && d.origin() != null && d.origin().equals(origins.get(runs - 1))
            && d.seq() == firstSeqs[runs - 1] + counts[runs - 1];
        if (continues) {
          counts[runs - 1]++;
        } else {
          origins.add(d.origin());
          firstSeqs[runs] = d.seq();
          counts[runs] = 1;
          runs++;
        }
        payloads.add(d.payload());
        if (d.vc() != null && clocks == null) {
          clocks = new ArrayList<>(data.size());
          for (int j = 0; j < i; j++) clocks.add(null);
        }
        if (clocks != null) clocks.add(d.vc());
      }
      return new BundleWire(b.group(), b.from(), origins, java.util.Arrays.copyOf(firstSeqs, runs),
          java.util.Arrays.copyOf(counts, runs), payloads, clocks, b.progress());
    }

    Bundle bundle() {
      return new Bundle(group, from, data(), progress);
    }

    /** The messages back as records, or null when the columns do not add up. */
    private List<Data> data() {
      if (origins == null || firstSeqs == null || counts == null || payloads == null) return null;
      if (origins.size() != firstSeqs.length || origins.size() != counts.length) return null;
      long total = 0;
      for (int n : counts) {
        if (n < 1) return null;
        total += n;
      }
      if (total != payloads.size() || (clocks != null && clocks.size() != payloads.size())) return null;
      List<Data> data = new ArrayList<>(payloads.size());
      int i = 0;
      for (int r = 0; r < counts.length; r++) {
        for (int k = 0; k < counts[r]; k++, i++) {
          data.add(new Data(origins.get(r), firstSeqs[r] + k, clocks == null ? null : clocks.get(i), payloads.get(i)));
        }
      }
      return data;
    }

    static final class Out extends StdConverter<Bundle, BundleWire> {
      @Override
      public BundleWire convert(Bundle b) {
        return of(b);
      }
    }

    static final class In extends StdConverter<BundleWire, Bundle> {
      @Override
      public Bundle convert(BundleWire w) {
        return w.bundle();
      }
    }
  }

  /** Retransmission request: {@code from} misses {@code origin}'s messages {@code fromSeq..toSeq}. */
  public record Nack(String group, String from, String origin, long fromSeq, long toSeq)
      implements Command, CborSerializable {}

  /**
   * {@code from}'s progress: per origin the highest sequence number it delivered and the highest
   * its reliable layer released; in total groups the highest gseq it delivered.
   */
  public record Status(String group, String from, Map<String, Long> delivered, Map<String, Long> released, long gseq)
      implements Command, CborSerializable {}

  /** A peer did not take what we sent it, and says why. */
  public record Refused(String group, String from, String reason) implements Command, CborSerializable {}

  /** Total order's own messages: assignments, retransmission requests, the sequencer hand-over. */
  public record Sequencing(String group, String from, TotalOrder.Message body) implements Command, CborSerializable {}

  // ------------------------------------------------------------------ internal

  private enum Tick implements Command { INSTANCE }

  private enum Flush implements Command { INSTANCE }

  /** A wire message the network model held back until now. */
  private record Arrived(Command wire) implements Command {}

  private record ListingChanged(Receptionist.Listing listing) implements Command {}

  /** What this member's sequencer actor says (total groups, while this member leads). */
  private record FromSequencer(SequencerActor.Outcome outcome) implements Command {}

  public static ServiceKey<Command> key(String group) {
    return ServiceKey.create(Command.class, "sidis-group-" + group);
  }

  /** A member that finds its peers through the Receptionist and the cluster's member roles. */
  public static Behavior<Command> create(MulticastSettings settings, NetworkModel network) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ServiceKey<Command> key = key(settings.group());
      ctx.getSystem().receptionist().tell(Receptionist.register(key, ctx.getSelf()));
      ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, ListingChanged::new);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(key, adapter));
      return new GroupMember(ctx, timers, settings, network, true);
    }));
  }

  /** A member whose view is given by {@link ViewChanged} messages alone (probe tests). */
  public static Behavior<Command> createWithoutDiscovery(MulticastSettings settings, NetworkModel network) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new GroupMember(ctx, timers, settings, network, false)));
  }

  private final MulticastSettings settings;
  private final NetworkModel network;
  private final boolean discovery;
  private final String self;
  private final Tracer tracer;
  private final MulticastCore core;
  private boolean notAdmitted;
  private final List<ActorRef<GroupEvent>> subscribers = new ArrayList<>();
  private final Map<String, ActorRef<Command>> refs = new HashMap<>();
  private final Map<String, List<Data>> outbox = new LinkedHashMap<>();
  /** Assignments for each peer, sent as one Ordered per peer and epoch at the next flush. */
  private final Map<String, List<TotalOrder.Run>> orderOutbox = new LinkedHashMap<>();
  private long orderOutboxEpoch;
  private boolean flushPending;
  private Set<ActorRef<Command>> unresolved = Set.of();
  private Receptionist.Listing lastListing;
  private Set<String> lastView = Set.of();
  /** The sequencer actor while this member leads an epoch (total groups), else null. */
  private ActorRef<SequencerActor.Command> sequencer;
  private ActorRef<SequencerActor.Outcome> fromSequencer;
  private final org.sidis.fault.FaultInjector sequencerFaults;
  private int sequencersSpawned;
  /** Messages to number, sent to the sequencer as one request at the next flush (like the data). */
  private final List<TotalOrder.Key> toNumber = new ArrayList<>();
  private long toNumberEpoch;
  private long toNumberDelivered;

  private GroupMember(ActorContext<Command> ctx, TimerScheduler<Command> timers, MulticastSettings settings,
                     NetworkModel network, boolean discovery) {
    super(ctx);
    this.settings = settings;
    this.network = network;
    this.discovery = discovery;
    Traces traces = Traces.get(ctx.getSystem());
    this.self = discovery ? memberName(traces.node(), incarnation(Cluster.get(ctx.getSystem()).selfMember())) : traces.node();
    this.tracer = traces.tracer(ctx.getSelf().path().toStringWithoutAddress(), settings.order().id(), settings.group());
    this.sequencerFaults = org.sidis.fault.FaultInjector.fromConfig(ctx.getSystem().settings().config(),
        org.sidis.fault.FaultInjector.Target.SEQUENCER, ctx.getSelf().path().toStringWithoutAddress() + "/sequencer");
    this.core = new MulticastCore(self, settings, new ShellEffects());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.statusInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Multicast.class, m -> { core.multicast(m.payload()); return this; })
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(ViewChanged.class, this::onViewChanged)
        .onMessage(ListingChanged.class, this::onListing)
        .onMessage(Hello.class, m -> fromNetwork(m, m.group(), m.from()))
        .onMessage(Bundle.class, m -> fromNetwork(m, m.group(), m.from()))
        .onMessage(Nack.class, m -> fromNetwork(m, m.group(), m.from()))
        .onMessage(Status.class, m -> fromNetwork(m, m.group(), m.from()))
        .onMessage(Sequencing.class, m -> fromNetwork(m, m.group(), m.from()))
        .onMessage(Refused.class, m -> {
          getContext().getLog().error("[{}] peer [{}] refused our message: {}", settings.group(), m.from(), m.reason());
          tracer.event(Events.Group.REFUSED, Map.of("by", String.valueOf(m.from()), "reason", String.valueOf(m.reason())));
          return this;
        })
        .onMessage(Arrived.class, m -> { handleWire(m.wire()); return this; })
        .onMessage(Tick.class, m -> onTick())
        .onMessage(Flush.class, m -> onFlush())
        .onMessage(FromSequencer.class, this::onSequencer)
        .build();
  }

  /**
   * The sequencer actor (re)started and asks for its state, or numbered messages. Only the
   * current one is heard: one stopped when this member stepped down may still have spoken.
   */
  private Behavior<Command> onSequencer(FromSequencer f) {
    if (f.outcome() instanceof SequencerActor.NeedState need) {
      if (need.replyTo().equals(sequencer)) need.replyTo().tell(new SequencerActor.Resume(core.sequencerState()));
    } else if (f.outcome() instanceof SequencerActor.Numbered n) {
      core.onNumbered(n.ordered());
    }
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    subscribers.add(s.subscriber());
    s.subscriber().tell(new GroupEvent.MembersChanged(settings.group(), currentMembers()));
    if (notAdmitted) s.subscriber().tell(new GroupEvent.NotAdmitted(settings.group(), "joined after ordering began"));
    return this;
  }

  private Behavior<Command> onViewChanged(ViewChanged v) {
    v.members().forEach((name, ref) -> {
      if (!name.equals(self)) refs.put(name, ref);
    });
    Set<String> members = new TreeSet<>(MemberNames.ORDER);
    members.addAll(v.members().keySet());
    members.add(self);
    if (members.equals(lastView)) return this;
    lastView = members;
    getContext().getLog().info("[{}] view is now {}", settings.group(), members);
    // The application hears of the new view before any of its consequences (stability, deliveries).
    GroupEvent.MembersChanged changed = new GroupEvent.MembersChanged(settings.group(), nodesOf(members));
    subscribers.forEach(s -> s.tell(changed));
    core.onView(members, now());
    return this;
  }

  private Behavior<Command> onListing(ListingChanged l) {
    lastListing = l.listing();
    resolveView();
    return this;
  }

  /** Names the listed members by their cluster roles; a member not yet known locally waits for the next tick. */
  private void resolveView() {
    if (lastListing == null) return;
    // All instances, the unreachable included: a member leaves the view only when the cluster
    // removes its node (downed or left), never because its heartbeats were late. Akka's
    // getServiceInstances lists the reachable ones only, and a member paused for a few seconds
    // (GC, SIGSTOP) would be cut from the group and refused for good when it came back (review F2).
    Map<String, ActorRef<Command>> named = new HashMap<>();
    Set<ActorRef<Command>> notYet = new java.util.HashSet<>();
    nameMembers(lastListing.getAllServiceInstances(key(settings.group())), named, notYet);
    unresolved = notYet;
    onViewChanged(new ViewChanged(named));
  }

  /**
   * Names listed refs {@code <node>~<inc>} from the cluster's membership: the node's role and
   * the uid of the member at the ref's address. A restarted node binds a fresh port (the
   * launcher's restart), and Akka admits a new incarnation at an old address only once the old
   * one is removed, so one address names one member at a time. A ref whose member this node
   * does not know yet waits for the next tick.
   */
  private void nameMembers(java.util.Collection<ActorRef<Command>> refs, Map<String, ActorRef<Command>> named,
                           Set<ActorRef<Command>> notYet) {
    Cluster cluster = Cluster.get(getContext().getSystem());
    Map<Address, String> names = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      for (String r : m.getRoles()) {
        if (r.startsWith(NodeNames.ROLE_PREFIX)) names.put(m.address(), memberName(r.substring(NodeNames.ROLE_PREFIX.length()), incarnation(m)));
      }
    }
    Address own = getContext().getSystem().address();
    for (ActorRef<Command> ref : refs) {
      Address a = ref.path().address();
      String name = a.hasLocalScope() ? names.get(own) : names.get(a);
      if (name == null) notYet.add(ref);
      else named.put(name, ref);
    }
  }

  /** Separates a node's name from its incarnation in a member name, as in gossip's update origins. */
  public static final char INCARNATION_SEPARATOR = MemberNames.INCARNATION_SEPARATOR;

  /** A cluster member's incarnation: its unique address's uid in base 36. */
  static String incarnation(Member m) {
    return Long.toUnsignedString(m.uniqueAddress().longUid(), 36);
  }

  static String memberName(String node, String incarnation) {
    return MemberNames.of(node, incarnation);
  }

  /** The node a member name belongs to: the name without its incarnation. */
  public static String nodeOf(String member) {
    return MemberNames.nodeOf(member);
  }

  private static Set<String> nodesOf(Set<String> members) {
    Set<String> nodes = new TreeSet<>(NodeNames.ORDER);
    for (String m : members) nodes.add(nodeOf(m));
    return nodes;
  }

  /** The network model decides when (and for data, whether) a wire message arrives. */
  private Behavior<Command> fromNetwork(Command wire, String group, String from) {
    if (!settings.group().equals(group)) {
      getContext().getLog().error("[{}] refused a [{}] from [{}] for group [{}]: this member serves group [{}] only",
          settings.group(), wire.getClass().getSimpleName(), from, group, settings.group());
      tracer.event(Events.Group.REJECT, Map.of("reason", "message for another group", "from", String.valueOf(from), "for", String.valueOf(group)));
      // Tell the sender, so the error shows where the mistake was made too.
      ActorRef<Command> sender = wire instanceof Hello h && h.replyTo() != null ? h.replyTo() : refs.get(from);
      if (sender != null && !(wire instanceof Refused)) {
        sender.tell(new Refused(String.valueOf(group), self, "node [" + self + "] serves group [" + settings.group()
            + "] here, not [" + group + "]; the " + wire.getClass().getSimpleName() + " was not taken"));
      }
      return this;
    }
    if (network.isPerfect()) {
      handleWire(wire);
    } else if (wire instanceof Bundle b) {
      if (b.progress() != null) {
        MulticastCore.Progress p = b.progress();
        if (network.fateOfControl() instanceof NetworkModel.Deliver deliver) {
          later(new Status(b.group(), b.from(), p.delivered(), p.released(), p.gseq()), deliver.delayMillis());
        }
      }
      for (Data d : b.data() == null ? List.<Data>of() : b.data()) {
        NetworkModel.Fate fate = network.fateOfLossy();
        if (fate instanceof NetworkModel.Deliver deliver) {
          later(new Bundle(b.group(), b.from(), List.of(d)), deliver.delayMillis());
        } else if (d != null) {
          tracer.event(Events.Group.DROP, d.msgId(), null, null, Map.of("reason", "lost by the network model", "from", b.from()));
        }
      }
    } else if (network.fateOfControl() instanceof NetworkModel.Deliver deliver) {
      later(wire, deliver.delayMillis());
    } else {
      tracer.event(Events.Group.DROP, Map.of("reason", "control message lost by the network model", "from", String.valueOf(from),
          "what", wire.getClass().getSimpleName()));
    }
    return this;
  }

  private void later(Command wire, long delayMillis) {
    if (delayMillis == 0) handleWire(wire);
    else getContext().scheduleOnce(Duration.ofMillis(delayMillis), getContext().getSelf(), new Arrived(wire));
  }

  private void handleWire(Command wire) {
    long now = now();
    if (wire instanceof Bundle b) {
      if (b.data() == null) {
        core.onData(b.from(), null, now);
        return;
      }
      for (Data d : b.data()) core.onData(b.from(), d, now);
      MulticastCore.Progress p = b.progress();
      if (p != null && network.isPerfect()) core.onStatus(b.from(), p.delivered(), p.released(), p.gseq(), now);
    } else if (wire instanceof Hello h) {
      if (h.replyTo() != null && h.from() != null && !h.from().equals(self)) refs.putIfAbsent(h.from(), h.replyTo());
      core.onHello(h.from(), h.firstSeq(), h.cut());
    } else if (wire instanceof Nack n) {
      core.onNack(n.from(), n.origin(), n.fromSeq(), n.toSeq(), now);
    } else if (wire instanceof Status s) {
      core.onStatus(s.from(), s.delivered(), s.released(), s.gseq(), now);
    } else if (wire instanceof Sequencing q) {
      core.onOrdering(q.from(), q.body(), now);
    }
  }

  private Behavior<Command> onTick() {
    if (discovery && !unresolved.isEmpty()) resolveView();
    core.tick(now());
    return this;
  }

  private Behavior<Command> onFlush() {
    flushPending = false;
    tracer.flush(); // the multicast lines reach the OS before the messages leave the node
    MulticastCore.Progress progress = outbox.isEmpty() ? null : core.progress();
    for (Map.Entry<String, List<Data>> e : outbox.entrySet()) {
      ActorRef<Command> to = refs.get(e.getKey());
      List<Data> all = e.getValue();
      if (to == null) {
        getContext().getLog().warn("[{}] no address for peer [{}]: {} messages not sent now (it will ask again)",
            settings.group(), e.getKey(), all.size());
        continue;
      }
      int from = 0, bytes = 0;
      for (int i = 0; i < all.size(); i++) {
        bytes += all.get(i).wireSize();
        boolean nextWouldOverflow = i + 1 < all.size() && bytes + all.get(i + 1).wireSize() > settings.bundleMaxBytes();
        if (i + 1 - from >= settings.bundleMaxMessages() || nextWouldOverflow || i == all.size() - 1) {
          boolean last = i == all.size() - 1;
          to.tell(new Bundle(settings.group(), self, List.copyOf(all.subList(from, i + 1)), last ? progress : null));
          from = i + 1;
          bytes = 0;
        }
      }
    }
    outbox.clear();
    flushOrders();
    flushToNumber();
    return this;
  }

  private void flushToNumber() {
    if (toNumber.isEmpty()) return;
    if (sequencer != null) sequencer.tell(new SequencerActor.Number(toNumberEpoch, List.copyOf(toNumber), toNumberDelivered));
    toNumber.clear();
  }

  private void flushOrders() {
    for (Map.Entry<String, List<TotalOrder.Run>> e : orderOutbox.entrySet()) {
      ActorRef<Command> to = refs.get(e.getKey());
      List<TotalOrder.Run> all = e.getValue();
      if (to == null) continue; // the peer will ask again (OrderNack)
      for (int from = 0; from < all.size(); from += settings.bundleMaxMessages() * 4) {
        List<TotalOrder.Run> part = List.copyOf(all.subList(from, Math.min(all.size(), from + settings.bundleMaxMessages() * 4)));
        to.tell(new Sequencing(settings.group(), self, new TotalOrder.Ordered(orderOutboxEpoch, part)));
      }
    }
    orderOutbox.clear();
  }

  private void scheduleFlush() {
    if (!flushPending) {
      flushPending = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
  }

  private Set<String> currentMembers() {
    Set<String> members = new TreeSet<>(MemberNames.ORDER);
    members.addAll(core.view());
    members.add(self);
    return nodesOf(members);
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** Carries out what the core decides. */
  private final class ShellEffects implements MulticastCore.Effects {
    /** Member name to node name, for every delivery: a group has a handful of members, so cut each name once. */
    private final Map<String, String> nodes = new HashMap<>();

    private String originNode(String member) {
      String node = nodes.get(member);
      if (node == null) {
        node = nodeOf(member);
        if (nodes.size() < 1024) nodes.put(member, node); // bounded: members come and go over a long run
      }
      return node;
    }

    @Override
    public boolean sequencerIsAnActor() {
      return true;
    }

    @Override
    public void openSequencer(long epoch) {
      closeSequencer();
      if (fromSequencer == null) fromSequencer = getContext().messageAdapter(SequencerActor.Outcome.class, FromSequencer::new);
      // A fresh name each time: the one stopped when this member last stepped down may not be gone yet.
      sequencer = getContext().spawn(SequencerActor.create(fromSequencer, sequencerFaults), "sequencer-" + (++sequencersSpawned));
      tracer.event(Events.Group.SEQUENCER_START, Map.of("epoch", epoch));
    }

    @Override
    public void sequence(long epoch, List<TotalOrder.Key> messages, long deliveredGseq) {
      if (sequencer == null) return;
      // Released messages arrive one by one from a bundle: ask for their numbers together, once per mailbox pass.
      if (!toNumber.isEmpty() && toNumberEpoch != epoch) flushToNumber();
      toNumberEpoch = epoch;
      toNumberDelivered = deliveredGseq;
      toNumber.addAll(messages);
      scheduleFlush();
    }

    @Override
    public void closeSequencer() {
      if (sequencer == null) return;
      toNumber.clear(); // for an epoch this member leads no more: void
      getContext().stop(sequencer);
      sequencer = null;
    }

    @Override
    public void sendData(String peer, Data data) {
      outbox.computeIfAbsent(peer, p -> new ArrayList<>()).add(data);
      scheduleFlush();
    }

    @Override
    public void sendOrdering(String peer, TotalOrder.Message message) {
      if (message instanceof TotalOrder.Ordered o) {
        // Assignments ride together, after the data of the same pass (bundled like the data).
        if (!orderOutbox.isEmpty() && orderOutboxEpoch != o.epoch()) flushOrders();
        orderOutboxEpoch = o.epoch();
        List<TotalOrder.Run> runs = orderOutbox.computeIfAbsent(peer, p -> new ArrayList<>());
        for (TotalOrder.Run r : o.runs()) TotalOrder.appendTo(runs, r);
        scheduleFlush();
        return;
      }
      flushOrders(); // hand-over messages must not overtake the assignments of the old epoch
      ActorRef<Command> to = refs.get(peer);
      if (to != null) to.tell(new Sequencing(settings.group(), self, message));
      else getContext().getLog().warn("[{}] no address for [{}] yet: its [{}] was not sent (it will be asked again)",
          settings.group(), peer, message.getClass().getSimpleName());
    }

    @Override
    public void sendHello(String peer, long firstSeq) {
      sendHello(peer, firstSeq, null);
    }

    @Override
    public void sendHello(String peer, long firstSeq, Map<String, Long> cut) {
      ActorRef<Command> to = refs.get(peer);
      if (to != null) to.tell(new Hello(settings.group(), self, getContext().getSelf(), firstSeq, cut));
    }

    @Override
    public void notAdmitted(String reason) {
      notAdmitted = true;
      GroupEvent.NotAdmitted n = new GroupEvent.NotAdmitted(settings.group(), reason);
      for (ActorRef<GroupEvent> s : subscribers) s.tell(n);
    }

    @Override
    public void sendNack(String peer, String origin, long fromSeq, long toSeq) {
      ActorRef<Command> to = refs.get(peer);
      if (to != null) to.tell(new Nack(settings.group(), self, origin, fromSeq, toSeq));
    }

    @Override
    public void sendStatus(String peer, Map<String, Long> delivered, Map<String, Long> released, long gseq) {
      ActorRef<Command> to = refs.get(peer);
      if (to != null) to.tell(new Status(settings.group(), self, delivered, released, gseq));
    }

    @Override
    public void deliver(Data data, long gseq) {
      if (subscribers.isEmpty()) return;
      GroupEvent.Delivered d = new GroupEvent.Delivered(settings.group(), data.msgId(), originNode(data.origin()), data.seq(),
          data.payload(), data.vc(), gseq);
      for (ActorRef<GroupEvent> s : subscribers) s.tell(d);
    }

    @Override
    public boolean tracing() {
      return tracer.enabled();
    }

    @Override
    public void stable(long upToSeq) {
      GroupEvent.Stable s = new GroupEvent.Stable(settings.group(), upToSeq);
      for (ActorRef<GroupEvent> sub : subscribers) sub.tell(s);
    }

    @Override
    public void reject(String reason) {
      getContext().getLog().error("[{}] refused: {}", settings.group(), reason);
      tracer.event(Events.Group.REJECT, Map.of("reason", reason));
    }

    @Override
    public void trace(String event, String msgId, VectorClock vc, Long gseq, Map<String, ?> extra) {
      tracer.event(event, msgId, vc, gseq, extra);
    }
  }
}
