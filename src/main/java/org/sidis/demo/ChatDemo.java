package org.sidis.demo;

import java.util.Set;

import org.sidis.multicast.Overlay;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.ReportPage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The chat demos: every node multicasts its share of {@code --messages} to the group and the
 * checkers judge the traces. The group's order is the demo's name — causal, fifo, total — or
 * overlay (FIFO disseminated over a tree or mesh). The total-order demo kills its sequencer
 * (n1, the lowest name) with SIGKILL once {@link #KILL_AT} of the messages are multicast, and
 * reports how long the survivors took to carry on.
 */
public final class ChatDemo extends Demo {

  /** The total-order demo kills its sequencer once this share of the messages is multicast. */
  private static final double KILL_AT = 0.3;

  public ChatDemo(String name, String description) {
    super(name, description);
  }

  @Override
  public Set<String> takes() {
    return Set.of("--topology");
  }

  @Override
  public int run(DemoRun run) {
    DemoOptions o = run.options();
    int nodes = o.nodes();
    int messages = o.messages();
    run.out().printf("demo %s: %d nodes, %d messages, seed %d — run directory %s%n", name(), nodes, messages, o.seed(), run.runDir());
    boolean completed;
    // With a nemesis its faults replace the sequencer's crash.
    boolean killSequencer = name().equals("total") && nodes > 1 && !run.nemesis();
    long[] killedAt = {0};
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, nodes, i -> o.topology() == null ? chatArgs(o) : withTopology(chatArgs(o), o.topology()));
      long expected = (long) messages * nodes;
      Runnable killer = () -> {
        long multicast = launcher.nodes().values().stream().mapToLong(s -> s.multicast).sum();
        if (killSequencer && killedAt[0] == 0 && multicast >= KILL_AT * messages) {
          Instant now = Instant.now();
          killedAt[0] = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
          launcher.kill("n1");
          run.out().println("  SIGKILL n1, the sequencer, after " + multicast + " of " + messages + " messages were multicast");
        }
      };
      completed = awaitStarted(launcher, nodes)
          && launcher.awaitAll(s -> s.done, run.limit(), () -> {
            long multicast = launcher.nodes().values().stream().mapToLong(s -> s.multicast).sum();
            long delivered = launcher.nodes().values().stream().mapToLong(s -> s.delivered).sum();
            long done = launcher.nodes().values().stream().filter(s -> s.done).count();
            return "multicast " + multicast + "/" + messages + " · delivered " + delivered + "/" + expected
                + " · done " + done + "/" + (nodes - launcher.killed().size());
          }, killer);
      if (completed && (killSequencer || run.nemesis())) {
        // The survivors are done with each other's messages; let what they hold of a victim's settle.
        Threads.sleep(Duration.ofSeconds(3).toMillis());
      }
      stop(run, launcher, nodes);
    }
    Report report = Inspection.of(run.runDir());
    run.out().println();
    run.out().print(report.table());
    if (name().equals("overlay")) {
      try {
        run.out().println(OverlayReport.of(run.runDir().resolve("trace")).describe((o.topology() != null ? o.topology() : Overlay.Topology.TREE).id()));
      } catch (IOException e) {
        run.out().println("overlay: cannot read the traces (" + e.getMessage() + ")");
      }
    }
    if (killedAt[0] != 0) {
      run.out().println(Failover.of(run.runDir().resolve("trace"), "n1", killedAt[0]).describe("n1"));
    }
    return judged(run, report, completed);
  }

  private static List<String> chatArgs(DemoOptions o) {
    return List.of("--set", "sidis.node.seed=" + o.seed(),
        "--set", "sidis.demo.chat.nodes=" + o.nodes(), "--set", "sidis.demo.chat.messages=" + o.messages(),
        "--set", "sidis.multicast.total-min-members=" + o.nodes());
  }

  private static List<String> withTopology(List<String> args, Overlay.Topology topology) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of("--set", "sidis.multicast.topology=" + topology.id()));
    return all;
  }

  /** Waits until every node is up and has started its workload. */
  static boolean awaitStarted(Launcher launcher, int nodes) {
    return launcher.awaitAll(s -> s.started, DemoRun.STARTUP, () -> {
      long up = launcher.nodes().values().stream().mapToLong(s -> s.up).max().orElse(0);
      long started = launcher.nodes().values().stream().filter(s -> s.started).count();
      return "nodes up " + up + "/" + nodes + " · workload started at " + started + "/" + nodes;
    });
  }

  /** Stops every node with SIGTERM (SIGKILL after 30 s) and prints what went wrong. */
  static void stop(DemoRun run, Launcher launcher, int nodes) {
    run.out().println("  stopping " + nodes + " nodes (SIGTERM: leave the cluster, close the traces)");
    List<String> killed = launcher.stopAll();
    if (!killed.isEmpty()) launcher.problems().add("nodes that did not stop within 30s and were killed: " + killed);
    for (String p : launcher.problems()) run.out().println("problem: " + p);
  }

  /** The verdict of the checkers over the traces; also writes the report page {@code sidis inspect} writes. */
  static int judged(DemoRun run, Report report, boolean completed) {
    // The checkers judge what was traced; a run that did not finish fails whatever they said.
    String summary = completed ? "" : "the run did not complete (nodes not started in time, or the workload not done within"
        + " --timeout): the checkers judged only what was traced, and the verdict is FAILED\n";
    if (!completed) run.out().print(summary);
    return judged(run, report, summary, completed && report.passed());
  }

  /** The verdict {@code passed}, with the checkers' table and {@code summary}; also writes the report page. */
  static int judged(DemoRun run, Report report, String summary, boolean passed) {
    int exit = run.verdict(report.table() + summary, passed, "logs and traces in");
    Path page = run.runDir().resolve("report.html");
    try {
      ReportPage.write(report, page);
      run.out().println("report: " + page);
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: cannot write " + page + ": " + e);
    }
    return exit;
  }
}
