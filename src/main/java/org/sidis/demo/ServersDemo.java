package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The servers demo: n1 serves a slow blocking service both iteratively and concurrently
 * (dispatcher and workers), n2 sends each the same burst and reports throughput and latency.
 * Passed when no request failed and the concurrent server was the faster.
 */
public final class ServersDemo extends Demo {

  public ServersDemo() {
    super("servers", "servers (iterative vs concurrent server on a slow blocking handler: throughput and latency; 2 JVMs)");
  }

  @Override
  public String refuse(DemoOptions options) {
    return options.nodes() == 2 || options.nodes() == 3 ? null
        : "demo servers runs 2 nodes (a server and a client), got --nodes " + options.nodes();
  }

  @Override
  public int run(DemoRun run) {
    run.out().printf("demo servers: n1 serves a slow blocking service iteratively and concurrently, n2 sends a burst to each"
        + " — run directory %s%n", run.runDir());
    boolean completed;
    Launcher.NodeState client;
    // workers-at = remote: the concurrent server's workers run in a third JVM, n3.
    boolean remoteWorkers = "remote".equals(run.options().settings().get("sidis.server.workers-at"));
    if (remoteWorkers) run.out().println("  the concurrent server's workers run in n3's JVM (sidis.server.workers-at = remote)");
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, remoteWorkers ? 3 : 2,
          i -> List.of("--set", "sidis.node.services=[" + List.of("servers", "servers-client", "servers-workers").get(i) + "]"));
      client = launcher.nodes().get("n2");
      completed = launcher.awaitAll(s -> !s.name.equals("n2") || s.done, run.limit(),
          () -> "requests answered " + client.multicast + (client.started ? "" : " · waiting for the nodes"));
      run.out().println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) run.out().println("problem: " + p);
    }
    JsonNode r = client.last;
    if (!completed || r == null || !r.has("concurrent_per_s")) {
      return run.verdict("the client did not report", false, "the client did not report; logs in");
    }
    StringBuilder table = new StringBuilder(String.format("%-12s %12s %10s %10s %8s%n", "server", "requests/s", "p50 ms", "p99 ms", "failed"));
    for (String kind : List.of("iterative", "concurrent")) {
      table.append(String.format("%-12s %12.1f %10d %10d %8d%n", kind, r.path(kind + "_per_s").asDouble(),
          r.path(kind + "_p50_ms").asLong(), r.path(kind + "_p99_ms").asLong(), r.path(kind + "_failed").asLong()));
    }
    double gain = r.path("concurrent_per_s").asDouble() / r.path("iterative_per_s").asDouble();
    table.append(String.format("concurrent / iterative throughput: %.1fx%n", gain));
    run.out().print(table);
    // The verdict judges what the servers promise — every request answered, none failed — not
    // their speed: the gain is a measurement, printed (and bench's business), and a loaded
    // machine must not turn a correct run into a failed one.
    boolean passed = r.path("iterative_failed").asLong() == 0 && r.path("concurrent_failed").asLong() == 0;
    return run.verdict(table.toString(), passed, "logs in");
  }
}
