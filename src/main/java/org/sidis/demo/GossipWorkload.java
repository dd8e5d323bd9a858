package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.Config;
import org.sidis.gossip.GossipNode;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The gossip demo's application: once the store's view has every node, it writes and deletes
 * keys of a small key space at a steady pace — each update happens at this one node, as in the
 * notes — so that replicas overwrite each other's values and delete what others wrote. Writes
 * are split evenly among the nodes. After its share it keeps reporting the fingerprint of its
 * store, so that the launcher can see every replica converge to the same one.
 */
public final class GossipWorkload extends AbstractBehavior<GossipWorkload.Command> {

  public interface Command {}

  private record StateNow(GossipNode.State state) implements Command {}

  private record AskFailed(String why) implements Command {}

  private enum Act implements Command { INSTANCE }

  private enum Look implements Command { INSTANCE }

  public static Behavior<Command> create(String node, Config demo, ActorRef<GossipNode.Command> store, long seed) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new GossipWorkload(ctx, timers, node, demo, store, seed)));
  }

  private final TimerScheduler<Command> timers;
  private final String node;
  private final ActorRef<GossipNode.Command> store;
  private final int writes;
  private final int nodes;
  private final int keys;
  private final double deleteRatio;
  private final Duration interval;
  private final Random random;
  private boolean started;
  private boolean done;
  private int quota;
  private int sent;
  private int deletes;

  private GossipWorkload(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Config demo,
                         ActorRef<GossipNode.Command> store, long seed) {
    super(ctx);
    this.timers = timers;
    this.node = node;
    this.store = store;
    this.writes = demo.getInt("writes");
    this.nodes = demo.getInt("nodes");
    this.keys = demo.getInt("keys");
    this.deleteRatio = demo.getDouble("delete-ratio");
    this.interval = demo.getDuration("interval");
    this.random = new Random(seed ^ 0x90551b);
    if (writes < 0) throw new IllegalArgumentException("sidis.demo.gossip.writes must be >= 0, got [" + writes + "]");
    if (nodes < 1) throw new IllegalArgumentException("sidis.demo.gossip.nodes must be >= 1, got [" + nodes + "]");
    if (keys < 1) throw new IllegalArgumentException("sidis.demo.gossip.keys must be >= 1, got [" + keys + "]");
    if (deleteRatio < 0 || deleteRatio > 1)
      throw new IllegalArgumentException("sidis.demo.gossip.delete-ratio must be in [0, 1], got [" + deleteRatio + "]");
    timers.startTimerWithFixedDelay(Look.INSTANCE, demo.getDuration("progress-interval"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Look.class, l -> onLook())
        .onMessage(StateNow.class, s -> onState(s.state()))
        .onMessage(AskFailed.class, f -> {
          getContext().getLog().warn("the store did not answer: {}", f.why());
          return this;
        })
        .onMessage(Act.class, a -> onAct())
        .build();
  }

  private Behavior<Command> onLook() {
    getContext().ask(GossipNode.State.class, store, Duration.ofSeconds(3), GossipNode.GetState::new,
        (state, failure) -> state != null ? new StateNow(state) : new AskFailed(String.valueOf(failure)));
    return this;
  }

  private Behavior<Command> onState(GossipNode.State state) {
    List<String> members = state.members();
    if (!started && members.size() >= nodes) {
      started = true;
      int index = Math.max(0, members.indexOf(node));
      quota = writes / members.size() + (index < writes % members.size() ? 1 : 0);
      getContext().getLog().info("gossip workload starts with members {}: my share is [{}] of [{}] updates", members, quota, writes);
      Progress.print("started", Map.of("node", node, "members", members.size(), "quota", quota));
      if (quota > 0) timers.startTimerWithFixedDelay(Act.INSTANCE, interval);
    }
    if (started && !done && sent >= quota) {
      done = true;
      getContext().getLog().info("gossip workload done: [{}] updates, [{}] of them deletes", sent, deletes);
      Progress.print("done", report(state));
    } else {
      Progress.print("progress", report(state));
    }
    return this;
  }

  private Map<String, Object> report(GossipNode.State state) {
    return Map.of("node", node, "members", state.members().size(), "writes", sent, "live", state.live(),
        "certificates", state.certificates(), "dormant", state.dormant(), "digest", state.fingerprint(), "sent", state.sent());
  }

  private Behavior<Command> onAct() {
    if (sent >= quota) {
      timers.cancel(Act.INSTANCE);
      return this;
    }
    String key = "key-" + random.nextInt(keys);
    if (random.nextDouble() < deleteRatio) {
      store.tell(new GossipNode.Delete(key));
      deletes++;
    } else {
      store.tell(new GossipNode.Write(key, "value " + (sent + 1) + " from " + node));
    }
    sent++;
    return this;
  }
}
