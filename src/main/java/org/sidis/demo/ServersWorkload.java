package org.sidis.demo;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import org.HdrHistogram.Histogram;
import org.sidis.wire.Progress;
import org.sidis.rpc.RpcClient;
import org.sidis.rpc.RpcException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code sidis demo servers}: the same slow blocking service served iteratively and
 * concurrently (dispatcher/worker) on one node; the client on another node sends a burst of
 * calls at each and reports throughput and latency (queueing included) for the launcher.
 */
public final class ServersWorkload {

  private ServersWorkload() {}

  /** The service: blocks for the configured time, then answers. */
  public interface SlowService {
    CompletionStage<String> work(String x);
  }

  public static SlowService slow(long millis) {
    return x -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(x);
    };
  }

  public static void start(ActorSystem<?> system, String node, Config demo) {
    int requests = demo.getInt("requests");
    Threads.daemon("servers-workload", () -> {
      RpcClient client = RpcClient.create(system);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("node", node);
      Progress.print("started", Map.of("node", node));
      for (String kind : List.of("iterative", "concurrent")) {
        SlowService stub = client.stub(SlowService.class, kind);
        while (true) {
          try {
            stub.work("hello").toCompletableFuture().join();
            break;
          } catch (RuntimeException e) {
            if (!(RpcException.unwrap(e) instanceof RpcException)) throw e;
            Threads.sleep(200);
          }
        }
        Histogram latency = new Histogram(3);
        List<CompletableFuture<String>> calls = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          long sent = System.nanoTime();
          calls.add(stub.work("r" + i).toCompletableFuture().whenComplete((r, e) -> {
            synchronized (latency) {
              latency.recordValue(Math.max(1, System.nanoTime() - sent));
            }
          }));
        }
        long failed = calls.stream().filter(c -> {
          try {
            c.join();
            return false;
          } catch (RuntimeException e) {
            return true;
          }
        }).count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.put(kind + "_per_s", Math.round(requests / seconds * 10) / 10.0);
        report.put(kind + "_p50_ms", latency.getValueAtPercentile(50) / 1_000_000);
        report.put(kind + "_p99_ms", latency.getValueAtPercentile(99) / 1_000_000);
        report.put(kind + "_failed", failed);
        Progress.print("progress", Map.of("node", node, "multicast", kind.equals("iterative") ? requests : 2L * requests));
      }
      report.put("multicast", 2L * requests);
      Progress.print("done", report);
    });
  }

}
