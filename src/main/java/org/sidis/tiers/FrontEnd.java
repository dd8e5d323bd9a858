package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import org.sidis.tiers.FrontEndCore.Decision;
import org.sidis.tiers.FrontEndCore.Refuse;
import org.sidis.tiers.FrontEndCore.Route;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.ClearCache;
import org.sidis.tiers.TiersProtocol.ClearCaches;
import org.sidis.tiers.TiersProtocol.Completed;
import org.sidis.tiers.TiersProtocol.Document;
import org.sidis.tiers.TiersProtocol.Done;
import org.sidis.tiers.TiersProtocol.Fetch;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;
import org.sidis.tiers.TiersProtocol.GetStatus;
import org.sidis.tiers.TiersProtocol.LoadReport;
import org.sidis.tiers.TiersProtocol.Redirect;
import org.sidis.tiers.TiersProtocol.Refused;
import org.sidis.tiers.TiersProtocol.Serve;
import org.sidis.tiers.TiersProtocol.ServerCommand;
import org.sidis.tiers.TiersProtocol.ServerStatus;
import org.sidis.tiers.TiersProtocol.Status;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first tier: the front end of a server cluster (the notes' "Aglomerados de servidores: 3
 * camadas"). The front door's HTTP layer hands it each request at once; it picks an application
 * server by the policy (a switch: round-robin or least-loaded; or the content-aware distributor)
 * and lets the reply travel by the reply mode: {@code relay} — the server answers the front
 * end, which answers the client (every reply byte crosses it); {@code handoff} — the request
 * carries the client's reply path (the front door's per-request actor), so the server answers
 * it directly and the front end never touches the reply, only hears that it was answered (TCP
 * handoff in actor terms); {@code redirect} — the front end answers at once with the chosen
 * server's own endpoint and the client asks there.
 *
 * <p>It routes only to servers that are Up in the cluster, listed by the Receptionist as
 * reachable and have told it their endpoint. When a server leaves, its unanswered requests go
 * once more to another server (document reads are idempotent) and are answered once; the rules
 * are {@link FrontEndCore}'s, one core per policy so a measurement can ask for any policy.
 */
public final class FrontEnd extends AbstractBehavior<FrontEndCommand> {

  private record ServersListed(Receptionist.Listing listing) implements FrontEndCommand {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements FrontEndCommand {}

  private record Relayed(Answer answer) implements FrontEndCommand {}

  private record TimedOut(String id) implements FrontEndCommand {}

  private record Waiting(Policy policy, ReplyMode mode, ActorRef<Answer> replyTo) {}

  private record Known(String url, int load, long hits, long misses) {}

