package org.sidis.mom;

import org.sidis.node.Service;

import java.util.List;

/** Service {@code queues}: the node's queue manager (sidis.mom), with its broker, topics and gateway. */
public final class QueueService implements Service {

  public static final String NAME = "queues";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    var mom = node.config().getConfig("sidis.mom");
    return List.of(Spawn.of("queue-manager", QueueManager.create(QueueSettings.fromConfig(mom), BrokerSettings.fromConfig(mom)))
        // Its queues hold the deliveries in flight and the consumers waiting: they outlive a crash of the manager.
        .keepingChildren());
  }
}
