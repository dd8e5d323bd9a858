package org.sidis.node;

import org.sidis.fault.Supervision;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import org.sidis.membership.UpMembers;
import org.sidis.trace.Traces;
import org.sidis.wire.Progress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The root of a node: logs cluster membership changes (and reports them to a launcher), starts
 * the services that {@code sidis.node.services} names, in that order, from the ones it was given,
 * and supervises each of their actors with the node's one policy ({@link Supervision}). It knows
 * services only through their interface; which exist is the composition root's business.
 */
public final class NodeGuardian {

  public interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private NodeGuardian() {}

  /** Why a node shut itself down: one of its services failed past its restarts (exit code 1). */
  public enum ServiceFailed implements akka.actor.CoordinatedShutdown.Reason { INSTANCE }

  public static Behavior<Command> create(List<Service> known) {
    return Behaviors.setup(ctx -> {
      Config config = ctx.getSystem().settings().config();
      String node = config.getString("sidis.node.name");
      Traces.get(ctx.getSystem()); // opens the trace and writes the node's start line
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
          ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
          ClusterEvent.ReachabilityEvent.class));
      List<String> started = startServices(ctx, config, node, known);
      Management.startIfEnabled(ctx.getSystem(), node);
      // A service that fails past its restarts (a store that cannot be opened, a bug that comes
      // back every time) takes the node down with one error line, rather than leaving a node
      // that is Up and answers nothing.
      ctx.getChildren().forEach(ctx::watch);
      ctx.getLog().info("node [{}] started at [{}] with services {}", node, ctx.getSystem().address(), started);
      return running(ctx, node, UpMembers.NONE);
    });
  }

  /**
   * Counts the Up members from the events themselves ({@link UpMembers}): {@code cluster.state()}
   * lags them, and a launcher waiting for every node up never heard it.
   */
  private static Behavior<Command> running(ActorContext<Command> ctx, String node, UpMembers up) {
    return Behaviors.receive(Command.class)
      .onMessage(MemberChanged.class, m -> {
        ctx.getLog().info("membership: {}", describe(m.event()));
        akka.cluster.Member member = m.event().member();
        UpMembers now = up.with(member.uniqueAddress(), member.status() == akka.cluster.MemberStatus.up());
        if (m.event() instanceof ClusterEvent.MemberUp || m.event() instanceof ClusterEvent.MemberRemoved) {
          Progress.print("members", Map.of("node", node, "up", now.count()));
        }
        return now == up ? Behaviors.same() : running(ctx, node, now);
      })
      .onMessage(ReachabilityChanged.class, m -> {
        ctx.getLog().warn("reachability: {}", describe(m.event()));
        return Behaviors.same();
      })
      .onSignal(akka.actor.typed.ChildFailed.class, failed -> {
        String what = "service actor [" + failed.getRef().path().name() + "] of node [" + node
            + "] failed past its restarts: " + failed.getCause();
        ctx.getLog().error("{}; the node stops", what);
        System.err.println("error: " + what + "; the node stops");
        akka.actor.CoordinatedShutdown.get(ctx.getSystem()).runAll(ServiceFailed.INSTANCE);
        return Behaviors.same();
      })
      // A service that finished its work and stopped is no failure.
      .onSignal(akka.actor.typed.Terminated.class, stopped -> Behaviors.same())
      .build();
  }

  /**
   * A membership change as an operator reads it: the member's node name (its sidis role), its
   * address as host:port, and what happened — {@code node [n2] at [127.0.0.1:2552] is up}.
   */
  static String describe(ClusterEvent.MemberEvent event) {
    String what;
    if (event instanceof ClusterEvent.MemberJoined) what = "is joining";
    else if (event instanceof ClusterEvent.MemberWeaklyUp) what = "is weakly up (joined while members were unreachable)";
    else if (event instanceof ClusterEvent.MemberUp) what = "is up";
    else if (event instanceof ClusterEvent.MemberLeft) what = "is leaving";
    else if (event instanceof ClusterEvent.MemberExited) what = "has exited";
    else if (event instanceof ClusterEvent.MemberDowned) what = "was downed";
    else if (event instanceof ClusterEvent.MemberRemoved r) what = "was removed (it was " + r.previousStatus().toString().toLowerCase() + ")";
    else what = "changed: " + event;
    return member(event.member()) + " " + what;
  }

  /** A reachability change, in the words of {@link #describe(ClusterEvent.MemberEvent)}. */
  static String describe(ClusterEvent.ReachabilityEvent event) {
    String what = event instanceof ClusterEvent.UnreachableMember ? "is unreachable"
        : event instanceof ClusterEvent.ReachableMember ? "is reachable again" : "changed: " + event;
    return member(event.member()) + " " + what;
  }

  /** {@code node [n2] at [127.0.0.1:2552]}: the name from the member's sidis role, else its address alone. */
  static String member(akka.cluster.Member m) {
    String name = null;
    for (String role : m.getRoles()) {
      if (role.startsWith(org.sidis.membership.NodeNames.ROLE_PREFIX)) name = role.substring(org.sidis.membership.NodeNames.ROLE_PREFIX.length());
    }
    akka.actor.Address a = m.address();
    String at = a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
    return (name == null ? "member" : "node [" + name + "]") + " at [" + at + "]";
  }

  /** Starts what {@code sidis.node.services} names, in order; returns the names started. */
  private static List<String> startServices(ActorContext<Command> ctx, Config config, String node, List<Service> known) {
    Supervision supervision = Supervision.fromConfig(config.getConfig("sidis.node"));
    Offered offered = new Offered();
    Service.Context context = new Service.Context() {
      @Override
      public String node() {
        return node;
      }

      @Override
      public Config config() {
        return config;
      }

      @Override
      public long seed() {
        return config.getLong("sidis.node.seed") * 31 + node.hashCode();
      }

      @Override
      public ActorSystem<?> system() {
        return ctx.getSystem();
      }

      @Override
      public <T> ActorRef<T> lookup(Service.Key<T> key) {
        return offered.get(key);
      }
    };
    List<String> started = new ArrayList<>();
    for (Service service : plan(known, config.getStringList("sidis.node.services"))) {
      for (Service.Spawn<?> spawn : service.spawns(context)) offered.put(spawn, spawnSupervised(ctx, supervision, spawn));
      started.add(service.name());
    }
    return started;
  }

  /**
   * The services {@code names} asks for, in its order, each after the ones it needs; an unknown
   * name or a need not met is an {@link IllegalArgumentException} that says which.
   */
  static List<Service> plan(List<Service> known, List<String> names) {
    Map<String, Service> byName = new LinkedHashMap<>();
    for (Service s : known) byName.put(s.name(), s);
    List<Service> plan = new ArrayList<>();
    List<String> before = new ArrayList<>();
    for (String name : names) {
      Service service = byName.get(name);
      if (service == null)
        throw new IllegalArgumentException("unknown service [" + name + "] in sidis.node.services; known: "
            + String.join(", ", new TreeSet<>(byName.keySet())));
      for (String need : service.needs()) {
        if (!before.contains(need))
          throw new IllegalArgumentException("service [" + name + "] needs service [" + need + "] before it in sidis.node.services");
      }
      plan.add(service);
      before.add(name);
    }
    return plan;
  }

  private static <T> ActorRef<T> spawnSupervised(ActorContext<Command> ctx, Supervision supervision, Service.Spawn<T> spawn) {
    return ctx.spawn(supervision.supervise(spawn.behavior(), spawn.keepsChildren()), spawn.name(), spawn.props());
  }

  /** The actors services offer each other on this node, by key. */
  private static final class Offered {
    private final Map<String, ActorRef<?>> refs = new HashMap<>();
    private final Map<String, Class<?>> protocols = new HashMap<>();

    void put(Service.Spawn<?> spawn, ActorRef<?> ref) {
      if (spawn.offers() == null) return;
      refs.put(spawn.offers().id(), ref);
      protocols.put(spawn.offers().id(), spawn.offers().protocol());
    }

    @SuppressWarnings("unchecked")
    <T> ActorRef<T> get(Service.Key<T> key) {
      ActorRef<?> ref = refs.get(key.id());
      if (ref == null || protocols.get(key.id()) != key.protocol())
        throw new IllegalArgumentException("nothing on this node offers [" + key.id() + "]; offered: " + new TreeSet<>(refs.keySet()));
      return (ActorRef<T>) ref;
    }
  }
}
