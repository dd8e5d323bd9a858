package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import org.sidis.gossip.GossipEvent;
import org.sidis.gossip.GossipNode;
import org.sidis.gossip.GossipSettings;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The broadcast benchmark in the shape of Maelstrom's broadcast workload: N nodes, the same
 * one-way latency on every link, new values written at random nodes at a steady rate, then
 * healing and waiting until every node has every value — optionally under a partition schedule
 * in which a random half of the nodes is cut off from the rest every {@code partition-every}
 * seconds for {@code partition-for} seconds.
 *
 * <p>It runs in one JVM: the nodes are actors, and the {@link NetworkModel} is their network —
 * latency, partitions — so that 25 nodes with 100 ms links fit on a laptop and the partition
 * schedule is exact. Per value it measures the time from the write until the last node had it
 * (each node's own clock in the same JVM), and counts every message between nodes.
 */
public final class BroadcastBench {

  /** What one run is asked to do. */
  public record Params(int nodes, long latencyMillis, int rate, int seconds, int partitionEvery, int partitionFor, int waitSeconds,
                long seed) {
    public int values() {
      return rate * seconds;
    }
  }

  /** What one run of one system measured. */
  public record Figures(String system, boolean baseline, String scenario, int values, long messages, double medianMs, double maxMs,
                 int lost) {
    public double messagesPerValue() {
      return values == 0 ? 0 : messages / (double) values;
    }
  }

  /** The systems a run can measure. */
  public interface System {
    String name();

    boolean baseline();

    /** Spawns node {@code name}; returns a handle to write through and count its messages. */
    Node spawn(ActorSystem<SpawnProtocol.Command> sys, String name, NetworkModel network, ActorRef<GossipEvent> observer,
               long seed);

    void introduce(List<Node> nodes);
  }

  public interface Node {
    void write(String key, String value);

    long sent(ActorSystem<?> sys);
  }

  /** sidis: gossip replicas ({@link GossipNode}) in the given settings, on timers. */
  public static System gossip(String name, GossipSettings settings) {
    return new System() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean baseline() {
        return false;
      }

      @Override
      public Node spawn(ActorSystem<SpawnProtocol.Command> sys, String node, NetworkModel network, ActorRef<GossipEvent> observer,
                        long seed) {
        ActorRef<GossipNode.Command> ref = spawnChild(sys,
            GossipNode.createInProcess(node, settings, network, GossipNode.Clocking.TIMERS, seed), node);
        ref.tell(new GossipNode.Subscribe(observer));
        return new GossipHandle(node, ref);
      }

      @Override
      public void introduce(List<Node> nodes) {
        Map<String, ActorRef<GossipNode.Command>> all = new LinkedHashMap<>();
        for (Node n : nodes) all.put(((GossipHandle) n).name, ((GossipHandle) n).ref);
        GossipNode.ViewChanged view = new GossipNode.ViewChanged(Map.copyOf(all));
        for (ActorRef<GossipNode.Command> r : all.values()) r.tell(view);
      }
    };
  }

  private record GossipHandle(String name, ActorRef<GossipNode.Command> ref) implements Node {
    @Override
    public void write(String key, String value) {
      ref.tell(new GossipNode.Write(key, value));
    }

    @Override
    public long sent(ActorSystem<?> sys) {
      return AskPattern.<GossipNode.Command, GossipNode.State>ask(ref, GossipNode.GetState::new, Duration.ofSeconds(10),
          sys.scheduler()).toCompletableFuture().join().sent();
    }
  }

  /** The baseline: {@link DirectBroadcast}. */
  public static System direct() {
    return new System() {
      @Override
      public String name() {
        return "direct broadcast (akka tell)";
      }

      @Override
      public boolean baseline() {
        return true;
      }

      @Override
      public Node spawn(ActorSystem<SpawnProtocol.Command> sys, String node, NetworkModel network, ActorRef<GossipEvent> observer,
                        long seed) {
        return new DirectHandle(node, spawnChild(sys, DirectBroadcast.create(node, network, observer), node));
      }

      @Override
      public void introduce(List<Node> nodes) {
        Map<String, ActorRef<DirectBroadcast.Command>> all = new LinkedHashMap<>();
        for (Node n : nodes) all.put(((DirectHandle) n).name, ((DirectHandle) n).ref);
        for (ActorRef<DirectBroadcast.Command> r : all.values()) r.tell(new DirectBroadcast.Peers(Map.copyOf(all)));
      }
    };
  }

  private record DirectHandle(String name, ActorRef<DirectBroadcast.Command> ref) implements Node {
    @Override
    public void write(String key, String value) {
      ref.tell(new DirectBroadcast.Write(key, value));
    }

    @Override
    public long sent(ActorSystem<?> sys) {
      return AskPattern.<DirectBroadcast.Command, Long>ask(ref, DirectBroadcast.GetSent::new, Duration.ofSeconds(10),
          sys.scheduler()).toCompletableFuture().join();
    }
  }

  private static <T> ActorRef<T> spawnChild(ActorSystem<SpawnProtocol.Command> sys, Behavior<T> behavior, String name) {
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(sys,
        replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo), Duration.ofSeconds(10), sys.scheduler())
        .toCompletableFuture().join();
  }

  // ------------------------------------------------------------------ the observer

  /** Per value: which nodes have it and when the last of them got it. */
  private record Spread(int values, int complete, long[] completeAt) {}

  private record Ask(int nodes, ActorRef<Spread> replyTo) {}

  private static Behavior<Object> observer(int values, int nodes) {
    BitSet[] seen = new BitSet[values];
    int[] count = new int[values];
    long[] completeAt = new long[values];
    int[] complete = {0};
    return Behaviors.receive(Object.class)
        .onMessage(GossipEvent.Changed.class, c -> {
          int v = Integer.parseInt(c.entry().key().substring(1));
          int n = Integer.parseInt(c.node().substring(1)) - 1;
          if (seen[v] == null) seen[v] = new BitSet(nodes);
          if (!seen[v].get(n)) {
            seen[v].set(n);
            if (++count[v] == nodes) {
              completeAt[v] = c.atNanos();
              complete[0]++;
            }
          }
          return Behaviors.same();
        })
        .onMessage(Ask.class, a -> {
          a.replyTo().tell(new Spread(values, complete[0], completeAt.clone()));
          return Behaviors.same();
        })
        .build();
  }

  /**
   * How long values took to reach every node, in ms: the median (the upper one of an even count)
   * and the maximum over the values that did reach every node ({@code completeAt} not 0); the
   * others are lost and not timed. NaN when none arrived everywhere.
   */
  record SpreadTimes(int timed, double medianMs, double maxMs) {
    static SpreadTimes of(long[] writtenAtNanos, long[] completeAtNanos) {
      double[] ms = new double[writtenAtNanos.length];
      int k = 0;
      for (int v = 0; v < writtenAtNanos.length; v++) {
        if (completeAtNanos[v] != 0) ms[k++] = (completeAtNanos[v] - writtenAtNanos[v]) / 1e6;
      }
      double[] timed = Arrays.copyOf(ms, k);
      Arrays.sort(timed);
      return new SpreadTimes(k, k == 0 ? Double.NaN : timed[k / 2], k == 0 ? Double.NaN : timed[k - 1]);
    }
  }

  // ------------------------------------------------------------------ one run

  public static Figures run(System system, boolean partitioned, Params p, PrintStream out) {
    String scenario = partitioned ? "partitioned" : "healthy";
    // The network model delays by scheduling; Akka's default 10 ms scheduler tick would stretch
    // every 100 ms link to 100–110 ms, so the emulated network gets a 1 ms tick.
    ActorSystem<SpawnProtocol.Command> sys = localSystem("bench-broadcast", Map.of("akka.scheduler.tick-duration", "1ms"));
    try {
      ActorRef<Object> obs = spawnChild(sys, observer(p.values(), p.nodes()), "observer");
      ActorRef<GossipEvent> observer = obs.narrow();
      Partitions partitions = Partitions.none();
      NetworkModel network = new NetworkModel(NetworkModel.Link.latency(p.latencyMillis()), Map.of(), partitions, new Random(p.seed()));
      List<String> names = new ArrayList<>();
      List<Node> nodes = new ArrayList<>();
      for (int i = 1; i <= p.nodes(); i++) {
        names.add("n" + i);
        long seed = p.seed() * 1_000_003L + i;
        nodes.add(system.spawn(sys, "n" + i, network.forNode(seed ^ 0xbe7c4), observer, seed));
      }
      system.introduce(nodes);
      sleep(1_000); // views settle, timers start

      Random random = new Random(p.seed());
      long[] writtenAt = new long[p.values()];
      long start = java.lang.System.nanoTime();
      long periodNanos = 1_000_000_000L / p.rate();
      long nextCut = 0;
      long healAt = Long.MAX_VALUE;
      for (int v = 0; v < p.values(); v++) {
        long due = start + v * periodNanos;
        if (partitioned) {
          long now = java.lang.System.nanoTime() - start;
          if (now >= healAt) {
            partitions.heal();
            healAt = Long.MAX_VALUE;
          }
          if (now >= nextCut) {
            List<String> shuffled = new ArrayList<>(names);
            Collections.shuffle(shuffled, random);
            List<String> half = shuffled.subList(0, p.nodes() / 2);
            partitions.isolate(half);
            out.printf("  [%s] t=%.1fs: cut off %s%n", system.name(), now / 1e9, String.join(",", half.stream().sorted(org.sidis.check.GroupTrace.NODE_ORDER).toList()));
            nextCut += p.partitionEvery() * 1_000_000_000L;
            healAt = now + p.partitionFor() * 1_000_000_000L;
          }
        }
        sleepUntil(due);
        Node at = nodes.get(random.nextInt(nodes.size()));
        writtenAt[v] = java.lang.System.nanoTime();
        at.write("v" + v, Integer.toString(v));
      }
      partitions.heal();
      long writesEnded = java.lang.System.nanoTime();
      Spread spread;
      long deadline = writesEnded + p.waitSeconds() * 1_000_000_000L;
      do {
        sleep(250);
        spread = ask(sys, obs, p.nodes());
      } while (spread.complete() < p.values() && java.lang.System.nanoTime() < deadline);
      out.printf("  [%s] %s: %d/%d values at every node %.1f s after the last write%n", system.name(), scenario,
          spread.complete(), p.values(), (java.lang.System.nanoTime() - writesEnded) / 1e9);

      long messages = 0;
      for (Node n : nodes) messages += n.sent(sys);
      SpreadTimes times = SpreadTimes.of(writtenAt, spread.completeAt());
      return new Figures(system.name(), system.baseline(), scenario, p.values(), messages, times.medianMs(), times.maxMs(),
          p.values() - spread.complete());
    } finally {
      sys.terminate();
      sys.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /** A local ActorSystem for one run, untraced, with quiet logs; {@code extra} settings win. */
  static ActorSystem<SpawnProtocol.Command> localSystem(String name, Map<String, Object> extra) {
    Map<String, Object> conf = new LinkedHashMap<>(extra);
    conf.putIfAbsent("akka.actor.provider", "local");
    conf.putIfAbsent("akka.loglevel", "WARNING");
    conf.putIfAbsent("sidis.node.name", "bench");
    conf.put("sidis.trace.enabled", false);
    return ActorSystem.create(Behaviors.setup(ctx -> SpawnProtocol.create()), name,
        ConfigFactory.parseMap(conf).withFallback(ConfigFactory.load()));
  }

  private static Spread ask(ActorSystem<?> sys, ActorRef<Object> obs, int nodes) {
    CompletableFuture<Spread> f = AskPattern.<Object, Spread>ask(obs, replyTo -> new Ask(nodes, replyTo), Duration.ofSeconds(10),
        sys.scheduler()).toCompletableFuture();
    return f.join();
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - java.lang.System.nanoTime()) > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void sleep(long millis) {
    sleepUntil(java.lang.System.nanoTime() + millis * 1_000_000);
  }
}
