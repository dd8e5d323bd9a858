package org.sidis.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README played as a newcomer plays it: the two commands of its first lines — the test
 * command is the one CI runs, the main job runs as written from a directory of the user's and
 * prints what "What the demo prints" shows (each verdict line of that block, verbatim) — then the
 * mistakes a newcomer makes: bare {@code sidis}, {@code --help}, a misspelt option, an unknown
 * {@code --set} key, each with its documented exit code and the closest valid word named.
 * (CI runs the suite on a fresh clone; every {@code bin/sidis} line in README and docs is parsed
 * by DocsCommandsTest.)
 */
class NewcomerIT {

  private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  private static final Path LAUNCHER = ROOT.resolve("bin/sidis");

  @TempDir
  Path home;

  record Ran(int exitCode, String stdout, String stderr) {
    String both() {
      return stdout + stderr;
    }
  }

  @BeforeAll
  static void theJarIsBuilt() {
    assertTrue(Files.isRegularFile(ROOT.resolve("target/sidis.jar")), "target/sidis.jar is missing: this test runs after 'mvn package'");
  }

  /** The commands of the README's first fenced block, without their comments. */
  private static List<String> firstCommands() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(), "README.md has no fenced block");
    List<String> commands = new ArrayList<>();
    for (String line : block.group(1).split("\\n")) {
      String command = line.replaceAll("#.*", "").trim();
      if (!command.isEmpty()) commands.add(command);
    }
    return commands;
  }

  @Test
  void theTwoCommandsOfTheFrontPageDoWhatItSays() throws Exception {
    List<String> commands = firstCommands();
    assertEquals(2, commands.size(), "the README's first lines give two commands: " + commands);
    assertEquals("mvn -B verify", commands.get(1), "the test command");
    String ci = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    assertTrue(ci.contains("\n" + commands.get(1) + "\n"), ".ci/run must run the README's test command: " + commands.get(1));

    List<String> main = new ArrayList<>(Arrays.asList(commands.get(0).split("\\s+")));
    assertEquals("bin/sidis", main.get(0), "the main job runs through the launcher: " + commands.get(0));
    main.set(0, LAUNCHER.toString());
    Ran ran = run(home, 300, main);
    assertEquals(0, ran.exitCode(), ran.both());

    // Every verdict line the README shows the demo printing is printed, word for word.
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String shown = readme.substring(readme.indexOf("## What the demo prints"));
    Matcher verdicts = Pattern.compile("(?m)^((causal order|fifo order|integrity|agreement|crashed nodes \\(no stop event\\)|PASSED): .*)$")
        .matcher(shown.substring(0, shown.indexOf("```", shown.indexOf("```") + 3)));
    int lines = 0;
    while (verdicts.find()) {
      lines++;
      assertTrue(ran.stdout().contains(verdicts.group(1)), "the README shows [" + verdicts.group(1) + "]; the demo printed:\n" + ran.stdout());
    }
    assertEquals(6, lines, "the README's example output lost its verdict lines");
    // The run directory is the caller's, with the report the README points at.
    Matcher dir = Pattern.compile("verdict: PASSED — logs and traces in (\\S+)").matcher(ran.stdout());
    assertTrue(dir.find(), ran.stdout());
    assertTrue(Files.isRegularFile(home.resolve(dir.group(1)).resolve("report.html")), "no report.html in " + dir.group(1));
  }

  @Test
  void aNewcomersMistakesAreClearErrorsWithTheirExitCodes() throws Exception {
    Ran bare = run(home, 60, List.of(LAUNCHER.toString()));
    assertEquals(2, bare.exitCode(), bare.both());
    assertTrue(bare.stderr().contains("Usage: sidis"), "bare sidis prints its usage on stderr: " + bare.both());

    Ran help = run(home, 60, List.of(LAUNCHER.toString(), "--help"));
    assertEquals(0, help.exitCode(), help.both());
    for (String command : List.of("demo", "bench", "inspect", "node")) assertTrue(help.stdout().contains(command), help.stdout());

    Ran option = run(home, 60, List.of(LAUNCHER.toString(), "demo", "causal", "--nodez", "3"));
    assertEquals(2, option.exitCode(), option.both());
    assertTrue(option.stderr().contains("--nodez") && option.stderr().contains("did you mean: --nodes"), option.both());
    assertFalse(option.stdout().contains("nodes up"), "nothing ran: " + option.both());

    Ran key = run(home, 60, List.of(LAUNCHER.toString(), "demo", "causal", "--set", "sidis.multicast.windw=10"));
    assertEquals(2, key.exitCode(), key.both());
    assertTrue(key.stderr().contains("[sidis.multicast.windw]") && key.stderr().contains("[sidis.multicast.window]"), key.both());
  }

  private static Ran run(Path dir, int seconds, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("newcomer-it", ".out");
    Path err = Files.createTempFile("newcomer-it", ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    // The launcher runs the java on the PATH; give it this JVM's, so the test uses the JDK it runs on.
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    Process p = pb.start();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s:\n"
            + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
