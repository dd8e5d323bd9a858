package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sidis.demo.SidisProcess.await;

/**
 * A node started by hand with no seeds and {@code --port 0} forms a cluster of its own, prints
 * the address to join, becomes Up, and logs to the console at INFO and to logs/NAME.log with its
 * name and the actor's path in the lines — and a second node joins it with the printed seed.
 */
class LoneNodeIT {

  @TempDir
  Path dir;

  private static Process node(Path cwd, String... args) throws Exception {
    List<String> node = new java.util.ArrayList<>(List.of("node"));
    node.addAll(List.of(args));
    return SidisProcess.start(cwd, cwd.resolve("out-" + args[1] + ".txt"), List.of(), node.toArray(String[]::new));
  }

  @Test
  void aNodeWithoutSeedsFormsAClusterOnPortZeroAndASecondJoinsIt() throws Exception {
    Process solo = node(dir, "--name", "solo", "--port", "0");
    Process second = null;
    try {
      Matcher formed = await(dir.resolve("out-solo.txt"),
          Pattern.compile("node \\[solo] formed a new cluster at akka://sidis@([0-9.]+):(\\d+); others join it with --seeds (\\S+)"), 120);
      assertEquals(formed.group(1) + ":" + formed.group(2), formed.group(3));
      await(dir.resolve("out-solo.txt"), Pattern.compile("membership: node \\[solo] at \\[" + formed.group(1) + ":" + formed.group(2) + "] is up"), 180);
      String console = Files.readString(dir.resolve("out-solo.txt"), StandardCharsets.UTF_8);
      assertTrue(console.contains("INFO  [solo]"), "INFO lines with the node's name on the console:\n" + console);
      Path log = dir.resolve("logs").resolve("solo.log");
      await(log, Pattern.compile("\\[solo] o\\.s\\.n\\.NodeGuardian \\[akka://sidis/user] - membership: node \\[solo] at \\[[0-9.]+:\\d+] is up"), 60);
      assertFalse(Files.readString(log).contains("%logger"), "no pattern printed literally");

      second = node(dir, "--name", "two", "--port", "0", "--seeds", formed.group(3));
      // Both members Up as the second sees them: the one it joined, and itself.
      await(dir.resolve("out-two.txt"), Pattern.compile("(?s)membership: node \\[\\w+] at \\[[0-9.:]+] is up.*membership: node \\[\\w+] at \\[[0-9.:]+] is up"), 180);
      await(dir.resolve("out-two.txt"), Pattern.compile("membership: node \\[solo] at \\[" + formed.group(1) + ":" + formed.group(2) + "] is up"), 10);
      assertFalse(Files.readString(dir.resolve("out-two.txt")).contains("formed a new cluster"), "a node with seeds joins them");
    } finally {
      for (Process p : second == null ? List.of(solo) : List.of(solo, second)) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      }
    }
  }
}
