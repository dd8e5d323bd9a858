package org.sidis.migration;

import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.node.Service;

import java.util.List;
import java.util.Map;

/**
 * Service {@code migration-placer}: a {@link Placer} for the actor {@code sidis.migration.name},
 * which decides its moves on its own from its places' reports ({@code sidis.migration.placement}),
 * and moves it by name through a {@link Locator} of its own, as a client would.
 */
public final class PlacerService implements Service {

  public static final String NAME = "migration-placer";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    MigrationSettings settings = MigrationSettings.fromConfig(node.config().getConfig("sidis.migration"));
    PlacementSettings placement = PlacementSettings.fromConfig(node.config().getConfig("sidis.migration.placement"));
    return List.of(Spawn.of("migration-placer-" + settings.name(), Behaviors.<Void>setup(ctx -> {
      var locator = ctx.spawn(Locator.create(node.node() + "-placer", settings), "locator");
      var placer = ctx.spawn(Placer.create(placement.policies(), Map.of(settings.name(), locator), placement.mode(), placement.interval(),
          placement.cooldown(), placement.moveTimeout(), placement.minHosts()), "placer");
      ctx.getSystem().receptionist().tell(Receptionist.register(Placer.KEY, placer));
      return Behaviors.<Void>empty();
    })));
  }
}
