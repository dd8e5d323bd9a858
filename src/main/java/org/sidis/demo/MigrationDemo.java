package org.sidis.demo;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sidis.check.Inspection;
import org.sidis.check.Report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The strong-mobility demo: n1 and n2 host the moving actor, n3's client calls it by name without
 * pause while it moves between them {@code --moves} times ({@code --mode}, {@code --state}). Prints
 * each move's downtime and total time, and the migration checker's verdict on the traces. With
 * {@code sidis.demo.migration.kill-target = on}, the target's JVM is killed with SIGKILL as the
 * first move starts: the move must abort and the actor keep serving at its source. Passed when
 * every call came back with the next value, the checker passed, and every move moved (or, killing,
 * the first move aborted).
 */
public final class MigrationDemo extends Demo {

  private static final ObjectMapper JSON = new ObjectMapper();

  public MigrationDemo() {
    super("migration", "migration (a stateful actor moves between n1 and n2 while n3 calls it by name: --moves, --mode pre-copy|stop-and-copy, --state, --json)");
  }

  @Override
  public Set<String> takes() {
    return Set.of("--moves", "--state", "--mode", "--json");
  }

  @Override
  public String refuse(DemoOptions options) {
    return options.nodes() == 3 ? null
        : "demo migration runs exactly 3 nodes (two hosts and a client), got --nodes " + options.nodes();
  }

  @Override
  public int run(DemoRun run) {
    boolean kill = List.of("on", "true", "yes").contains(setting(run, "sidis.demo.migration.kill-target", "off"));
    String mode = setting(run, "sidis.demo.migration.mode", "pre-copy");
    String state = setting(run, "sidis.migration.state-size", "64MiB");
    String moves = setting(run, "sidis.demo.migration.moves", "10");
    run.out().printf("demo migration: n1, n2 host actor [counter] (%s state), n3 calls it while it moves %s times by %s%s — run directory %s%n",
        state, moves, mode, kill ? "; the target's JVM is killed with SIGKILL as the first move starts" : "", run.runDir());
    boolean completed;
    Launcher.NodeState client;
    List<JsonNode> moved;
    String[] victim = {null};
    try (Launcher launcher = run.launcher()) {
      run.startNodes(launcher, 3, i -> List.of(
          "--set", "sidis.node.services=[" + (i < 2 ? "migration" : "migration-client") + "]",
          "--set", "sidis.migration.home=n1"));
      client = launcher.nodes().get("n3");
      int[] printed = {0};
      Runnable step = () -> {
        if (kill && victim[0] == null && !launcher.reports("moving").isEmpty()) {
          String target = launcher.reports("moving").get(0).path("to").asText();
          if (receiving(run.runDir(), target)) { // mid-transfer: the target has taken the move's Prepare
            victim[0] = target;
            launcher.kill(target);
            run.out().println("  SIGKILL " + target + " (the target of move 1, while it receives the state)");
          }
        }
        List<JsonNode> ms = launcher.reports("moved");
        while (printed[0] < ms.size()) run.out().println("  " + describe(ms.get(printed[0]++)));
      };
      java.util.function.Supplier<String> status = () -> "calls " + client.multicast + " · answered in order " + client.delivered
          + " · moves reported " + launcher.reports("moved").size() + "/" + moves;
      completed = launcher.runClient("n3", DemoRun.STARTUP, run.limit(), status, step);
      moved = List.copyOf(launcher.reports("moved"));
    }
    long failed = client.last == null ? -1 : client.last.path("failed").asLong(-1);
    long movedCount = moved.stream().filter(m -> m.path("moved").asBoolean()).count();
    boolean movesOk = kill
        ? !moved.isEmpty() && !moved.get(0).path("moved").asBoolean() && victim[0] != null
        : moved.size() == Integer.parseInt(moves) && movedCount == moved.size();
    Report report = Inspection.of(run.runDir());
    StringBuilder summary = new StringBuilder();
    summary.append(String.format(Locale.ROOT, "calls %d, answered in order %d, failed %d, client's longest wait %s ms; moves %d of %d moved%n",
        client.multicast, client.delivered, failed, DemoRun.field(client, "max_wait_ms"), movedCount, moved.size()));
    for (JsonNode m : moved) summary.append("  ").append(describe(m)).append('\n');
    if (kill) {
      summary.append(victim[0] == null ? "  no node was killed (the run ended first)\n"
          : "  " + victim[0] + " was killed with SIGKILL while it received move 1; the actor served on at its source\n");
    }
    run.out().println();
    run.out().print(summary);
    run.out().println();
    run.out().print(report.table());
    boolean passed = completed && failed == 0 && client.delivered == client.multicast && movesOk && report.passed();
    String json = run.options().settings().get("sidis.demo.migration.json");
    if (json != null && !unquote(json).isEmpty()) writeJson(run, Path.of(unquote(json)), mode, state, moved, passed);
    return run.verdict(summary + "\n" + report.table(), passed, "logs and traces in");
  }

  /** Whether {@code node}'s trace shows it started receiving a move (its move-start line). */
  private static boolean receiving(Path runDir, String node) {
    try {
      Path trace = runDir.resolve("trace").resolve(node + ".jsonl");
      return java.nio.file.Files.isRegularFile(trace) && java.nio.file.Files.readString(trace).contains("\"event\":\"move-start\"");
    } catch (IOException e) {
      return false;
    }
  }

  private static String describe(JsonNode m) {
    String head = "move " + m.path("move").asInt() + " " + m.path("from").asText("?") + " → " + m.path("to").asText();
    if (!m.path("moved").asBoolean()) return head + ": not moved — " + m.path("reason").asText();
    return String.format(Locale.ROOT, "%s: downtime %.1f ms, total %.1f ms, rounds %d, pages sent %d, requests held %d",
        head, m.path("downtime_ms").asDouble(), m.path("total_ms").asDouble(), m.path("rounds").asInt(), m.path("pages").asLong(),
        m.path("held").asInt());
  }

  private static void writeJson(DemoRun run, Path file, String mode, String state, List<JsonNode> moved, boolean passed) {
    ObjectNode root = JSON.createObjectNode();
    root.put("demo", "migration");
    root.put("mode", mode);
    root.put("state", state);
    root.put("passed", passed);
    root.put("run", run.runDir().toString());
    ArrayNode moves = root.putArray("moves");
    List<JsonNode> copy = new ArrayList<>(moved);
    copy.forEach(moves::add);
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
      run.out().println("wrote " + file);
    } catch (IOException e) {
      run.out().println("warning: cannot write " + file + ": " + e.getMessage());
    }
  }

  private static String setting(DemoRun run, String key, String fallback) {
    String v = run.options().settings().get(key);
    return v == null ? fallback : unquote(v);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1).replace("\\\\", "\\") : v;
  }
}
