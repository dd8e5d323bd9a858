package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.HdrHistogram.Histogram;
import org.sidis.CborSerializable;
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
import java.util.stream.StreamSupport;

/**
 * {@code sidis bench rpc}, in one JVM: two ActorSystems (client and server) joined in a cluster
 * over Artery TCP on loopback, so every call crosses a real socket and real serialization but
 * shares one JVM's heap and 2 cores with the other side. Parts:
 * <ol>
 *   <li>synchronous round trip of a {@code size}-byte string, p50/p99/p99.9: a blocking stub
 *   call beside a raw Akka {@code ask} to an echo actor, same systems, same run;</li>
 *   <li>throughput of a concurrent server with N workers beside the iterative server, on a
 *   handler that blocks 10 ms (in the server system);</li>
 *   <li>a client calling 4 servers (10 ms each) one by one vs in parallel (deferred calls).</li>
 * </ol>
 */
public final class RpcBench {

  private RpcBench() {}

  /** The service measured: the same echo as the baseline actor. */
  public interface Echo {
    String echo(String s);

    CompletionStage<String> echoLater(String s);
  }

  public static final class EchoService implements Echo {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public CompletionStage<String> echoLater(String s) {
      return CompletableFuture.completedFuture(s);
    }
  }

  /** The baseline's messages: a plain Akka echo. */
  public record Ping(String payload, ActorRef<Pong> replyTo) implements CborSerializable {}

  public record Pong(String payload) implements CborSerializable {}

  public record Row(String system, boolean baseline, String metric, double value, String unit) {}

  public record Params(int size, int warmupCalls, int calls, List<Integer> workers, int slowMillis, Config overrides) {}

  private static Config node(String name, Config overrides) {
    return overrides.withFallback(ConfigFactory.parseMap(Map.of(
            "sidis.node.name", name,
            "sidis.trace.enabled", "off",
            "akka.loglevel", "WARNING",
            "akka.remote.artery.canonical.port", 0,
            "akka.coordinated-shutdown.exit-jvm", "off",
            "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")))
        .withFallback(ConfigFactory.load()).resolve();
  }

