package org.sidis.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/sidis}, the launcher every documented command is written with, run as a user runs it:
 * from a directory outside the repository, directly and through a symlink, with relative paths
 * that must stay relative to the caller. Runs after {@code package}, so the launcher finds
 * target/sidis.jar and builds nothing (building when the jar is missing was tried by hand: it is
 * one {@code mvn -B -q package -DskipTests}, too slow for the suite).
 */
class LauncherScriptIT {

  private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  private static final Path LAUNCHER = ROOT.resolve("bin/sidis");

  @TempDir
  Path elsewhere;

  record Ran(int exitCode, String output) {}

  @BeforeAll
  static void theJarIsBuilt() {
    assertTrue(Files.isRegularFile(ROOT.resolve("target/sidis.jar")),
        "target/sidis.jar is missing: this test runs after 'mvn package' and must not make the launcher build");
    assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is not executable");
  }

  @Test
  void runsFromADirectoryOutsideTheRepository() throws Exception {
    Ran ran = run(elsewhere, LAUNCHER.toString(), "--version");
    assertEquals(0, ran.exitCode(), ran.output());
    assertTrue(ran.output().contains("sidis"), ran.output());
    assertTrue(!ran.output().contains("building"), "the launcher rebuilt although the jar is there: " + ran.output());
  }

  @Test
  void followsASymlinkToFindTheRepository() throws Exception {
    Path link = Files.createSymbolicLink(elsewhere.resolve("sidis"), LAUNCHER);
    Ran ran = run(elsewhere, link.toString(), "--version");
    assertEquals(0, ran.exitCode(), ran.output());
    assertTrue(ran.output().contains("sidis"), ran.output());
  }

  @Test
  void passesArgumentsThroughAndRelativePathsStayTheCallers() throws Exception {
    Path trace = Files.createDirectories(elsewhere.resolve("run/trace")).resolve("n1.jsonl");
    Files.writeString(trace, String.join("\n",
        "{\"ts\":1,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"start\",\"lseq\":1}",
        "{\"ts\":2,\"node\":\"n1\",\"actor\":\"/user/multicast-chat\",\"proto\":\"causal\",\"group\":\"chat\",\"event\":\"multicast\",\"lseq\":1,\"msg\":\"n1:1\"}",
        "{\"ts\":3,\"node\":\"n1\",\"actor\":\"/user/multicast-chat\",\"proto\":\"causal\",\"group\":\"chat\",\"event\":\"deliver\",\"lseq\":2,\"msg\":\"n1:1\"}",
        "{\"ts\":4,\"node\":\"n1\",\"actor\":\"node\",\"proto\":\"node\",\"event\":\"stop\",\"lseq\":2}", ""));
    Ran ran = run(elsewhere, LAUNCHER.toString(), "inspect", "run", "--json", "verdicts.json");
    assertEquals(0, ran.exitCode(), ran.output());
    assertTrue(Files.isRegularFile(elsewhere.resolve("run/report.html")), "no run/report.html in the caller's directory:\n" + ran.output());
    assertTrue(Files.isRegularFile(elsewhere.resolve("verdicts.json")), "no verdicts.json in the caller's directory:\n" + ran.output());
  }

  @Test
  void aCommandThatFailsKeepsItsExitCode() throws Exception {
    // Negative control for the pass-through: a wrong demo name is the program's error, not the launcher's.
    Ran ran = run(elsewhere, LAUNCHER.toString(), "demo", "no-such-demo");
    assertEquals(2, ran.exitCode(), ran.output());
    assertTrue(ran.output().contains("no-such-demo"), ran.output());
  }

  private static Ran run(Path dir, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Path out = Files.createTempFile("launcher-it", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    // The launcher runs the java on the PATH; give it this JVM's, so the test uses the JDK it runs on.
    String javaHome = System.getProperty("java.home");
    pb.environment().put("PATH", Path.of(javaHome, "bin") + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish within 120 s:\n" + Files.readString(out, StandardCharsets.UTF_8));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    return new Ran(p.exitValue(), text);
  }
}
