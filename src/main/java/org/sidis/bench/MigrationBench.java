package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.migration.Migratable;
import org.sidis.migration.MigrationClient;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.migration.MigrationSettings;
import org.sidis.migration.MoveMode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.StreamSupport;

/**
 * {@code bench migration}: one live move of a running actor measured as its client sees it. The
 * two host JVMs (node service {@value #HOST_SERVICE}) each run, per {@link Cell} — a state size
 * and the rate its workload writes — a {@link Migratable} (named {@code counter-<MiB>-w<bytes/s>},
 * home n1) and a {@link SnapshotRestart} host of the baseline; the bench's own ActorSystem is the
 * cluster's seed and the client. A move is timed
 * while a caller thread calls the actor without pause: {@code downtime} is the longest a call
 * waited (the issue's definition: the longest time a client request waited because of the move),
 * {@code total} the time from asking for the move to its end. The caller checks that every value
 * is one above the last: nothing lost or applied twice, in any of the three ways to move.
 */
public final class MigrationBench {

  /** The node service of the two host JVMs. */
  public static final String HOST_SERVICE = "bench-migration-host";

  /** The baseline's name in the rows: stop, snapshot to the durable store, restart elsewhere from it. */
  public static final String BASELINE = "akka-snapshot-restart";

  /** The two hosts; the actor starts on the first. */
  public static final List<String> HOSTS = List.of("n1", "n2");

  private static final Duration STEP = Duration.ofSeconds(120);

  private MigrationBench() {}

  /**
   * One measured configuration: a state of {@code stateMib} MiB whose workload writes
   * {@code writeBytesPerSec} while it serves. Each cell has actors of its own on both hosts, so one
   * run sweeps sizes and write rates without restarting the JVMs.
   */
  public record Cell(int stateMib, long writeBytesPerSec) {
    /** The actors' name: {@code counter-<MiB>-w<bytes/s>}. */
    public String name() {
      return "counter-" + stateMib + "-w" + writeBytesPerSec;
    }

    /** The write rate in MiB per second, as the JSON rows give it. */
    public double writeMibPerSec() {
      return writeBytesPerSec / (double) (1 << 20);
    }

    /** Every size with every rate, sizes outermost, both in the order given. */
    public static List<Cell> grid(List<Integer> sizes, List<Long> rates) {
      return sizes.stream().flatMap(m -> rates.stream().map(r -> new Cell(m, r))).toList();
    }
  }

  /** The moving actor's settings for {@code cell}: its own name, size and write rate, everything else the node's. */
  public static MigrationSettings settings(MigrationSettings base, Cell cell) {
    MigrationSettings s = base.withState((long) cell.stateMib() << 20, cell.writeBytesPerSec());
    return new MigrationSettings(cell.name(), HOSTS.get(0), s.stateBytes(), s.pageSize(), s.writeBytesPerSec(), s.writeTick(),
        s.chunkBytes(), s.window(), s.stopPages(), s.maxRounds(), s.ackTimeout(), s.holdCapacity(), s.retryAfter());
  }

  /**
   * A host JVM's actors: per cell of {@code sidis.bench.migration.sizes} (MiB) and
   * {@code sidis.bench.migration.write-rates} (bytes per second), the moving actor's place and the
   * baseline's host.
   */
  public static Behavior<Void> host(String node, Config config, long seed) {
    return Behaviors.setup(ctx -> {
      MigrationSettings base = MigrationSettings.fromConfig(config.getConfig("sidis.migration"));
      String frame = "akka.remote.artery.advanced.maximum-frame-size";
      if (config.hasPath(frame)) base.checkFrame(config.getBytes(frame));
      for (Cell cell : Cell.grid(config.getIntList("sidis.bench.migration.sizes"), config.getBytesList("sidis.bench.migration.write-rates"))) {
        MigrationSettings s = settings(base, cell);
        ctx.spawn(Migratable.create(node, s, seed), "migration-" + s.name());
        ctx.spawn(SnapshotRestart.host(node, s, seed), "restart-" + s.name());
      }
      return Behaviors.empty();
    });
  }

  /** One measured move: how long the client's longest call waited, the move's length, the calls made during it. */
  public record Moved(String system, Cell cell, String from, String to, double downtimeMs, double totalMs, long calls,
                      String detail) {}