  public static List<Row> run(Params p, PrintStream out) throws Exception {
    List<Row> rows = new ArrayList<>();
    ActorSystem<Void> server = ActorSystem.create(Behaviors.empty(), "sidis", node("server", p.overrides()));
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "sidis", node("client", p.overrides()));
    try {
      Cluster.get(server).manager().tell(Join.create(server.address()));
      Cluster.get(client).manager().tell(Join.create(server.address()));
      awaitUp(List.of(server, client));
      ServerSettings ss = ServerSettings.fromConfig(server.settings().config().getConfig("sidis.server"));
      RpcSettings rs = RpcSettings.fromConfig(client.settings().config().getConfig("sidis.rpc"));

      // 1. Round trip.
      String payload = "x".repeat(p.size());
      ActorRef<Ping> echoActor = spawn(server, Behaviors.receive(Ping.class)
          .onMessage(Ping.class, m -> { m.replyTo().tell(new Pong(m.payload())); return Behaviors.same(); }).build(), "echo-raw");
      spawn(server, Skeleton.create("echo", Echo.class, new EchoService(), ss, rs), "echo-rpc");
      Echo stub = RpcClient.create(client).stub(Echo.class, "echo");
      stub.echo("first"); // waits for the registry
      ActorRef<Ping> remoteEcho = resolve(client, echoActor, server.address());
      Duration askTimeout = Duration.ofSeconds(5);
      Runnable ask = () -> AskPattern.<Ping, Pong>ask(remoteEcho, r -> new Ping(payload, r), askTimeout, client.scheduler())
          .toCompletableFuture().join();
      Runnable call = () -> stub.echo(payload);
      // Alternate the two, warm-up then measure, so drift on the machine hits both alike.
      Histogram raw = new Histogram(3);
      Histogram rpc = new Histogram(3);
      for (int round = 0; round < 2; round++) {
        measure(ask, p.warmupCalls() / 2, null);
        measure(call, p.warmupCalls() / 2, null);
      }
      for (int round = 0; round < 4; round++) {
        measure(ask, p.calls() / 4, raw);
        measure(call, p.calls() / 4, rpc);
      }
      for (double q : new double[] {50, 99, 99.9}) {
        String metric = "round_trip_p" + (q == 99.9 ? "99.9" : String.valueOf((int) q)) + "_us";
        rows.add(new Row("akka-ask", true, metric, raw.getValueAtPercentile(q) / 1000.0, "us"));
        rows.add(new Row("sidis-rpc-sync-stub", false, metric, rpc.getValueAtPercentile(q) / 1000.0, "us"));
      }

      // 2. Concurrent vs iterative on a slow blocking handler.
      int slow = p.slowMillis();
      Handler sleepy = x -> {
        Thread.sleep(slow);
        return x;
      };
      DispatcherSelector blocking = DispatcherSelector.fromConfig(ss.blockingDispatcher());
      ActorRef<ServerProtocol.Command> iterative = spawn(server, IterativeServer.create(ss, sleepy), "iterative", blocking);
      double iterRate = throughput(server, iterative, 100, "iter");
      rows.add(new Row("iterative-server", true, "throughput_" + slow + "ms_handler", iterRate, "req/s"));
      for (int n : p.workers()) {
        ActorRef<ServerProtocol.Command> conc = spawn(server, Dispatcher.create(ss.withWorkers(n), sleepy), "concurrent-" + n);
        throughput(server, conc, n * 2, "warm" + n);
        double rate = throughput(server, conc, Math.max(100, n * 20), "c" + n);
        rows.add(new Row("concurrent-server-" + n + "-workers", false, "throughput_" + slow + "ms_handler", rate, "req/s"));
        rows.add(new Row("concurrent-server-" + n + "-workers", false, "gain_over_iterative", rate / iterRate, "x"));
      }

      // 3. Sequential vs parallel client, 4 servers of slowMillis each.
      RpcClient rc = RpcClient.create(client);
      List<Echo> servers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        spawn(server, Skeleton.create("slow-" + i, Echo.class, new Echo() {
          @Override
          public String echo(String s) {
            try {
              Thread.sleep(slow);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return s;
          }

          @Override
          public CompletionStage<String> echoLater(String s) {
            return CompletableFuture.completedFuture(echo(s));
          }
        }, ss, rs), "slow-" + i);
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
    } finally {
      client.terminate();
      server.terminate();
      client.getWhenTerminated().toCompletableFuture().join();
      server.getWhenTerminated().toCompletableFuture().join();
    }
    return rows;
  }

  /** The client system's own ref to the server's actor, as a remote caller would hold it. */
  private static ActorRef<Ping> resolve(ActorSystem<?> client, ActorRef<Ping> ref, akka.actor.Address at) {
    String path = ref.path().toSerializationFormatWithAddress(at);
    return akka.actor.typed.javadsl.Adapter.toTyped(
        akka.actor.typed.javadsl.Adapter.toClassic(client).provider().resolveActorRef(path));
  }

  private static void measure(Runnable op, int n, Histogram h) {
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.run();
      if (h != null) h.recordValue(System.nanoTime() - t0);
    }
  }

  private static <T> ActorRef<T> spawn(ActorSystem<?> system, Behavior<T> behavior, String name) {
    return spawn(system, behavior, name, Props.empty());
  }

  private static <T> ActorRef<T> spawn(ActorSystem<?> system, Behavior<T> behavior, String name, Props props) {
    return system.systemActorOf(behavior, "bench-" + name, props);
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

  private static void awaitUp(List<ActorSystem<?>> systems) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (systems.stream().allMatch(s -> StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count() == systems.size())) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException("the client and server systems did not join within 30 s");
  }
}
