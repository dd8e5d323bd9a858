package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.HdrHistogram.Histogram;
import org.sidis.wire.CborSerializable;
import org.sidis.rpc.RpcClient;
import org.sidis.rpc.Skeleton;
import org.sidis.server.Dispatcher;
import org.sidis.server.Handler;
import org.sidis.server.IterativeServer;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;
import org.sidis.rpc.RpcSettings;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code sidis bench rpc}: a client ActorSystem and a server ActorSystem joined in a cluster over
 * Artery TCP on loopback — by default in two JVMs (the server is a child JVM running the node
 * service {@code bench-rpc-server}, started with the same configuration), or with
 * {@code --jvms 1} as two systems of one JVM. The client finds everything through the
 * Receptionist. Parts:
 * <ol>
 *   <li>synchronous round trip of a {@code size}-byte string, p50/p99/p99.9: a blocking stub
 *   call beside a raw Akka {@code ask} to an echo actor, same systems, same run, alternating;</li>
 *   <li>throughput of a concurrent server with N workers beside the iterative server, on a
 *   handler that blocks 10 ms (in the server system, requests from the client);</li>
 *   <li>a client calling 4 servers (10 ms each) one by one vs in parallel (deferred calls);</li>
 *   <li>with {@code --callers}: N threads calling the in-place stub at once ({@link ConcurrentCallers}).</li>
 * </ol>
 */
public final class RpcBench {

  private RpcBench() {}

  /** The service measured: the same echo as the baseline actor. */
  public interface Echo {
    /** Runs on a worker of the skeleton's pool: the path any method that may block takes. */
    String echo(String s);

    /** Answered by the skeleton itself, like the raw echo actor answers: like for like with ask. */
    @org.sidis.rpc.NonBlocking
    String echoInPlace(String s);

    CompletionStage<String> echoLater(String s);

    /** Deferred and answered in place: the pipelined throughput part. */
    @org.sidis.rpc.NonBlocking
    CompletionStage<String> echoInPlaceLater(String s);
  }

  public static class EchoService implements Echo {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public String echoInPlace(String s) {
      return s;
    }

    @Override
    public CompletionStage<String> echoLater(String s) {
      return CompletableFuture.completedFuture(echo(s));
    }

    @Override
    public CompletionStage<String> echoInPlaceLater(String s) {
      return CompletableFuture.completedFuture(s);
    }
  }

  /** The baseline's messages: a plain Akka echo. */
  public record Ping(String payload, ActorRef<Pong> replyTo) implements CborSerializable {}

  public record Pong(String payload) implements CborSerializable {}

  public record Row(String system, boolean baseline, String metric, double value, String unit) {}

