package org.sidis.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code java -jar target/sidis.jar ARGS} as a real process and keeps what it printed; or
 * starts one that keeps running (a node) and waits for a line in what it prints. Shared by the
 * multi-JVM tests of every room.
 */
public record SidisProcess(int exitCode, String output) {

  /**
   * Starts {@code java [jvmOptions] -jar target/sidis.jar ARGS} in {@code cwd}, its console (both
   * streams) going to {@code console}; the caller stops it.
   */
  public static Process start(Path cwd, Path console, List<String> jvmOptions, String... args) throws IOException {
    Path jar = Path.of("target", "sidis.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("run 'mvn package' first: " + jar + " is missing");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
  }

  /** Waits at most {@code seconds} until {@code file} holds a match of {@code pattern}; fails showing the file. */
  public static Matcher await(Path file, Pattern pattern, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        Matcher m = pattern.matcher(Files.readString(file, StandardCharsets.UTF_8));
        if (m.find()) return m;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no [" + pattern + "] in " + file + " within " + seconds + " s:\n"
        + (Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no file)"));
  }

  public static SidisProcess run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path jar = Path.of("target", "sidis.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("run 'mvn package' first: " + jar + " is missing");
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("sidis-it", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      List<ProcessHandle> nodes = p.descendants().toList(); // before the launcher goes: its node JVMs
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      nodes.forEach(ProcessHandle::destroyForcibly); // a hung run leaves no JVM behind
      if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("sidis " + String.join(" ", args) + " survived SIGKILL");
      throw new AssertionError("sidis " + String.join(" ", args) + " did not finish within " + timeoutSeconds + "s:\n"
          + Files.readString(out, StandardCharsets.UTF_8));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    return new SidisProcess(p.exitValue(), text);
  }
}
