package org.sidis.gossip;

import org.sidis.net.NetworkModel;
import org.sidis.node.Service;

import java.util.List;

/** Service {@code gossip}: this node's replica of the store {@code sidis.gossip} describes. */
public final class GossipService implements Service {

  public static final String NAME = "gossip";

  /** The key under which the node's replica is offered to later services. */
  public static final Key<GossipNode.Command> REPLICA = new Key<>("gossip-replica", GossipNode.Command.class);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    GossipSettings settings = GossipSettings.fromConfig(node.config().getConfig("sidis.gossip"));
    // Its own stream of network randomness, apart from the multicast groups' on the same node.
    NetworkModel network = NetworkModel.fromConfig(node.config().getConfig("sidis.net"), node.seed() ^ 0x6055);
    return List.of(Spawn.of("gossip-" + settings.group(), GossipNode.create(settings, network, node.seed())).offeredAs(REPLICA));
  }
}