  /**
   * What a run measures; {@code callers}: the caller counts of the curve ({@code --callers}; none:
   * no curve), each warmed up for {@code callersWarmup} and measured for {@code callersWindow}.
   */
  public record Params(int size, int warmupCalls, int calls, List<Integer> workers, int slowMillis, Config overrides,
                       List<Integer> callers, Duration callersWarmup, Duration callersWindow) {
    public Params {
      callers = List.copyOf(callers);
    }

    public Params(int size, int warmupCalls, int calls, List<Integer> workers, int slowMillis, Config overrides) {
      this(size, warmupCalls, calls, workers, slowMillis, overrides, List.of(), Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** The rows of a run, and the caller curve of the {@code @NonBlocking} stub (empty without {@code --callers}). */
  public record Measured(List<Row> rows, List<ConcurrentCallers.Point> callers) {}

  /** The system the caller curve measures: the in-place stub, the one the round trip is compared with gRPC by. */
  public static final String CALLERS_SYSTEM = "sidis-rpc-sync-stub-nonblocking";

  private static Config node(String name, Config overrides) {
    return overrides.withFallback(ConfigFactory.parseMap(Map.of(
            "sidis.node.name", name,
            "sidis.trace.enabled", "off",
            "akka.loglevel", "WARNING",
            "akka.remote.artery.canonical.port", 0,
            "akka.coordinated-shutdown.exit-jvm", "off",
            "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")))
        .withFallback(org.sidis.node.Node.defaults()).resolve();
  }

  /** The echo actor's key in the Receptionist: the raw baseline the client asks. */
  static final ServiceKey<Ping> ECHO = ServiceKey.create(Ping.class, "sidis-bench-echo");

  /** A raw server (no RPC layer) of the throughput part: "iterative" or "concurrent-N". */
  static ServiceKey<ServerProtocol.Command> server(String name) {
    return ServiceKey.create(ServerProtocol.Command.class, "sidis-bench-" + name);
  }

  /**
   * Everything the client measures against, spawned in the server's ActorSystem (the bench's
   * own, or the child JVM's node service {@code bench-rpc-server}) and registered in the
   * Receptionist: the echo actor, the echo skeleton, the iterative server and a concurrent server
   * per worker count on a {@code slowMillis} blocking handler, and four slow skeletons.
   */
  public static Behavior<Void> server(List<Integer> workers, int slowMillis) {
    return Behaviors.setup(ctx -> {
      Config config = ctx.getSystem().settings().config();
      ServerSettings ss = ServerSettings.fromConfig(config.getConfig("sidis.server"));
      RpcSettings rs = RpcSettings.fromConfig(config.getConfig("sidis.rpc"));
      var receptionist = ctx.getSystem().receptionist();
      ActorRef<Ping> echo = ctx.spawn(Behaviors.receive(Ping.class)
          .onMessage(Ping.class, m -> { m.replyTo().tell(new Pong(m.payload())); return Behaviors.same(); }).build(), "echo-raw");
      receptionist.tell(Receptionist.register(ECHO, echo));
      ctx.spawn(Skeleton.create("echo", Echo.class, new EchoService(), ss, rs), "echo-rpc");
      Handler sleepy = x -> {
        Thread.sleep(slowMillis);
        return x;
      };
      ActorRef<ServerProtocol.Command> iterative = ctx.spawn(IterativeServer.create(ss, sleepy), "iterative",
          DispatcherSelector.fromConfig(ss.blockingDispatcher()));
      receptionist.tell(Receptionist.register(server("iterative"), iterative));
      for (int n : workers) {
        ActorRef<ServerProtocol.Command> conc = ctx.spawn(Dispatcher.create(ss.withWorkers(n), sleepy), "concurrent-" + n);
        receptionist.tell(Receptionist.register(server("concurrent-" + n), conc));
      }
      for (int i = 0; i < 4; i++) ctx.spawn(Skeleton.create("slow-" + i, Echo.class, new SlowEcho(slowMillis), ss, rs), "slow-" + i);
      return Behaviors.empty();
    });
  }

  /** The slow servers of the parallel-client part: echo and echoLater sleep, the in-place methods answer at once. */
  static final class SlowEcho extends EchoService {
    private final int millis;

    SlowEcho(int millis) {
      this.millis = millis;
    }

    @Override
    public String echo(String s) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return s;
    }
  }

  /** Client and server as two ActorSystems of this JVM. */
  public static Measured run(Params p, PrintStream out) throws Exception {
    ActorSystem<Void> server = ActorSystem.create(Behaviors.empty(), "sidis", node("server", p.overrides()));
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "sidis", node("client", p.overrides()));
    try {
      Cluster.get(server).manager().tell(Join.create(server.address()));
      Cluster.get(client).manager().tell(Join.create(server.address()));
      BenchCluster.awaitUp(List.of(server, client), 2, Duration.ofSeconds(30));
      server.systemActorOf(server(p.workers(), p.slowMillis()), "bench-server", Props.empty());
      return measure(client, p);
    } finally {
      client.terminate();
      server.terminate();
      client.getWhenTerminated().toCompletableFuture().join();
      server.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /**
   * The client's ActorSystem in this JVM is the cluster's seed; {@code startServer} gets its
   * {@code host:port} and starts the server JVM, which joins it (binding port 0 itself, so no
   * port is chosen here that someone else could take first).
   */
  public static Measured runWithServer(Params p, java.util.function.Consumer<String> startServer) throws Exception {
    // ERROR: the server JVM stopping after the run is not worth the client's warnings.
    Config c = ConfigFactory.parseMap(Map.of("akka.loglevel", "ERROR")).withFallback(node("client", p.overrides()));
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "sidis", c);
    try {
      Cluster.get(client).manager().tell(Join.create(client.address()));
      startServer.accept(client.address().getHost().get() + ":" + client.address().getPort().get());
      BenchCluster.awaitUp(List.of(client), 2, Duration.ofSeconds(90)); // the server JVM joined the client
      return measure(client, p);
    } finally {
      client.terminate();
      client.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /** The one registered instance of {@code key}, as the client system sees it (60 s at most). */
  private static <T> ActorRef<T> find(ActorSystem<?> client, ServiceKey<T> key) throws Exception {
    return BenchCluster.find(client, key, Duration.ofSeconds(60));
  }

  private static Measured measure(ActorSystem<?> client, Params p) throws Exception {
    List<Row> rows = new ArrayList<>();

    // 1. Round trip.
    String payload = "x".repeat(p.size());
    Echo stub = RpcClient.create(client).stub(Echo.class, "echo");
    stub.echo("first"); // waits for the registry
    ActorRef<Ping> remoteEcho = find(client, ECHO);
    Duration askTimeout = Duration.ofSeconds(5);
    Runnable ask = () -> AskPattern.<Ping, Pong>ask(remoteEcho, r -> new Ping(payload, r), askTimeout, client.scheduler())
        .toCompletableFuture().join();
    Runnable call = () -> stub.echo(payload);
    Runnable inPlace = () -> stub.echoInPlace(payload);
    // Alternate the three, warm-up then measure, so drift on the machine hits all alike.
    Histogram raw = new Histogram(3);
    Histogram rpc = new Histogram(3);
    Histogram direct = new Histogram(3);
    for (int round = 0; round < 2; round++) {
      measure(ask, p.warmupCalls() / 2, null);
      measure(call, p.warmupCalls() / 2, null);
      measure(inPlace, p.warmupCalls() / 2, null);
    }
    for (int round = 0; round < 4; round++) {
      measure(ask, p.calls() / 4, raw);
      measure(call, p.calls() / 4, rpc);
      measure(inPlace, p.calls() / 4, direct);
    }
    for (double q : new double[] {50, 99, 99.9}) {
      String metric = "round_trip_p" + (q == 99.9 ? "99.9" : String.valueOf((int) q)) + "_us";
      rows.add(new Row("akka-ask", true, metric, raw.getValueAtPercentile(q) / 1000.0, "us"));
      rows.add(new Row(CALLERS_SYSTEM, false, metric, direct.getValueAtPercentile(q) / 1000.0, "us"));
      rows.add(new Row("sidis-rpc-sync-stub-worker", false, metric, rpc.getValueAtPercentile(q) / 1000.0, "us"));
    }

    // 1a. The caller curve: N threads calling the in-place stub at once, each call blocking its thread.
    List<ConcurrentCallers.Point> curve = new ArrayList<>();
    for (int n : p.callers()) curve.add(ConcurrentCallers.measure(n, p.callersWarmup(), p.callersWindow(), inPlace));

    // 1b. Pipelined throughput: 64 calls in flight, 3 s each, ask beside deferred in-place stub calls.
    java.util.function.Supplier<CompletionStage<?>> askAsync = () ->
        AskPattern.<Ping, Pong>ask(remoteEcho, r -> new Ping(payload, r), askTimeout, client.scheduler());
    java.util.function.Supplier<CompletionStage<?>> callAsync = () -> stub.echoInPlaceLater(payload);
    pipelined(askAsync, 64, Duration.ofSeconds(1));
    pipelined(callAsync, 64, Duration.ofSeconds(1));
    rows.add(new Row("akka-ask", true, "pipelined_64_calls_per_s", pipelined(askAsync, 64, Duration.ofSeconds(3)), "calls/s"));
    rows.add(new Row("sidis-rpc-deferred-stub-nonblocking", false, "pipelined_64_calls_per_s",
        pipelined(callAsync, 64, Duration.ofSeconds(3)), "calls/s"));

    // 2. Concurrent vs iterative on a slow blocking handler (requests and answers cross the wire).
    int slow = p.slowMillis();
    ActorRef<ServerProtocol.Command> iterative = find(client, server("iterative"));
    throughput(client, iterative, 10, "warm-iter");
    double iterRate = throughput(client, iterative, 100, "iter");
    rows.add(new Row("iterative-server", true, "throughput_" + slow + "ms_handler", iterRate, "req/s"));
    for (int n : p.workers()) {
      ActorRef<ServerProtocol.Command> conc = find(client, server("concurrent-" + n));
      throughput(client, conc, n * 2, "warm" + n);
      double rate = throughput(client, conc, Math.max(100, n * 20), "c" + n);
      rows.add(new Row("concurrent-server-" + n + "-workers", false, "throughput_" + slow + "ms_handler", rate, "req/s"));
      rows.add(new Row("concurrent-server-" + n + "-workers", false, "gain_over_iterative", rate / iterRate, "x"));
    }

    // 3. Sequential vs parallel client, 4 servers of slowMillis each.
    RpcClient rc = RpcClient.create(client);
    List<Echo> servers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Echo e = rc.stub(Echo.class, "slow-" + i);
      e.echo("first");
      servers.add(e);
    }
    int rounds = 50;
    long t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) for (Echo e : servers) e.echo("q");
    double seqMs = (System.nanoTime() - t0) / 1e6 / rounds;
    t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      List<CompletableFuture<String>> all = servers.stream().map(e -> e.echoLater("q").toCompletableFuture()).toList();
      all.forEach(CompletableFuture::join);
    }
    double parMs = (System.nanoTime() - t0) / 1e6 / rounds;
    rows.add(new Row("sequential-client", true, "time_for_4_calls_of_" + slow + "ms", seqMs, "ms"));
    rows.add(new Row("parallel-client", false, "time_for_4_calls_of_" + slow + "ms", parMs, "ms"));
    rows.add(new Row("parallel-client", false, "speedup_over_sequential", seqMs / parMs, "x"));
    return new Measured(rows, curve);
  }

  /** Calls per second with {@code window} calls in flight for {@code d}. */
  private static double pipelined(java.util.function.Supplier<CompletionStage<?>> op, int window, Duration d) throws InterruptedException {
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(window);
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    long t0 = System.nanoTime();
    long end = t0 + d.toNanos();
    while (System.nanoTime() < end) {
      inFlight.acquire();
      op.get().whenComplete((r, e) -> {
        done.incrementAndGet();
        inFlight.release();
      });
    }
    inFlight.acquire(window);
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static void measure(Runnable op, int n, Histogram h) {
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.run();
      if (h != null) h.recordValue(System.nanoTime() - t0);
    }
  }

  private static <T> ActorRef<T> spawn(ActorSystem<?> system, Behavior<T> behavior, String name) {
    return system.systemActorOf(behavior, "bench-" + name, Props.empty());
  }

  /** Requests per second for {@code n} requests sent at once. */
  private static double throughput(ActorSystem<?> system, ActorRef<ServerProtocol.Command> server, int n, String prefix) {
    CompletableFuture<Void> all = new CompletableFuture<>();
    int[] answered = {0};
    ActorRef<ServerProtocol.Response> counter = spawn(system, Behaviors.receive(ServerProtocol.Response.class)
        .onMessage(ServerProtocol.Response.class, r -> {
          if (++answered[0] == n) all.complete(null);
          return Behaviors.same();
        }).build(), "counter-" + prefix);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) server.tell(new ServerProtocol.Request(prefix + i, "p", false, counter));
    all.orTimeout(120, java.util.concurrent.TimeUnit.SECONDS).join();
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
