package org.sidis.migration;

import org.sidis.node.Service;

import java.util.List;

/**
 * The room's door into a node: service {@code migration} runs this node's {@link Migratable} for
 * the actor named by {@code sidis.migration.name} — serving on its home node, a possible target
 * (and later a forwarding pointer) on the others.
 */
public final class MigrationService implements Service {

  public static final String NAME = "migration";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    MigrationSettings settings = MigrationSettings.fromConfig(node.config().getConfig("sidis.migration"));
    String frame = "akka.remote.artery.advanced.maximum-frame-size";
    if (node.config().hasPath(frame)) settings.checkFrame(node.config().getBytes(frame));
    PlacementSettings placement = PlacementSettings.fromConfig(node.config().getConfig("sidis.migration.placement"));
    return List.of(Spawn.of("migration-" + settings.name(), Migratable.create(node.node(), settings, node.seed(), placement.reportEvery(),
        placement.extraLoad())));
  }
}
