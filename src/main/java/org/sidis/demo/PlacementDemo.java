package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.check.Inspection;
import org.sidis.check.Placements;
import org.sidis.check.Report;
import org.sidis.check.Verdict;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The placement demo (why migrate, as policies that decide on their own): n1, n2 and n3 host the
 * moving actor, which starts on n1; n3 runs the placer and a client that calls the actor by name
 * without pause. With {@code --policy load}, n1 reports a busy load besides the actor's and n3 a
 * smaller one: the placer moves the actor from n1 to n2, the least loaded. With
 * {@code --policy locality}, the placer moves it to n3, where its only caller is. The placer
 * carries out its move with the move protocol while the client calls; one decision per run (the
 * cooldown outlasts it). Passed when every call came back with the next value, the placer's move
 * ended moved, and the checkers passed — nothing lost or applied twice, and each traced decision
 * followed by its move and true to its policy's rule.
 */
public final class PlacementDemo extends Demo {

  public PlacementDemo() {
    super("placement", "placement (the placer on n3 moves an actor on its own while n3 calls it: --policy load|locality, --state)");
  }

  @Override
  public Set<String> takes() {
    return Set.of("--policy", "--state");
  }

  @Override
  public String refuse(DemoOptions options) {
    return options.nodes() == 3 ? null : "demo placement runs exactly 3 nodes (three hosts; n3 also the placer and the client), got --nodes " + options.nodes();
  }

  @Override
  public int run(DemoRun run) {
    String policy = setting(run, "sidis.demo.placement.policy", "load");
    boolean load = policy.equals("load");
    String busy = setting(run, "sidis.demo.placement.busy-load", "400");
    String other = setting(run, "sidis.demo.placement.other-load", "200");
    String state = setting(run, "sidis.migration.state-size", "8MiB");
    run.out().printf("demo placement: n1, n2, n3 host actor [counter] (%s state, starts on n1); n3 runs the placer (policy %s) and calls it%s — run directory %s%n",
        state, policy, load ? "; n1 is busy (load " + busy + " besides the actor's), n3 has load " + other + ", n2 none" : " from n3",
        run.runDir());
    boolean completed;
    Launcher.NodeState client;
    List<JsonNode> moved;
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, 3, i -> List.of(
          "--set", "sidis.node.services=[" + (i < 2 ? "migration" : "migration, migration-placer, placement-client") + "]",
          "--set", "sidis.migration.home=n1",
          "--set", "sidis.migration.state-size=" + state,
          "--set", "sidis.migration.placement.policies=[" + policy + "]",
          "--set", "sidis.migration.placement.cooldown=10m",
          "--set", "sidis.migration.placement.min-hosts=3",
          "--set", "sidis.migration.placement.extra-load=" + (!load ? "0" : i == 0 ? busy : i == 2 ? other : "0")));
      client = launcher.nodes().get("n3");
      int[] printed = {0, 0};
      Runnable step = () -> {
        List<JsonNode> decided = launcher.reports("moving");
        while (printed[0] < decided.size()) run.out().println("  " + decision(decided.get(printed[0]++)));
        List<JsonNode> ended = launcher.reports("moved");
        while (printed[1] < ended.size()) run.out().println("  " + ended(ended.get(printed[1]++)));
      };
      java.util.function.Supplier<String> status = () -> "calls " + client.multicast + " · answered in order " + client.delivered
          + " · placer's moves " + launcher.reports("moved").size();
      completed = launcher.runClient("n3", DemoRun.STARTUP, run.limit(), status, step);
      moved = List.copyOf(launcher.reports("moved"));
    }
    long failed = client.last == null ? -1 : client.last.path("failed").asLong(-1);
    long movedCount = moved.stream().filter(m -> m.path("moved").asBoolean()).count();
    Report report = Inspection.of(run.runDir());
    boolean judged = report.verdicts().stream().anyMatch(v -> v.property().equals(Placements.FOLLOWED) && v.outcome() == Verdict.Outcome.HELD);
    StringBuilder summary = new StringBuilder();
    summary.append(String.format(Locale.ROOT, "calls %d, answered in order %d, failed %d, client's longest wait %s ms; the placer's moves: %d of %d moved%n",
        client.multicast, client.delivered, failed, DemoRun.field(client, "max_wait_ms"), movedCount, moved.size()));
    for (JsonNode m : moved) summary.append("  ").append(ended(m)).append('\n');
    if (moved.isEmpty()) summary.append("  the placer moved nothing\n");
    run.out().println();
    run.out().print(summary);
    run.out().println();
    run.out().print(report.table());
    boolean passed = completed && failed == 0 && client.delivered == client.multicast && movedCount >= 1 && movedCount == moved.size()
        && judged && report.passed();
    return run.verdict(summary + "\n" + report.table(), passed, "logs and traces in");
  }

  private static String decision(JsonNode m) {
    return "placer decides (" + m.path("policy").asText() + "): move " + m.path("actor").asText() + " " + m.path("from").asText() + " → "
        + m.path("to").asText() + " — " + m.path("reason").asText();
  }

  private static String ended(JsonNode m) {
    String head = "move " + m.path("from").asText() + " → " + m.path("to").asText();
    if (!m.path("moved").asBoolean()) return head + ": not moved — " + m.path("why_not").asText();
    return String.format(Locale.ROOT, "%s: moved (by %s), downtime %.1f ms, total %.1f ms", head, m.path("policy").asText(),
        m.path("downtime_ms").asDouble(), m.path("total_ms").asDouble());
  }

  private static String setting(DemoRun run, String key, String fallback) {
    String v = run.options().settings().get(key);
    return v == null ? fallback : v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }
}
