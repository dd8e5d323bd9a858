package org.sidis.demo;

import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import org.sidis.gossip.GossipService;
import org.sidis.multicast.MulticastService;
import org.sidis.mom.QueueService;
import org.sidis.node.Service;
import org.sidis.node.Service.Spawn;
import org.sidis.rpc.RpcSettings;
import org.sidis.rpc.Skeleton;
import org.sidis.server.ServerSettings;

import java.util.List;
import java.util.function.Consumer;

/**
 * The demos' workloads and demo-only servers as node services: what each demo's config names in
 * {@code sidis.node.services} besides the rooms' own services.
 */
public final class DemoServices {

  private DemoServices() {}

  public static List<Service> all() {
    return List.of(
        Service.of("chat", List.of(MulticastService.NAME), n -> {
          Config chat = n.config().getConfig("sidis.demo.chat");
          return List.of(Spawn.of("chat", ChatWorkload.create(n.node(), chat, MulticastService.lookup(n, chat.getString("group")), n.seed())));
        }),
        Service.of("gossip-workload", List.of(GossipService.NAME), n -> List.of(Spawn.of("gossip-workload",
            GossipWorkload.create(n.node(), n.config().getConfig("sidis.demo.gossip"), n.lookup(GossipService.REPLICA), n.seed())))),
        Service.of("rpc-replica", List.of(), n -> {
          Config rpc = n.config().getConfig("sidis.demo.rpc");
          return List.of(Spawn.of("rpc-" + rpc.getString("service"), Skeleton.create(rpc.getString("service"), RpcDemoService.class,
              RpcDemoService.replica(n.node()), server(n), rpc(n))));
        }),
        // Workers for the RPC demo's replicas when they run with workers-at = remote.
        Service.of("rpc-workers", List.of(), n -> {
          Config rpc = n.config().getConfig("sidis.demo.rpc");
          return List.of(Spawn.of("workers-" + rpc.getString("service"), Skeleton.workers(rpc.getString("service"), RpcDemoService.class,
              RpcDemoService.replica(n.node()), server(n), rpc(n))));
        }),
        Service.of("servers", List.of(), n -> {
          Config demo = n.config().getConfig("sidis.demo.servers");
          ServerSettings server = server(n).withWorkers(demo.getInt("workers"));
          ServersWorkload.SlowService slow = ServersWorkload.slow(demo.getDuration("handler").toMillis());
          return List.of(
              Spawn.of("iterative", Skeleton.iterative("iterative", ServersWorkload.SlowService.class, slow, server, rpc(n)))
                  .withProps(DispatcherSelector.fromConfig(server.blockingDispatcher())),
              Spawn.of("concurrent", Skeleton.create("concurrent", ServersWorkload.SlowService.class, slow, server, rpc(n))));
        }),
        // The concurrent server's workers for a "servers" node that runs with workers-at = remote.
        Service.of("servers-workers", List.of(), n -> {
          Config demo = n.config().getConfig("sidis.demo.servers");
          return List.of(Spawn.of("workers-concurrent", Skeleton.workers("concurrent", ServersWorkload.SlowService.class,
              ServersWorkload.slow(demo.getDuration("handler").toMillis()), server(n).withWorkers(demo.getInt("workers")), rpc(n))));
        }),
        starter("servers-client", ctx -> ServersWorkload.start(ctx.getSystem(), node(ctx), demo(ctx, "servers"))),
        starter("rpc-client", ctx -> RpcWorkload.start(ctx.getSystem(), node(ctx), demo(ctx, "rpc"))),
        starter("migration-client", ctx -> MigrationWorkload.start(ctx.getSystem(), node(ctx), ctx.getSystem().settings().config())),
        starter("placement-client", ctx -> PlacementWorkload.start(ctx, node(ctx), ctx.getSystem().settings().config())),
        starter("broker-producer", ctx -> BrokerWorkload.startProducer(ctx.getSystem(), node(ctx), demo(ctx, "broker"))),
        starter("broker-consumer", ctx -> BrokerWorkload.startConsumers(ctx.getSystem(), node(ctx), demo(ctx, "broker"))),
        starter("pubsub-publisher", ctx -> PubsubWorkload.startPublisher(ctx, node(ctx), demo(ctx, "pubsub"))),
        starter("pubsub-subscriber", ctx -> PubsubWorkload.startSubscriber(ctx.getSystem(), node(ctx), demo(ctx, "pubsub"))),
        Service.of("log-producer", List.of(), n -> List.of(Spawn.of("log-producer",
            LogWorkload.producer(n.node(), LogWorkload.Settings.fromConfig(n.config().getConfig("sidis.demo.log")))))),
        Service.of("log-consumer", List.of(), n -> {
          LogWorkload.Settings demo = LogWorkload.Settings.fromConfig(n.config().getConfig("sidis.demo.log"));
          return List.of(Spawn.of("log-consumer", LogWorkload.consumers(n.node(), demo, demo.records())));
        }),
        Service.of("queues-producer", List.of(), n -> List.of(Spawn.of("producer",
            QueuesWorkload.producer(n.node(), QueuesWorkload.Settings.fromConfig(n.config().getConfig("sidis.demo.queues")))))),
        Service.of("queues-consumer", List.of(), n -> List.of(Spawn.of("consumers",
            QueuesWorkload.consumers(n.node(), QueuesWorkload.Settings.fromConfig(n.config().getConfig("sidis.demo.queues")))))));
  }

  /**
   * A workload that runs on threads of its own (clients that block, as the notes' clients do):
   * an actor that starts it once and then stays, so it has a place under the guardian.
   */
  private static Service starter(String name, Consumer<ActorContext<Void>> start) {
    return Service.of(name, List.of(), n -> List.of(Spawn.of(name, Behaviors.<Void>setup(ctx -> {
      start.accept(ctx);
      return Behaviors.empty();
    }))));
  }

  private static String node(ActorContext<?> ctx) {
    return ctx.getSystem().settings().config().getString("sidis.node.name");
  }

  private static Config demo(ActorContext<?> ctx, String demo) {
    return ctx.getSystem().settings().config().getConfig("sidis.demo." + demo);
  }

  private static ServerSettings server(Service.Context n) {
    return ServerSettings.fromConfig(n.config().getConfig("sidis.server"));
  }

  private static RpcSettings rpc(Service.Context n) {
    return RpcSettings.fromConfig(n.config().getConfig("sidis.rpc"));
  }
}
