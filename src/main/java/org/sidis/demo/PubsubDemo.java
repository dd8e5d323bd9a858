package org.sidis.demo;

import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code sidis demo pubsub}: one topic, a durable subscriber that goes offline and comes back.
 * n1 holds topic prices with durable subscriptions audit and billing (conf/pubsub.conf); n2
 * publishes and consumes audit durably and screen non-durably ({@link PubsubWorkload}); n3
 * consumes billing and is killed with SIGKILL once 30 % is published; n4, billing's next
 * consumer, starts at 60 % and drains what the subscription kept while nobody consumed it.
 * Passed when the topic checker holds: every copy the topic owed a subscription was taken.
 */
public final class PubsubDemo extends Demo {

  public PubsubDemo() {
    super("pubsub", "pubsub (a topic with durable and non-durable subscriptions; a durable subscriber is killed and replaced mid-run)");
  }

  @Override
  public int run(DemoRun run) {
    PrintStream out = run.out();
    Path runDir = run.runDir();
    Duration limit = run.limit();
    int messages = run.options().messages();
    out.printf("demo pubsub: n1 holds topic prices, n2 publishes %d messages (subscriptions audit: durable, screen: non-durable),"
        + " n3 consumes billing (durable) and is killed at 30%%, n4 takes over billing at 60%% — run directory %s%n", messages, runDir);
    boolean completed = false;
    long[] keptWhileOffline = {-1};
    Launcher.NodeState publisher;
    List<String> jvm = run.options().jvm();
    try (Launcher launcher = run.launcher()) {
      List<Integer> ports = Launcher.freePorts(4);
      String seeds = launcher.address("n1") + ":" + ports.get(0);
      String[] services = {"queues", "pubsub-publisher", "pubsub-subscriber", "pubsub-subscriber"};
      java.util.function.IntFunction<List<String>> args = i -> run.nodeArgs(ports.get(i), seeds,
          List.of("--set", "sidis.node.services=[" + services[i] + "]", "--set", "sidis.demo.pubsub.messages=" + messages));
      for (int i = 0; i < 3; i++) launcher.start("n" + (i + 1), jvm, args.apply(i));
      publisher = launcher.nodes().get("n2");
      boolean up = launcher.awaitAll(s -> s.name.equals("n1") || s.started, DemoRun.STARTUP,
          () -> "publisher " + (publisher.started ? "started" : "waiting") + " · billing's consumer "
              + (launcher.nodes().get("n3").started ? "started" : "waiting"));
      if (up) {
        long[] billingAtKill = {0};
        completed = launcher.awaitAll(s -> {
          Launcher.NodeState n4 = launcher.nodes().get("n4");
          return publisher.done && n4 != null && n4.last != null && n4.last.path("idle_ms").asLong() >= 2000;
        }, limit, () -> {
          Launcher.NodeState n4 = launcher.nodes().get("n4");
          return "published " + publisher.multicast + "/" + messages + " · billing taken by n3 " + launcher.nodes().get("n3").delivered
              + (n4 == null ? "" : ", by n4 " + n4.delivered) + (publisher.done ? " · publisher done" : "");
        }, () -> {
          if (!launcher.killed().contains("n3") && publisher.multicast >= 0.3 * messages) {
            billingAtKill[0] = launcher.nodes().get("n3").delivered;
            launcher.kill("n3");
            out.println("  SIGKILL n3, billing's consumer, after " + publisher.multicast + " of " + messages + " messages were published");
          }
          if (launcher.killed().contains("n3") && !launcher.nodes().containsKey("n4") && publisher.multicast >= 0.6 * messages) {
            keptWhileOffline[0] = publisher.multicast;
            out.println("  starting n4, billing's next consumer, after " + publisher.multicast + " messages were published");
            launcher.start("n4", jvm, args.apply(3));
          }
        });
      }
      out.println("  stopping the nodes (SIGTERM)");
      launcher.stopAll();
      for (String p : launcher.problems()) out.println("problem: " + p);
    }
    Report report = Inspection.of(runDir);
    String summary = String.format("publisher: published %d, audit (durable) acknowledged %s, screen (non-durable) received %s%n",
        publisher.delivered, publisher.last == null ? "?" : publisher.last.path("audit").asText(),
        publisher.last == null ? "?" : publisher.last.path("screen").asText())
        + (keptWhileOffline[0] < 0 ? "" : "billing had no consumer from the kill of n3 until n4 started, after "
        + keptWhileOffline[0] + " messages: the subscription's queue kept them\n")
        + BrokerDemo.checkerLines(report);
    boolean passed = completed && report.passed() && report.verdicts().stream().anyMatch(v -> v.proto().equals("topic"));
    return BrokerDemo.finish(run, report, summary, passed);
  }
}
