package org.sidis.gossip;

import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.trace.Events;
import org.sidis.trace.TraceSink;
import org.sidis.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Gossip among many replicas in one thread, in rounds, as Demers et al. model it (1987,
 * "Epidemic algorithms for replicated database maintenance"): in each round every node sweeps
 * its certificates and runs one round of its mode; then messages are delivered phase after
 * phase — an anti-entropy exchange takes up to three — until none is in flight. The
 * {@link NetworkModel} decides each message's fate at delivery (loss, duplication, partitions;
 * delays are whole phases here).
 *
 * <p>Each simulated node is a {@link GossipCore} — the rules a cluster's {@link GossipNode}
 * runs — with no actor around it: the simulation is the shell. It carries the cores' messages
 * itself, writes the same trace lines as the actor ({@link GossipTrace}), and answers for each
 * node the same {@link GossipNode.State}.
 *
 * <p>One seed gives one run: each node draws from its own random sources (its core's and its
 * network model's, seeded from the run's seed and its index), and handles what arrived in a
 * phase sorted by sender, each sender's messages in the order it sent them.
 *
 * <p>The driver is a plain method call per round, so tests and the command line script a run
 * step by step: write, cut the network, run rounds, heal, look at the stores.
 */
public final class Simulation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Simulation.class);

  /** What one round did, summed over the nodes. */
  public record Round(int round, int messages, int dropped, int hot, int informed) {}

  private final GossipSettings settings;
  private final Partitions partitions;
  private final TraceSink sink;
  private final List<String> names = new ArrayList<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Tracer> lifecycle = new LinkedHashMap<>();
  private int round;
  private long messages;
  private long updateMessages;
  /** Sent in the current phase; updates among them; dropped at delivery in the current round. */
  private int sentInPhase;
  private int updatesInPhase;
  private int droppedInRound;

  /** One simulated replica: its core, its own view of the network, and what waits for it. */
  private final class Node implements GossipCore.Effects {
    final String name;
    final NetworkModel network;
    final GossipTrace trace;
    final GossipCore core;
    /** Arrived in the current phase, handled in the next one. */
    List<GossipMessage> inbox = new ArrayList<>();
    long sent;

    Node(String name, NetworkModel network, GossipTrace trace, long seed) {
      this.name = name;
      this.network = network;
      this.trace = trace;
      this.core = new GossipCore(name, settings, new Random(seed), this);
    }

    @Override
    public void send(String peer, GossipMessage message) {
      Node to = nodes.get(peer);
      if (to == null) {
        log.warn("[{}] {}: no node [{}]: a [{}] not sent", settings.group(), name, peer, message.kind());
        return;
      }
      sent++;
      sentInPhase++;
      if (message.updates() > 0) updatesInPhase++;
      trace.send(peer, message);
      to.inbox.add(message);
    }

    @Override
    public void updated(Entry e) {
      trace.updated(e);
    }

    @Override
    public void applied(Entry e, String from) {
      trace.applied(e, from);
    }

    @Override
    public void reactivated(Entry e, String from) {
      trace.reactivated(e, from);
    }

    @Override
    public void expired(Store.Expired x) {
      trace.expired(x);
    }

    @Override
    public void reject(String reason) {
      log.warn("[{}] {} refused: {}", settings.group(), name, reason);
      trace.reject(reason);
    }

    // A thousand nodes' stale versions and rare turns would drown the log; the trace tells them.
    @Override
    public void ignore(String what) {}

    @Override
    public void notice(String what) {}

    /** Handles what arrived in the previous phase, by sender, as the network model lets it through. */
    void deliver(List<GossipMessage> arrived) {
      // Stable: each sender's messages stay in the order it sent them.
      arrived.sort(Comparator.comparing(GossipMessage::from));
      long now = now();
      for (GossipMessage m : arrived) {
        if (!settings.group().equals(m.group())) {
          trace.otherGroup(m);
          continue;
        }
        NetworkModel.Fate fate = network.fate(m.from(), name);
        if (fate instanceof NetworkModel.Deliver) core.onMessage(m, now);
        else if (fate instanceof NetworkModel.Duplicate) {
          core.onMessage(m, now);
          core.onMessage(m, now);
        } else {
          droppedInRound++;
          trace.dropped(m, fate);
        }
      }
    }
  }

  /** Starts {@code n} nodes {@code n1..nN} that all see each other, untraced. */
  public Simulation(int n, GossipSettings settings, NetworkModel network, long seed) {
    this(n, settings, network, seed, TraceSink.DISABLED);
  }

  /**
   * Starts {@code n} nodes {@code n1..nN} that all see each other.
   *
   * @param network the links and partitions; each node gets its own random source from it
   * @param trace   where the nodes' trace lines go ({@link TraceSink#DISABLED}: nowhere); the caller closes it
   */
  public Simulation(int n, GossipSettings settings, NetworkModel network, long seed, TraceSink trace) {
    if (n < 1) throw new IllegalArgumentException("a simulation needs at least one node, got " + n);
    this.settings = settings;
    this.partitions = network.partitions();
    this.sink = trace;
    String run = "sim-" + seed + "-" + Long.toHexString(System.nanoTime());
    for (int i = 1; i <= n; i++) {
      String name = "n" + i;
      names.add(name);
      long nodeSeed = seed * 1_000_003L + i;
      GossipTrace tracer = new GossipTrace(new Tracer(sink, name, run + "/" + name, Events.Proto.GOSSIP, settings.group()));
      nodes.put(name, new Node(name, network.forNode(nodeSeed ^ 0x5eed), tracer, nodeSeed));
    }
    if (sink.enabled()) {
      // Each simulated node is a node of the trace: it starts here and stops in finish().
      for (String name : names) lifecycle.put(name, new Tracer(sink, name, "node", Events.Proto.NODE, null));
      lifecycle.values().forEach(t -> t.event(Events.Node.START, Map.of("simulation", run)));
    }
    for (Node node : nodes.values()) node.core.onView(names);
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

  /** The simulated time: rounds are {@code interval} apart. */
  private long now() {
    return round * settings.interval().toMillis();
  }

  public void write(String node, String key, String value) {
    node(node).core.write(key, value, now());
  }

  public void delete(String node, String key) {
    node(node).core.delete(key, now());
  }

  /** Runs one round to its end; {@code watch} is an update id whose spread to report, or null. */
  public Round runRound(String watch) {
    round++;
    long now = now();
    droppedInRound = 0;
    // The backup anti-entropy keeps its pace in rounds: one exchange every backup-interval / interval rounds.
    long every = settings.backupInterval().toMillis() / settings.interval().toMillis();
    int sent = 0, carried = 0;
    startPhase();
    for (Node node : nodes.values()) {
      node.core.sweep(now);
      node.core.round(now);
      if (every > 0 && round % every == 0) node.core.backupRound(now);
    }
    while (sentInPhase > 0) {
      sent += sentInPhase;
      carried += updatesInPhase;
      // What every node received in the phase that ended, taken before any of it is handled:
      // what they send now waits for the next phase.
      List<List<GossipMessage>> arrived = new ArrayList<>(nodes.size());
      for (Node node : nodes.values()) {
        arrived.add(node.inbox);
        node.inbox = new ArrayList<>();
      }
      startPhase();
      int i = 0;
      for (Node node : nodes.values()) node.deliver(arrived.get(i++));
    }
    int hot = 0, informed = 0;
    String origin = null;
    long seq = 0;
    if (watch != null) {
      int colon = watch.lastIndexOf(':');
      origin = watch.substring(0, colon);
      seq = Long.parseLong(watch.substring(colon + 1));
    }
    for (Node node : nodes.values()) {
      hot += node.core.hot();
      if (origin != null && node.core.store().knows(origin, seq)) informed++;
    }
    messages += sent;
    updateMessages += carried;
    return new Round(round, sent, droppedInRound, hot, informed);
  }

  private void startPhase() {
    sentInPhase = 0;
    updatesInPhase = 0;
  }

  public GossipNode.State state(String node) {
    Node n = node(node);
    return GossipNode.State.of(n.core, n.sent);
  }

  /** The core of {@code node}, for tests that look inside. */
  GossipCore core(String node) {
    return node(node).core;
  }

  private Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) throw new IllegalArgumentException("no simulated node [" + name + "]; there are n1..n" + nodes.size());
    return n;
  }

  /** Ends the run in the trace as a clean stop does: every node writes its {@code state} line, then {@code stop}. */
  public void finish() {
    if (!sink.enabled()) return;
    for (Node node : nodes.values()) node.trace.state(node.core, node.sent);
    lifecycle.values().forEach(t -> t.event(Events.Node.STOP, (Map<String, ?>) null));
    lifecycle.clear();
    sink.flush();
  }

  /** Hands the trace lines written so far to the file; the sink stays open, it is the caller's. */
  @Override
  public void close() {
    sink.flush();
  }
}
