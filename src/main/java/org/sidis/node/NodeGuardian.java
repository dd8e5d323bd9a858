package org.sidis.node;

import org.sidis.wire.Progress;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import org.sidis.bench.BenchDriver;
import org.sidis.bench.RawBroadcast;
import org.sidis.demo.ChatWorkload;
import org.sidis.demo.GossipWorkload;
import org.sidis.gossip.GossipNode;
import org.sidis.gossip.GossipSettings;
import org.sidis.mom.QueueManager;
import org.sidis.mom.QueueSettings;
import org.sidis.multicast.GroupMember;
import org.sidis.multicast.MulticastSettings;
import org.sidis.multicast.Order;
import org.sidis.net.NetworkModel;
import org.sidis.trace.Traces;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The root of a node: logs cluster membership changes (and reports them to a launcher), and
 * starts the services that {@code sidis.node.services} names.
 */
public final class NodeGuardian {

  public interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private NodeGuardian() {}

  /** Why a node shut itself down: one of its services failed (the node exits with code 1). */
  public enum ServiceFailed implements akka.actor.CoordinatedShutdown.Reason { INSTANCE }

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> {
      Config config = ctx.getSystem().settings().config();
      String node = config.getString("sidis.node.name");
      Traces.get(ctx.getSystem()); // opens the trace and writes the node's start line
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
          ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
          ClusterEvent.ReachabilityEvent.class));
      Map<String, ActorRef<GroupMember.Command>> groups = startServices(ctx, config, node);
      // A service that fails (a store that cannot be opened or is corrupt, a bug) takes the node
      // down with one error line, rather than leaving a node that is Up and answers nothing.
      ctx.getChildren().forEach(ctx::watch);
      ctx.getLog().info("node [{}] started at [{}] with services {} and groups {}", node,
          ctx.getSystem().address(), config.getStringList("sidis.node.services"), groups.keySet());
      return Behaviors.receive(Command.class)
          .onMessage(MemberChanged.class, m -> {
            ctx.getLog().info("membership: {}", m.event());
            if (m.event() instanceof ClusterEvent.MemberUp || m.event() instanceof ClusterEvent.MemberRemoved) {
              long up = java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                  .filter(x -> x.status() == akka.cluster.MemberStatus.up()).count();
              Progress.print("members", Map.of("node", node, "up", up));
            }
            return Behaviors.same();
          })
          .onMessage(ReachabilityChanged.class, m -> {
            ctx.getLog().warn("reachability: {}", m.event());
            return Behaviors.same();
          })
          .onSignal(akka.actor.typed.ChildFailed.class, failed -> {
            String what = "service actor [" + failed.getRef().path().name() + "] of node [" + node + "] failed: " + failed.getCause();
            ctx.getLog().error("{}; the node stops", what);
            System.err.println("error: " + what + "; the node stops");
            akka.actor.CoordinatedShutdown.get(ctx.getSystem()).runAll(ServiceFailed.INSTANCE);
            return Behaviors.same();
          })
          // A service that finished its work and stopped is no failure.
          .onSignal(akka.actor.typed.Terminated.class, stopped -> Behaviors.same())
          .build();
    });
  }

  private static Map<String, ActorRef<GroupMember.Command>> startServices(ActorContext<Command> ctx, Config config, String node) {
    List<String> services = config.getStringList("sidis.node.services");
    long seed = config.getLong("sidis.node.seed") * 31 + node.hashCode();
    Map<String, ActorRef<GroupMember.Command>> groups = new HashMap<>();
    ActorRef<GossipNode.Command> gossip = null;
    for (String service : services) {
      switch (service) {
        case "multicast" -> {
          Config mc = config.getConfig("sidis.multicast");
          NetworkModel network = NetworkModel.fromConfig(config.getConfig("sidis.net"), seed);
          for (Config g : mc.getConfigList("groups")) {
            String name = g.getString("name");
            MulticastSettings settings = MulticastSettings.fromConfig(mc, name, Order.parse(g.getString("order")));
            groups.put(name, ctx.spawn(GroupMember.create(settings, network), "multicast-" + name));
          }
        }
        case "chat" -> {
          Config chat = config.getConfig("sidis.demo.chat");
          ActorRef<GroupMember.Command> member = groups.get(chat.getString("group"));
          if (member == null) throw new IllegalArgumentException("service [chat] needs group [" + chat.getString("group")
              + "] in sidis.multicast.groups and service [multicast] before it");
          ctx.spawn(ChatWorkload.create(node, chat, member, seed), "chat");
        }
        case "bench-multicast" -> {
          Config bench = config.getConfig("sidis.bench");
          ActorRef<GroupMember.Command> member = groups.get(bench.getString("group"));
          if (member == null) throw new IllegalArgumentException("service [bench-multicast] needs group [" + bench.getString("group")
              + "] in sidis.multicast.groups and service [multicast] before it");
          ctx.spawn(BenchDriver.create(node, bench, member), "bench");
        }
        case "bench-rpc-server" -> {
          Config rpcBench = config.getConfig("sidis.bench.rpc");
          ctx.spawn(org.sidis.bench.RpcBench.server(rpcBench.getIntList("workers"),
              (int) rpcBench.getDuration("handler").toMillis()), "bench-rpc-server");
        }
        case "bench-raw" -> ctx.spawn(RawBroadcast.create(node, config.getConfig("sidis.bench")), "bench-raw");
        case "gossip" -> {
          GossipSettings settings = GossipSettings.fromConfig(config.getConfig("sidis.gossip"));
          NetworkModel network = NetworkModel.fromConfig(config.getConfig("sidis.net"), seed ^ 0x6055);
          gossip = ctx.spawn(GossipNode.create(settings, network, seed), "gossip-" + settings.group());
        }
        case "gossip-workload" -> {
          if (gossip == null) throw new IllegalArgumentException("service [gossip-workload] needs service [gossip] before it");
          ctx.spawn(GossipWorkload.create(node, config.getConfig("sidis.demo.gossip"), gossip, seed), "gossip-workload");
        }
        case "rpc-replica" -> {
          Config rpc = config.getConfig("sidis.demo.rpc");
          ctx.spawn(org.sidis.rpc.Skeleton.create(rpc.getString("service"), org.sidis.demo.RpcDemoService.class,
              org.sidis.demo.RpcDemoService.replica(node),
              org.sidis.server.ServerSettings.fromConfig(config.getConfig("sidis.server")),
              org.sidis.rpc.RpcSettings.fromConfig(config.getConfig("sidis.rpc"))), "rpc-" + rpc.getString("service"));
        }
        case "servers" -> {
          Config demo = config.getConfig("sidis.demo.servers");
          org.sidis.server.ServerSettings server = org.sidis.server.ServerSettings.fromConfig(config.getConfig("sidis.server"))
              .withWorkers(demo.getInt("workers"));
          org.sidis.rpc.RpcSettings rpc = org.sidis.rpc.RpcSettings.fromConfig(config.getConfig("sidis.rpc"));
          org.sidis.demo.ServersWorkload.SlowService slow = org.sidis.demo.ServersWorkload.slow(demo.getDuration("handler").toMillis());
          ctx.spawn(org.sidis.rpc.Skeleton.iterative("iterative", org.sidis.demo.ServersWorkload.SlowService.class, slow, server, rpc),
              "iterative", akka.actor.typed.DispatcherSelector.fromConfig(server.blockingDispatcher()));
          ctx.spawn(org.sidis.rpc.Skeleton.create("concurrent", org.sidis.demo.ServersWorkload.SlowService.class, slow, server, rpc),
              "concurrent");
        }
        case "servers-workers" -> {
          // The concurrent server's workers for a "servers" node run with workers-at = remote.
          Config demo = config.getConfig("sidis.demo.servers");
          ctx.spawn(org.sidis.rpc.Skeleton.workers("concurrent", org.sidis.demo.ServersWorkload.SlowService.class,
              org.sidis.demo.ServersWorkload.slow(demo.getDuration("handler").toMillis()),
              org.sidis.server.ServerSettings.fromConfig(config.getConfig("sidis.server")).withWorkers(demo.getInt("workers")),
              org.sidis.rpc.RpcSettings.fromConfig(config.getConfig("sidis.rpc"))), "workers-concurrent");
        }
        case "rpc-workers" -> {
          // Workers for the RPC demo's replicas when they run with workers-at = remote.
          Config rpc = config.getConfig("sidis.demo.rpc");
          ctx.spawn(org.sidis.rpc.Skeleton.workers(rpc.getString("service"), org.sidis.demo.RpcDemoService.class,
              org.sidis.demo.RpcDemoService.replica(node),
              org.sidis.server.ServerSettings.fromConfig(config.getConfig("sidis.server")),
              org.sidis.rpc.RpcSettings.fromConfig(config.getConfig("sidis.rpc"))), "workers-" + rpc.getString("service"));
        }
        case "servers-client" -> org.sidis.demo.ServersWorkload.start(ctx.getSystem(), node, config.getConfig("sidis.demo.servers"));
        case "rpc-client" -> org.sidis.demo.RpcWorkload.start(ctx.getSystem(), node, config.getConfig("sidis.demo.rpc"));
        case "queues" -> ctx.spawn(QueueManager.create(QueueSettings.fromConfig(config.getConfig("sidis.mom")),
            org.sidis.mom.BrokerSettings.fromConfig(config.getConfig("sidis.mom"))), "queue-manager");
        case "broker-producer" -> org.sidis.demo.BrokerWorkload.startProducer(ctx.getSystem(), node, config.getConfig("sidis.demo.broker"));
        case "broker-consumer" -> org.sidis.demo.BrokerWorkload.startConsumers(ctx.getSystem(), node, config.getConfig("sidis.demo.broker"));
        case "pubsub-publisher" -> org.sidis.demo.PubsubWorkload.startPublisher(ctx, node, config.getConfig("sidis.demo.pubsub"));
        case "pubsub-subscriber" -> org.sidis.demo.PubsubWorkload.startSubscriber(ctx.getSystem(), node, config.getConfig("sidis.demo.pubsub"));
        case "log" -> ctx.spawn(org.sidis.mom.LogManager.create(org.sidis.mom.LogSettings.fromConfig(config.getConfig("sidis.mom.log"))), "event-log");
        case "log-producer" -> ctx.spawn(org.sidis.demo.LogWorkload.producer(node,
            org.sidis.demo.LogWorkload.Settings.fromConfig(config.getConfig("sidis.demo.log"))), "log-producer");
        case "log-consumer" -> {
          var demo = org.sidis.demo.LogWorkload.Settings.fromConfig(config.getConfig("sidis.demo.log"));
          ctx.spawn(org.sidis.demo.LogWorkload.consumers(node, demo, demo.records()), "log-consumer");
        }
        case "queues-producer" -> ctx.spawn(org.sidis.demo.QueuesWorkload.producer(node,
            org.sidis.demo.QueuesWorkload.Settings.fromConfig(config.getConfig("sidis.demo.queues"))), "producer");
        case "queues-consumer" -> ctx.spawn(org.sidis.demo.QueuesWorkload.consumers(node,
            org.sidis.demo.QueuesWorkload.Settings.fromConfig(config.getConfig("sidis.demo.queues"))), "consumers");
        default -> throw new IllegalArgumentException("unknown service [" + service
            + "] in sidis.node.services; known: multicast, chat, bench-multicast, bench-raw, bench-rpc-server, gossip,"
            + " gossip-workload, rpc-replica, rpc-workers, rpc-client, servers, servers-workers, servers-client, queues,"
            + " queues-producer, queues-consumer, log, log-producer, log-consumer, broker-producer, broker-consumer,"
            + " pubsub-publisher, pubsub-subscriber");
      }
    }
    return groups;
  }
}
