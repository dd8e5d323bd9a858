package org.sidis.demo;

import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gossip demo: a replicated key-value store on every node; each node writes and deletes its
 * share of {@code --messages} keys, and the updates spread by {@code --mode} until every replica
 * holds the same store. The checkers then judge convergence and that no deleted key came back.
 */
public final class GossipDemo extends Demo {

  public GossipDemo() {
    super("gossip", "gossip (a replicated key-value store: writes and deletes spread by --mode until every replica converges)");
  }

  @Override
  public Set<String> takes() {
    return Set.of("--mode");
  }

  @Override
  public int run(DemoRun run) {
    DemoOptions o = run.options();
    run.out().printf("demo gossip%s: %d nodes, %d writes and deletes, seed %d — run directory %s%n",
        o.mode() == null ? "" : " (" + o.mode().id() + ")", o.nodes(), o.messages(), o.seed(), run.runDir());
    boolean completed;
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, o.nodes(), i -> {
        List<String> args = new ArrayList<>(List.of("--set", "sidis.node.seed=" + o.seed(),
            "--set", "sidis.demo.gossip.nodes=" + o.nodes(), "--set", "sidis.demo.gossip.writes=" + o.messages()));
        if (o.mode() != null) args.addAll(List.of("--set", "sidis.gossip.mode=" + o.mode().id()));
        return args;
      });
      completed = ChatDemo.awaitStarted(launcher, o.nodes()) && awaitConverged(run, launcher);
      ChatDemo.stop(run, launcher, o.nodes());
    }
    Report report = Inspection.of(run.runDir());
    run.out().println();
    run.out().print(report.table());
    return ChatDemo.judged(run, report, completed);
  }

  /**
   * Waits until every node wrote its share and all replicas have reported the same store
   * fingerprint for a second (every node reports twice a second), which is convergence as the
   * nodes see it; the checkers then judge it from the traces.
   */
  private static boolean awaitConverged(DemoRun run, Launcher launcher) {
    long[] agreedSince = {-1};
    String[] agreedOn = {null};
    return launcher.awaitAll(s -> {
      Set<String> digests = new HashSet<>();
      for (Launcher.NodeState n : launcher.nodes().values()) {
        if (!n.done || n.digest == null) return false;
        digests.add(n.digest);
      }
      if (digests.size() != 1) {
        agreedSince[0] = -1;
        return false;
      }
      String d = digests.iterator().next();
      if (!d.equals(agreedOn[0]) || agreedSince[0] < 0) {
        agreedOn[0] = d;
        agreedSince[0] = System.nanoTime();
      }
      return System.nanoTime() - agreedSince[0] >= 1_000_000_000L;
    }, run.limit(), () -> {
      long writes = launcher.nodes().values().stream().mapToLong(n -> n.writes).sum();
      long done = launcher.nodes().values().stream().filter(n -> n.done).count();
      long stores = launcher.nodes().values().stream().map(n -> n.digest).filter(Objects::nonNull).distinct().count();
      return "writes " + writes + "/" + run.options().messages() + " · done " + done + "/" + run.options().nodes()
          + " · distinct stores " + stores;
    });
  }
}