  /**
   * The client side, in the bench's ActorSystem: per cell, a {@link MigrationClient} of the moving
   * actor and the baseline's hosts at both nodes, and where each one runs now.
   */
  public static final class Client {
    private final ActorSystem<?> system;
    private final MigrationSettings base;
    private final Map<Cell, MigrationClient> movers = new HashMap<>();
    private final Map<Cell, String> at = new HashMap<>();
    private final Map<Cell, Map<String, ActorRef<SnapshotRestart.Command>>> restartHosts = new HashMap<>();
    private final Map<Cell, String> restartAt = new HashMap<>();
    private final Map<String, Long> lastValue = new HashMap<>();
    private final Map<Cell, Long> restartSeq = new HashMap<>();

    public Client(ActorSystem<?> system, List<Cell> cells) throws Exception {
      this.system = system;
      this.base = MigrationSettings.fromConfig(system.settings().config().getConfig("sidis.migration"));
      for (Cell cell : cells) {
        movers.put(cell, new MigrationClient(system, "bench", settings(base, cell)));
        at.put(cell, HOSTS.get(0));
        Map<String, ActorRef<SnapshotRestart.Command>> hosts = new HashMap<>();
        for (String n : HOSTS) hosts.put(n, find(system, SnapshotRestart.hostKey(cell.name(), n)));
        restartHosts.put(cell, hosts);
        restartAt.put(cell, HOSTS.get(0));
        restartSeq.put(cell, 0L);
      }
    }

    /** Moves the {@code system}'s actor of {@code cell} to the other host while calling it; what the client saw. */
    public Moved move(String system, Cell cell) throws InterruptedException {
      boolean baseline = system.equals(BASELINE);
      String from = baseline ? restartAt.get(cell) : at.get(cell);
      String to = from.equals(HOSTS.get(0)) ? HOSTS.get(1) : HOSTS.get(0);
      String key = system + "@" + cell.name();
      Caller caller = new Caller(baseline ? restartCall(cell) : moverCall(cell), lastValue.getOrDefault(baseline ? key : "sidis@" + cell.name(), -1L));
      Thread t = new Thread(caller, "bench-migration-caller");
      t.setDaemon(true);
      t.start();
      try {
        caller.awaitCalls(5, STEP);
        long t0 = System.nanoTime();
        caller.resetLongest();
        String detail;
        if (baseline) {
          detail = restart(cell, from, to);
        } else {
          MoveOutcome o = movers.get(cell).move(to, MoveMode.parse(system), STEP);
          if (!o.moved()) throw new IllegalStateException(system + " move of " + cell.name() + " " + from + " → " + to + " failed: " + o.reason());
          at.put(cell, to);
          detail = String.format("source's downtime %.1f ms, %d round(s), %d pages sent, %d held", o.downtimeMs(), o.rounds(), o.pagesSent(), o.held());
        }
        double total = (System.nanoTime() - t0) / 1e6;
        caller.awaitCalls(caller.calls() + 3, STEP); // a call held at the switch ends after the move does
        long calls = caller.callsSinceReset();
        return new Moved(system, cell, from, to, caller.longestMs(), total, calls, detail);
      } finally {
        caller.stop();
        t.join(STEP.toMillis());
        lastValue.put(baseline ? key : "sidis@" + cell.name(), caller.last());
        if (caller.problem() != null) throw new IllegalStateException(caller.problem());
      }
    }

    private LongSupplier moverCall(Cell cell) {
      MigrationClient c = movers.get(cell);
      return () -> c.call(STEP);
    }

    private LongSupplier restartCall(Cell cell) {
      return () -> {
        long seq = restartSeq.merge(cell, 1L, Long::sum);
        ActorRef<SnapshotRestart.Command> host = restartHosts.get(cell).get(restartAt.get(cell));
        return AskPattern.<SnapshotRestart.Command, SnapshotRestart.Value>ask(host, r -> new SnapshotRestart.Call("bench", seq, r), STEP,
            system.scheduler()).toCompletableFuture().join().value();
      };
    }

