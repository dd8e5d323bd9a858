package org.sidis.multicast;

import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import org.sidis.net.NetworkModel;
import org.sidis.node.Service;

import java.util.ArrayList;
import java.util.List;

/**
 * Service {@code multicast}: one {@link GroupMember} per group in {@code sidis.multicast.groups},
 * each offered to later services under {@link #member(String)}.
 */
public final class MulticastService implements Service {

  public static final String NAME = "multicast";

  /** The key under which a group's member on this node is offered. */
  public static Key<GroupMember.Command> member(String group) {
    return new Key<>("multicast-" + group, GroupMember.Command.class);
  }

  /** The member of {@code group} that an earlier {@code multicast} service started on this node. */
  public static ActorRef<GroupMember.Command> lookup(Context node, String group) {
    return node.lookup(member(group));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    Config mc = node.config().getConfig("sidis.multicast");
    NetworkModel network = NetworkModel.fromConfig(node.config().getConfig("sidis.net"), node.seed());
    List<Spawn<?>> members = new ArrayList<>();
    for (Config g : mc.getConfigList("groups")) {
      String name = g.getString("name");
      MulticastSettings settings = MulticastSettings.fromConfig(mc, name, Order.parse(g.getString("order")));
      members.add(Spawn.of("multicast-" + name, GroupMember.create(settings, network)).offeredAs(member(name)));
    }
    return members;
  }
}
