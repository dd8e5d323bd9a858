package org.sidis.demo;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import org.HdrHistogram.Histogram;
import org.sidis.wire.Progress;
import org.sidis.rpc.Polled;
import org.sidis.rpc.RpcClient;
import org.sidis.rpc.RpcException;

import java.util.Map;
import java.util.TreeMap;

/**
 * The client of {@code sidis demo rpc}: a thread that calls the replicated {@link RpcDemoService}
 * through one stub, cycling through every call mode, checks each answer, and reports calls made
 * (as {@code multicast}), calls that succeeded (as {@code delivered}), failures and which replica
 * answered, for the launcher. Settings: {@code sidis.demo.rpc}.
 */
public final class RpcWorkload {

  private RpcWorkload() {}

  public static void start(ActorSystem<?> system, String node, Config demo) {
    int calls = demo.getInt("calls");
    long pause = demo.getDuration("interval").toMillis();
    long progressEvery = demo.getDuration("progress-interval").toNanos();
    Threads.daemon("rpc-workload", () -> {
      RpcDemoService stub = RpcClient.create(system).stub(RpcDemoService.class, demo.getString("service"));
      while (true) {
        try {
          stub.whoAmI();
          break;
        } catch (RpcException e) {
          Threads.sleep(200); // the replicas are not registered yet
        }
      }
      Progress.print("started", Map.of("node", node));
      long ok = 0;
      long failed = 0;
      Map<String, Long> answeredBy = new TreeMap<>();
      Histogram latency = new Histogram(3);
      long lastReport = System.nanoTime();
      for (int i = 1; i <= calls; i++) {
        long t0 = System.nanoTime();
        try {
          boolean right = switch (i % 6) {
            case 0 -> { answeredBy.merge(stub.whoAmI(), 1L, Long::sum); yield true; }
            case 1 -> stub.square(i) == (long) i * i;
            case 2 -> stub.squareLater(i).toCompletableFuture().join() == (long) i * i;
            case 3 -> {
              Polled<Long> p = stub.squarePolled(i);
              while (p.poll().isEmpty()) Thread.onSpinWait();
              yield p.await() == (long) i * i;
            }
            case 4 -> { stub.note("note " + i); yield true; }
            default -> { stub.ping("ping " + i); yield true; }
          };
          if (right) ok++;
          else failed++;
        } catch (RuntimeException e) {
          failed++;
          System.err.println("call " + i + " failed: " + e.getMessage());
        }
        latency.recordValue(Math.max(1, System.nanoTime() - t0));
        if (System.nanoTime() - lastReport >= progressEvery) {
          lastReport = System.nanoTime();
          Progress.print("progress", Map.of("node", node, "multicast", i, "delivered", ok, "failed", failed,
              "answered_by", answeredBy.toString()));
        }
        if (pause > 0) Threads.sleep(pause);
      }
      Progress.print("done", Map.of("node", node, "multicast", calls, "delivered", ok, "failed", failed,
          "answered_by", answeredBy.toString(), "p50_us", latency.getValueAtPercentile(50) / 1000,
          "max_ms", latency.getMaxValue() / 1_000_000));
    });
  }

}