    /** The Akka way: the target holds calls, the source snapshots and stops, the target recovers and serves. */
    private String restart(Cell cell, String from, String to) {
      ActorRef<SnapshotRestart.Command> source = restartHosts.get(cell).get(from);
      ActorRef<SnapshotRestart.Command> target = restartHosts.get(cell).get(to);
      SnapshotRestart.Done expect = step(target, SnapshotRestart.Expect::new);
      restartAt.put(cell, to); // calls go to the target from now; the source forwards those still on their way
      SnapshotRestart.Done saved = step(source, r -> new SnapshotRestart.HandOff(target, r));
      if (saved.failure() != null) { // the entity serves on at the source: calls go back there
        restartAt.put(cell, from);
        target.tell(new SnapshotRestart.Release(source));
        throw new IllegalStateException("hand-off of " + cell.name() + " at " + from + ": " + saved.failure());
      }
      SnapshotRestart.Done started = step(target, SnapshotRestart.Start::new);
      if (started.failure() != null || expect.failure() != null) {
        throw new IllegalStateException("restart of " + cell.name() + " at " + to + ": " + started.failure() + " " + expect.failure());
      }
      return String.format("snapshot and stop %.1f ms, recovery %.1f ms", saved.ms(), started.ms());
    }

    private SnapshotRestart.Done step(ActorRef<SnapshotRestart.Command> to,
                                      akka.japi.function.Function<ActorRef<SnapshotRestart.Done>, SnapshotRestart.Command> message) {
      return AskPattern.ask(to, message, STEP, system.scheduler()).toCompletableFuture().join();
    }
  }

  /**
   * Calls one actor without pause, one call in flight, and keeps the longest wait since the last
   * reset. Each value must be one above the last (the first call of a fresh actor returns 1);
   * otherwise the problem names both and the caller stops.
   */
  static final class Caller implements Runnable {
    private final LongSupplier call;
    private volatile boolean running = true;
    private volatile long last;
    private volatile long calls;
    private volatile long resetAt;
    private volatile long longestNanos;
    private volatile String problem;

    Caller(LongSupplier call, long last) {
      this.call = call;
      this.last = last;
    }

    @Override
    public void run() {
      while (running) {
        long t0 = System.nanoTime();
        long v;
        try {
          v = call.getAsLong();
        } catch (RuntimeException e) {
          problem = "a call failed: " + e;
          return;
        }
        long waited = System.nanoTime() - t0;
        if (last >= 0 && v != last + 1) {
          problem = "the counter returned " + v + " after " + last + ": a call was lost or applied twice";
          return;
        }
        last = v;
        longestNanos = Math.max(longestNanos, waited);
        calls++;
      }
    }

    void resetLongest() {
      longestNanos = 0;
      resetAt = calls;
    }

    long calls() {
      return calls;
    }

    long callsSinceReset() {
      return calls - resetAt;
    }

    double longestMs() {
      return longestNanos / 1e6;
    }

    long last() {
      return last;
    }

    String problem() {
      return problem;
    }

    void awaitCalls(long n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (calls < n && problem == null && running) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the actor answered " + calls + " of " + n + " calls in " + timeout.toSeconds() + " s");
        Thread.sleep(2);
      }
      if (problem != null) throw new IllegalStateException(problem);
    }

    void stop() {
      running = false;
    }
  }

  /** The bench's own ActorSystem: the client, and the seed the host JVMs join. */
  public static ActorSystem<Void> clientSystem(Config overrides) {
    Config c = overrides.withFallback(ConfigFactory.parseMap(Map.of(
            "sidis.node.name", "bench",
            "sidis.trace.enabled", "off",
            "akka.loglevel", "ERROR",
            "akka.remote.artery.canonical.port", 0,
            "akka.coordinated-shutdown.exit-jvm", "off",
            "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")))
        .withFallback(org.sidis.node.Node.defaults()).resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), org.sidis.node.Node.SYSTEM, c);
    Cluster.get(system).manager().tell(Join.create(system.address()));
    return system;
  }

  /** Waits until {@code members} members are Up, as the client sees them. */
  public static void awaitUp(ActorSystem<?> system, int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count() < members) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the host JVMs did not join within " + timeout.toSeconds() + " s");
      Thread.sleep(100);
    }
  }

  private static <T> ActorRef<T> find(ActorSystem<?> system, ServiceKey<T> key) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Receptionist.Listing l = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
          r -> Receptionist.find(key, r), Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get();
      var found = l.getServiceInstances(key);
      if (!found.isEmpty()) return found.iterator().next();
      Thread.sleep(100);
    }
    throw new IllegalStateException("no [" + key.id() + "] registered within 60 s");
  }
}
