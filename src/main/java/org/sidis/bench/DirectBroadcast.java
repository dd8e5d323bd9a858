package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.sidis.gossip.Entry;
import org.sidis.gossip.GossipEvent;
import org.sidis.gossip.Version;
import org.sidis.net.NetworkModel;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The broadcast benchmark's baseline: the node where a value is written tells it to every
 * other node at once, one plain Akka message per value and peer — what anyone would write
 * first. The same network model applies, on the receiving side, as for the gossip nodes. It is
 * as fast as a network hop and costs N−1 messages per value; nothing repairs a message a
 * partition cut.
 */
public final class DirectBroadcast extends AbstractBehavior<DirectBroadcast.Command> {

  public interface Command {}

  /** The application writes {@code key} here. */
  public record Write(String key, String value) implements Command {}

  /** The peers, by name. */
  public record Peers(Map<String, ActorRef<Command>> peers) implements Command {}

  /** How many messages this node sent. */
  public record GetSent(ActorRef<Long> replyTo) implements Command {}

  private record Value(String from, String key, String value) implements Command {}

  private record Arrived(Value value) implements Command {}

  public static Behavior<Command> create(String name, NetworkModel network, ActorRef<GossipEvent> observer) {
    return Behaviors.setup(ctx -> new DirectBroadcast(ctx, name, network, observer));
  }

  private final String self;
  private final NetworkModel network;
  private final ActorRef<GossipEvent> observer;
  private final Map<String, ActorRef<Command>> peers = new HashMap<>();
  private final Set<String> known = new HashSet<>();
  private long sent;
  private long seq;

  private DirectBroadcast(ActorContext<Command> ctx, String self, NetworkModel network, ActorRef<GossipEvent> observer) {
    super(ctx);
    this.self = self;
    this.network = network;
    this.observer = observer;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Peers.class, p -> {
          peers.clear();
          p.peers().forEach((n, r) -> {
            if (!n.equals(self)) peers.put(n, r);
          });
          return this;
        })
        .onMessage(Write.class, this::onWrite)
        .onMessage(Value.class, this::onValue)
        .onMessage(Arrived.class, a -> {
          learn(a.value().key(), a.value().value(), a.value().from());
          return this;
        })
        .onMessage(GetSent.class, g -> {
          g.replyTo().tell(sent);
          return this;
        })
        .build();
  }

  private Behavior<Command> onWrite(Write w) {
    learn(w.key(), w.value(), self);
    Value v = new Value(self, w.key(), w.value());
    for (ActorRef<Command> peer : peers.values()) {
      peer.tell(v);
      sent++;
    }
    return this;
  }

  private Behavior<Command> onValue(Value v) {
    NetworkModel.Fate fate = network.fate(v.from(), self);
    if (fate instanceof NetworkModel.Deliver d) later(v, d.delayMillis());
    else if (fate instanceof NetworkModel.Duplicate d) later(v, d.firstDelayMillis());
    return this;
  }

  private void later(Value v, long delayMillis) {
    if (delayMillis == 0) learn(v.key(), v.value(), v.from());
    else getContext().scheduleOnce(Duration.ofMillis(delayMillis), getContext().getSelf(), new Arrived(v));
  }

  private void learn(String key, String value, String from) {
    if (!known.add(key)) return;
    observer.tell(new GossipEvent.Changed(self, Entry.put(key, value, new Version(++seq, self), self, seq), from, System.nanoTime()));
  }
}
