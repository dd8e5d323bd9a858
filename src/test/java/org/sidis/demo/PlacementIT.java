package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Inspection;
import org.sidis.check.Placements;
import org.sidis.check.Report;
import org.sidis.check.Verdict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The placement demo for real, small: three JVMs, n1 made busy, and the placer on n3 moves the
 * 2 MiB actor on its own to n2, the least loaded host, while n3's client calls it; nothing lost,
 * the decision followed by its move, the load rule held. Then the negative control on that run's
 * own trace: with the decision rewritten to name n3, the move that went to n2 must fail the
 * checker, which names the actor and the nodes.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class PlacementIT {

  private static final Pattern RUN_DIR = Pattern.compile("verdict: PASSED — logs and traces in (\\S+)");

  @TempDir
  Path copy;

  @Test
  void theLoadPolicyMovesTheActorOffTheBusyNodeToTheLeastLoadedAndTheCheckerCatchesAMoveElsewhere() throws Exception {
    SidisProcess run = SidisProcess.run(240, "demo", "placement", "--policy", "load", "--state", "2MiB",
        "--set", "sidis.demo.placement.calls-after=100", "--runs-dir", "target/it-runs");
    String out = run.output();
    assertEquals(0, run.exitCode(), out);
    assertTrue(out.contains("placer decides (load): move counter n1 → n2"), out);
    assertTrue(out.contains("move n1 → n2: moved (by load)"), out);
    assertTrue(Pattern.compile("calls (\\d+), answered in order \\1, failed 0").matcher(out).find(), out);
    assertTrue(out.contains("placement followed: held"), out);
    assertTrue(out.contains("placement rule: held"), out);
    assertTrue(out.contains("migration nothing lost: held"), out);
    assertTrue(out.contains("migration applied once: held"), out);

    Matcher dir = RUN_DIR.matcher(out);
    assertTrue(dir.find(), out);
    Path trace = Path.of(dir.group(1)).resolve("trace");
    try (Stream<Path> files = Files.list(trace)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        List<String> lines = Files.readAllLines(f).stream()
            .map(l -> l.contains("\"event\":\"place-decide\"") ? l.replace("\"to\":\"n2\"", "\"to\":\"n3\"") : l).toList();
        Files.write(copy.resolve(f.getFileName()), lines);
      }
    }
    Report forged = Inspection.of(copy);
    assertFalse(forged.passed(), forged.table());
    Verdict followed = forged.verdict("counter", Placements.FOLLOWED);
    assertEquals(Verdict.Outcome.VIOLATED, followed.outcome(), forged.table());
    String said = String.join("\n", followed.details());
    assertTrue(said.contains("move counter from n1 to n3") && said.contains("a move to n2"), said);
  }
}
