package org.sidis.gossip;

import org.sidis.trace.Events;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.trace.Tracer;
import org.sidis.trace.Traces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Gossip among many replicas as actors in one JVM, in rounds (Demers et al.'s model): in each
 * round every node sweeps its certificates and runs one round of its mode; then messages are
 * delivered phase after phase — an anti-entropy exchange takes up to three — until none is in
 * flight. The {@link NetworkModel} decides each message's fate at delivery (loss, duplication,
 * partitions; delays are whole phases here). Nodes are {@link GossipNode}s in
 * {@link GossipNode.Clocking#PHASED PHASED} clocking, the same shell and core a cluster runs.
 *
 * <p>One seed gives one run: each node draws from its own random sources (seeded from the run's
 * seed and its index), and handles what arrived in a phase sorted by sender, whatever order
 * the dispatcher's threads delivered it in.
 *
 * <p>The driver is blocking — each phase is one ask per node — so tests and the command line
 * script a run step by step: write, cut the network, run rounds, heal, look at the stores.
 */
public final class Simulation implements AutoCloseable {

  /** What one round did, summed over the nodes. */
  public record Round(int round, int messages, int dropped, int hot, int informed) {}

  private final ActorSystem<SpawnProtocol.Command> system;
  private final boolean ownSystem;
  private final GossipSettings settings;
  private final Partitions partitions;
  private final List<String> names = new ArrayList<>();
  private final Map<String, ActorRef<GossipNode.Command>> nodes = new LinkedHashMap<>();
  private final Map<String, Tracer> lifecycle = new LinkedHashMap<>();
  private final Duration timeout = Duration.ofSeconds(60);
  private int round;
  private long step;
  private long messages;
  private long updateMessages;

  /**
   * Starts {@code n} nodes {@code n1..nN} that all see each other.
   *
   * @param network the links and partitions; each node gets its own random source from it
   */
  public Simulation(ActorSystem<SpawnProtocol.Command> system, int n, GossipSettings settings, NetworkModel network, long seed) {
    this(system, false, n, settings, network, seed);
  }

  private Simulation(ActorSystem<SpawnProtocol.Command> system, boolean ownSystem, int n, GossipSettings settings,
                     NetworkModel network, long seed) {
    if (n < 1) throw new IllegalArgumentException("a simulation needs at least one node, got " + n);
    this.system = system;
    this.ownSystem = ownSystem;
    this.settings = settings;
    this.partitions = network.partitions();
    String run = "sim-" + seed + "-" + Long.toHexString(System.nanoTime());
    List<CompletableFuture<ActorRef<GossipNode.Command>>> spawned = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String name = "n" + i;
      names.add(name);
      long nodeSeed = seed * 1_000_003L + i;
      spawned.add(AskPattern.<SpawnProtocol.Command, ActorRef<GossipNode.Command>>ask(system,
          replyTo -> new SpawnProtocol.Spawn<>(GossipNode.createInProcess(name, settings, network.forNode(nodeSeed ^ 0x5eed),
              GossipNode.Clocking.PHASED, nodeSeed), run + "-" + name, Props.empty(), replyTo),
          timeout, system.scheduler()).toCompletableFuture());
    }
    for (int i = 0; i < n; i++) nodes.put(names.get(i), spawned.get(i).join());
    Traces traces = Traces.get(system);
    if (traces.sink().enabled()) {
      // Each simulated node is a node of the trace: it starts here and stops in finish().
      for (String name : names) lifecycle.put(name, new Tracer(traces.sink(), name, "node", "node", null));
      lifecycle.values().forEach(t -> t.event(Events.Node.START, Map.of("simulation", run)));
    }
    GossipNode.ViewChanged view = new GossipNode.ViewChanged(Map.copyOf(nodes));
    for (ActorRef<GossipNode.Command> node : nodes.values()) node.tell(view);
  }

  /** An ActorSystem for simulations alone: local, no trace unless {@code traceDir} is given, quiet logs. */
  public static ActorSystem<SpawnProtocol.Command> system(String name, java.nio.file.Path traceDir) {
    return system(name, traceDir, Map.of());
  }

  /** The same, with further settings ({@code extra} wins). */
  public static ActorSystem<SpawnProtocol.Command> system(String name, java.nio.file.Path traceDir, Map<String, Object> extra) {
    Map<String, Object> conf = new LinkedHashMap<>(extra);
    conf.putIfAbsent("akka.actor.provider", "local");
    conf.putIfAbsent("akka.loglevel", "WARNING");
    conf.putIfAbsent("sidis.node.name", "sim");
    conf.put("sidis.trace.enabled", traceDir != null);
    if (traceDir != null) conf.put("sidis.trace.dir", traceDir.toString());
    Config config = ConfigFactory.parseMap(conf).withFallback(ConfigFactory.load());
    return ActorSystem.create(Behaviors.setup(ctx -> SpawnProtocol.create()), name, config);
  }

  /** A simulation in a system of its own, closed with it. */
  public static Simulation standalone(int n, GossipSettings settings, NetworkModel network, long seed) {
    return new Simulation(system("gossip-sim", null), true, n, settings, network, seed);
  }

  public List<String> names() {
    return names;
  }

  public Partitions partitions() {
    return partitions;
  }

  public int round() {
    return round;
  }

  /** Messages sent so far, by every node. */
  public long messages() {
    return messages;
  }

  /** Messages sent so far that carried updates (rumors, floods, deltas): Demers' traffic. */
  public long updateMessages() {
    return updateMessages;
  }

  public void write(String node, String key, String value) {
    nodes.get(node).tell(new GossipNode.Write(key, value));
  }

  public void delete(String node, String key) {
    nodes.get(node).tell(new GossipNode.Delete(key));
  }

  /** Runs one round to its end; {@code watch} is an update id whose spread to report, or null. */
  public Round runRound(String watch) {
    round++;
    long now = round * settings.interval().toMillis();
    int sent = 0, dropped = 0, hot = 0, informed = 0, carried = 0;
    GossipNode.Phase phase = GossipNode.Phase.ROUND;
    while (true) {
      List<GossipNode.Stepped> replies = step(phase, now, watch);
      int sentNow = 0;
      hot = 0;
      informed = 0;
      for (GossipNode.Stepped s : replies) {
        sentNow += s.sent();
        dropped += s.dropped();
        carried += s.sentUpdates();
        hot += s.hot();
        if (s.informed()) informed++;
      }
      sent += sentNow;
      if (sentNow == 0) break;
      phase = GossipNode.Phase.DELIVER;
    }
    messages += sent;
    updateMessages += carried;
    return new Round(round, sent, dropped, hot, informed);
  }

  private List<GossipNode.Stepped> step(GossipNode.Phase phase, long now, String watch) {
    step++;
    List<CompletableFuture<GossipNode.Stepped>> asks = new ArrayList<>(nodes.size());
    for (ActorRef<GossipNode.Command> node : nodes.values()) {
      CompletionStage<GossipNode.Stepped> reply = AskPattern.ask(node,
          replyTo -> new GossipNode.Step(phase, step, now, watch, replyTo), timeout, system.scheduler());
      asks.add(reply.toCompletableFuture());
    }
    List<GossipNode.Stepped> out = new ArrayList<>(asks.size());
    for (CompletableFuture<GossipNode.Stepped> a : asks) out.add(a.join());
    return out;
  }

  public GossipNode.State state(String node) {
    return AskPattern.<GossipNode.Command, GossipNode.State>ask(nodes.get(node), GossipNode.GetState::new, timeout,
        system.scheduler()).toCompletableFuture().join();
  }

  /** Ends the run in the trace as a clean stop does: every node writes its {@code state} line, then {@code stop}. */
  public void finish() {
    List<CompletableFuture<akka.Done>> asks = new ArrayList<>();
    for (ActorRef<GossipNode.Command> node : nodes.values())
      asks.add(AskPattern.<GossipNode.Command, akka.Done>ask(node, GossipNode.TraceState::new, timeout, system.scheduler())
          .toCompletableFuture());
    asks.forEach(CompletableFuture::join);
    lifecycle.values().forEach(t -> t.event(Events.Node.STOP, (Map<String, ?>) null));
    lifecycle.clear();
    Traces.get(system).sink().flush();
  }

  @Override
  public void close() {
    for (ActorRef<GossipNode.Command> node : nodes.values()) node.tell(GossipNode.Stop.INSTANCE);
    if (ownSystem) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
