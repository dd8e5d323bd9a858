package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.node.Service;
import org.sidis.server.ServerSettings;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;
import org.sidis.wire.Progress;

import java.util.List;
import java.util.Map;

/**
 * The three tiers as node services, one per tier: {@code tiers-front} (the {@link FrontEnd} and
 * its HTTP {@link FrontDoor}), {@code tiers-server} (an {@link AppServer} with its own endpoint)
 * and {@code tiers-data} (the {@link DataTier}). Any node may run any of them; they find each
 * other through the Receptionist. Settings: {@code sidis.tiers} (and {@code sidis.server} for the
 * application servers' workers).
 */
public final class TiersService implements Service {

  /** Which tier a service starts. */
  public enum Tier {
    FRONT("tiers-front"),
    SERVER("tiers-server"),
    DATA("tiers-data");

    final String word;

    Tier(String word) {
      this.word = word;
    }
  }

  private final Tier tier;

  public TiersService(Tier tier) {
    this.tier = tier;
  }

  /** The three services. */
  public static List<Service> all() {
    return List.of(new TiersService(Tier.FRONT), new TiersService(Tier.SERVER), new TiersService(Tier.DATA));
  }

  @Override
  public String name() {
    return tier.word;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    TiersSettings settings = TiersSettings.fromConfig(node.config().getConfig("sidis.tiers"));
    return switch (tier) {
      case FRONT -> List.of(Spawn.of("tiers-front", front(node.node(), settings)));
      case SERVER -> List.of(Spawn.of("tiers-server",
          AppServer.create(node.node(), settings, ServerSettings.fromConfig(node.config().getConfig("sidis.server")))));
      case DATA -> List.of(Spawn.of("tiers-data", DataTier.create(settings.documents(), settings.documentSize(), settings.readCost())));
    };
  }

  /** The front door's binding, as the actor that owns it hears of it. */
  private record DoorBound(FrontDoor door, Throwable failure) {}

  /**
   * The front end and its door: a door that cannot bind fails this actor (the guardian restarts
   * it with backoff, and stops the node after too many); the door is unbound when it stops.
   * Prints {@code @sidis {"event":"front-door","port":…}} for the demo launcher once bound.
   */
  private static Behavior<DoorBound> front(String node, TiersSettings settings) {
    return Behaviors.setup(ctx -> {
      ActorRef<FrontEndCommand> frontEnd = ctx.spawn(FrontEnd.create(node, settings), "front-end");
      ctx.pipeToSelf(FrontDoor.bind(ctx.getSystem(), frontEnd, settings, node), DoorBound::new);
      FrontDoor[] bound = new FrontDoor[1];
      return Behaviors.receive(DoorBound.class)
          .onMessage(DoorBound.class, b -> {
            if (b.door() == null) {
              throw new IllegalStateException("the front door cannot listen on " + settings.frontHost() + ":" + settings.frontPort()
                  + " (sidis.tiers.front-host, front-port): " + b.failure(), b.failure());
            }
            bound[0] = b.door();
            ctx.getLog().info("front door listening on {}/", b.door().url());
            Progress.print("front-door", Map.of("node", node, "port", b.door().port(), "url", b.door().url() + "/"));
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            if (bound[0] != null) bound[0].stop();
            return Behaviors.same();
          })
          .build();
    });
  }
}
