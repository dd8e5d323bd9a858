package org.sidis.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A demo started with {@code --keep-running} as a real process, for ITs whose test is the HTTP
 * client outside the cluster: it waits for the lines the demo prints, closes stdin so the demo
 * stops its nodes and judges the run, and on {@link #close} kills whatever is left (the demo and
 * its node JVMs).
 */
final class KeptRunningDemo implements AutoCloseable {

  private final Process process;
  private final Path log;

  private KeptRunningDemo(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** {@code java -jar target/sidis.jar demo ARGS --runs-dir target/it-runs --keep-running}. */
  static KeptRunningDemo start(String... args) throws IOException {
    Path log = Files.createTempFile("sidis-keep-running", ".out");
    List<String> command = new ArrayList<>(List.of("demo"));
    command.addAll(List.of(args));
    command.addAll(List.of("--runs-dir", "target/it-runs", "--keep-running"));
    return new KeptRunningDemo(SidisProcess.start(Path.of("."), log, List.of(), command.toArray(String[]::new)), log);
  }

  /** Waits (at most {@code seconds}) until the demo printed a match of {@code pattern}; fails with its output otherwise. */
  Matcher await(Pattern pattern, int seconds) throws IOException, InterruptedException {
    return SidisProcess.await(log, pattern, seconds);
  }

  /** Every match of {@code pattern} in what the demo printed so far. */
  List<MatchResult> all(Pattern pattern) {
    return pattern.matcher(output()).results().toList();
  }

  /** Closes stdin — the demo stops its nodes and gives its verdict — and waits for it to exit; its output. */
  String stop() throws IOException, InterruptedException {
    process.getOutputStream().close();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), () -> "the demo did not stop after stdin closed:\n" + output());
    return output();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** The demo's node JVMs that are still running. */
  List<ProcessHandle> nodes() {
    return process.descendants().toList();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    List<ProcessHandle> nodes = nodes();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    nodes.forEach(ProcessHandle::destroyForcibly);
    Files.deleteIfExists(log);
  }
}