  public static Behavior<FrontEndCommand> create(String node, TiersSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FrontEnd(ctx, timers, node, settings)));
  }

  private final String node;
  private final TiersSettings settings;
  private final TimerScheduler<FrontEndCommand> timers;
  private final Map<Policy, FrontEndCore<ActorRef<ServerCommand>>> cores = new EnumMap<>(Policy.class);
  private final Map<String, Waiting> waiting = new HashMap<>();
  private final Map<ActorRef<ServerCommand>, Known> known = new LinkedHashMap<>();
  private final ActorRef<Answer> relay;
  private final TiersTrace trace;
  private Set<ActorRef<ServerCommand>> listedAll = Set.of();
  private Set<ActorRef<ServerCommand>> listedReachable = Set.of();
  /** Servers the cores count as present (listed, Up, endpoint known). */
  private final Set<ActorRef<ServerCommand>> present = new HashSet<>();
  private long requests, answered, refused, timedOut, redirected, replyBytes, lateDropped;

  private FrontEnd(ActorContext<FrontEndCommand> ctx, TimerScheduler<FrontEndCommand> timers, String node, TiersSettings settings) {
    super(ctx);
    this.node = node;
    this.settings = settings;
    this.timers = timers;
    for (Policy p : Policy.values()) cores.put(p, new FrontEndCore<>(p.newDistribution(settings.marks())));
    this.relay = ctx.messageAdapter(Answer.class, Relayed::new);
    this.trace = TiersTrace.of(ctx.getSystem(), ctx.getSelf());
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(TiersProtocol.SERVERS,
        ctx.messageAdapter(Receptionist.Listing.class, ServersListed::new)));
    ctx.getSystem().receptionist().tell(Receptionist.register(TiersProtocol.FRONT_ENDS, ctx.getSelf()));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
    ctx.getLog().info("front end [{}]: reply mode {}, policy {}", node, settings.replyMode(), settings.policy());
  }

  @Override
  public Receive<FrontEndCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(Relayed.class, this::onRelayed)
        .onMessage(Completed.class, c -> {
          Waiting w = waiting.remove(c.id());
          if (w != null && cores.get(w.policy()).answered(c.id())) {
            answered++;
            timers.cancel(c.id());
          }
          return this;
        })
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(LoadReport.class, this::onLoadReport)
        .onMessage(ServersListed.class, l -> {
          listedAll = l.listing().getAllServiceInstances(TiersProtocol.SERVERS);
          listedReachable = l.listing().getServiceInstances(TiersProtocol.SERVERS);
          reconcile();
          return this;
        })
        .onMessage(MembershipChanged.class, m -> {
          reconcile();
          return this;
        })
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .onMessage(ClearCaches.class, this::onClearCaches)
        .build();
  }

  private Behavior<FrontEndCommand> onFetch(Fetch f) {
    requests++;
    Policy policy = f.policy() != null ? f.policy() : settings.policy();
    ReplyMode mode = f.mode() != null ? f.mode() : settings.replyMode();
    trace.request(f.id(), f.key(), mode, policy);
    if (f.key() < 0 || f.key() >= settings.documents()) {
      refused++;
      f.replyTo().tell(new Refused(f.id(), 404, "no document " + f.key() + ": keys are 0.." + (settings.documents() - 1)));
      return this;
    }
    FrontEndCore<ActorRef<ServerCommand>> core = cores.get(policy);
    if (mode == ReplyMode.REDIRECT) {
      var server = core.choose(f.key());
      if (server.isEmpty()) {
        refuse(f.id(), f.replyTo(), FrontEndCore.Refusal.NO_SERVER_UP);
      } else {
        redirected++;
        answered++;
        f.replyTo().tell(new Redirect(f.id(), known.get(server.get()).url() + "/doc/" + f.key()));
      }
      return this;
    }
    Decision d = core.admit(f.id(), f.key());
    if (d instanceof Route<?> r) {
      waiting.put(f.id(), new Waiting(policy, mode, f.replyTo()));
      timers.startSingleTimer(f.id(), new TimedOut(f.id()), settings.requestTimeout());
      send(r, mode, f.replyTo());
    } else {
      refuse(f.id(), f.replyTo(), ((Refuse) d).reason());
    }
    return this;
  }

  @SuppressWarnings("unchecked")
  private void send(Route<?> r, ReplyMode mode, ActorRef<Answer> client) {
    ActorRef<ServerCommand> server = (ActorRef<ServerCommand>) r.server();
    Known k = known.get(server);
    trace.route(r.id(), r.key(), k == null ? server.path().toString() : k.url(), r.attempt());
    // relay: the server answers us; handoff: the request carries the client's own reply path.
    server.tell(new Serve(r.id(), r.key(), mode == ReplyMode.HANDOFF ? client : relay));
  }

  private void refuse(String id, ActorRef<Answer> client, FrontEndCore.Refusal why) {
    refused++;
    String reason = switch (why) {
      case NO_SERVER_UP -> "no application server is Up";
      case RETRIED_ONCE -> "its server left before answering, and so did the one it was retried on";
    };
    getContext().getLog().info("front end [{}]: request [{}] refused: {}", node, id, reason);
    client.tell(new Refused(id, 503, reason));
  }

  private Behavior<FrontEndCommand> onRelayed(Relayed r) {
    Answer a = r.answer();
    Waiting w = waiting.get(a.id());
    if (w == null || !cores.get(w.policy()).answered(a.id())) {
      lateDropped++;
      trace.drop(a.id(), "late or duplicate answer");
      getContext().getLog().debug("front end [{}]: late or duplicate answer for [{}] dropped", node, a.id());
      return this;
    }
    waiting.remove(a.id());
    timers.cancel(a.id());
    answered++;
    if (a instanceof Document d) replyBytes += d.body().length();
    w.replyTo().tell(a);
    return this;
  }

  private Behavior<FrontEndCommand> onTimedOut(TimedOut t) {
    Waiting w = waiting.remove(t.id());
    if (w != null && cores.get(w.policy()).timedOut(t.id())) {
      timedOut++;
      getContext().getLog().warn("front end [{}]: request [{}] not answered within {}", node, t.id(), settings.requestTimeout());
      w.replyTo().tell(new Refused(t.id(), 504, "no application server answered within " + settings.requestTimeout()));
    }
    return this;
  }

  private Behavior<FrontEndCommand> onLoadReport(LoadReport r) {
    known.put(r.server(), new Known(r.url(), r.load(), r.hits(), r.misses()));
    if (present.contains(r.server())) {
      for (var core : cores.values()) core.loadReport(r.server(), r.load());
    } else {
      reconcile();
    }
    return this;
  }

  /** Brings the cores' view in line with the Receptionist's listing, the cluster's Up members and the servers' endpoints. */
  private void reconcile() {
    Set<akka.actor.Address> up = new HashSet<>();
    Cluster cluster = Cluster.get(getContext().getSystem());
    for (Member m : cluster.state().getMembers()) if (m.status() == MemberStatus.up()) up.add(m.address());
    akka.actor.Address self = cluster.selfMember().address();
    for (ActorRef<ServerCommand> s : listedAll) {
      akka.actor.Address at = s.path().address().hasGlobalScope() ? s.path().address() : self;
      boolean routable = up.contains(at) && known.containsKey(s);
      if (routable && present.add(s)) {
        getContext().getLog().info("front end [{}]: app server [{}] is Up at {}", node, s, known.get(s).url());
        for (var core : cores.values()) core.serverUp(s);
      }
      if (!routable && present.contains(s)) gone(s, "is no longer Up");
    }
    for (ActorRef<ServerCommand> s : new ArrayList<>(present)) {
      if (!listedAll.contains(s)) {
        gone(s, "is no longer registered");
        continue;
      }
      for (var core : cores.values()) {
        if (listedReachable.contains(s)) core.serverReachable(s);
        else core.serverUnreachable(s);
      }
    }
  }

  private void gone(ActorRef<ServerCommand> s, String why) {
    present.remove(s);
    known.remove(s);
    getContext().getLog().warn("front end [{}]: app server [{}] {}; its pending requests go once to another server", node, s, why);
    for (var core : cores.values()) {
      for (Decision d : core.serverGone(s)) {
        Waiting w = waiting.get(d.id());
        if (w == null) continue;
        if (d instanceof Route<?> r) {
          send(r, w.mode(), w.replyTo());
        } else {
          waiting.remove(d.id());
          timers.cancel(d.id());
          refuse(d.id(), w.replyTo(), ((Refuse) d).reason());
        }
      }
    }
  }

  private Behavior<FrontEndCommand> onClearCaches(ClearCaches c) {
    List<ActorRef<ServerCommand>> servers = new ArrayList<>(present);
    if (servers.isEmpty()) {
      c.replyTo().tell(Done.INSTANCE);
      return this;
    }
    ActorRef<Done> replyTo = c.replyTo();
    getContext().spawnAnonymous(Behaviors.<Done>setup(ctx -> {
      for (var s : servers) s.tell(new ClearCache(ctx.getSelf()));
      int[] left = {servers.size()};
      return Behaviors.receive(Done.class).onMessage(Done.class, d -> {
        if (--left[0] > 0) return Behaviors.same();
        replyTo.tell(Done.INSTANCE);
        return Behaviors.stopped();
      }).build();
    }));
    return this;
  }

  private Status status() {
    List<ServerStatus> servers = new ArrayList<>();
    long hits = 0, misses = 0;
    FrontEndCore<ActorRef<ServerCommand>> core = cores.get(settings.policy());
    for (var e : known.entrySet()) {
      Known k = e.getValue();
      hits += k.hits();
      misses += k.misses();
      servers.add(new ServerStatus(e.getKey().path().toString(), k.url(), core.pool().isRoutable(e.getKey()), k.load(), k.hits(),
          k.misses()));
    }
    long retried = 0, dropped = lateDropped;
    for (var c : cores.values()) {
      retried += c.retried();
      dropped += c.dropped();
    }
    return new Status(node, settings.replyMode().word(), settings.policy().word(), settings.documents(), servers, requests, answered,
        refused, timedOut, retried, dropped, redirected, replyBytes, hits, misses, waiting.size());
  }
}
