package org.sidis.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test's {@code main} on the test classpath — the real process that a
 * crash test kills with SIGKILL ({@link #sigkill()}: no shutdown hook, no CoordinatedShutdown,
 * no close of the store), as opposed to {@code ActorTestKit.shutdownTestKit()} or
 * {@code system.terminate()}, which are orderly stops. Its stdout is read with a timeout
 * ({@link TimedLines}); its stderr goes to a file named in failures. Closing it kills it if it
 * still runs, so no test leaves a JVM behind.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final TimedLines out;
  private final Path err;

  private ChildJvm(Process process, Path err, String name) {
    this.process = process;
    this.err = err;
    this.out = new TimedLines(process.getInputStream(), name);
  }

  /** Starts {@code java -cp <test classpath> main args…}; stderr goes to {@code dir/<main's simple name>.err}. */
  public static ChildJvm start(Path dir, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Path err = dir.resolve(main.getSimpleName() + "-" + System.nanoTime() + ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    return new ChildJvm(p, err, main.getSimpleName());
  }

  public TimedLines out() {
    return out;
  }

  /** Where its stderr goes: name it in a failure message. */
  public Path err() {
    return err;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * SIGKILL (through the handle, so our end of its stdout stays open and what it printed before
   * dying can still be read), then waits for it to be gone.
   */
  public void sigkill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("child JVM " + pid() + " survived SIGKILL for 30 s");
    // 137 = 128 + 9: killed by SIGKILL, not exited on its own.
    if (process.exitValue() != 137) throw new AssertionError("child JVM " + pid() + " exited with " + process.exitValue()
        + " before the kill; see " + err);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs a child's body and exits the JVM when it ends or throws: Akka's threads are not daemons,
   * so a child whose main thread died would otherwise live on, silent.
   */
  public static void main(String name, ChildBody body) {
    int code = 0;
    try {
      body.run();
    } catch (Throwable t) {
      System.err.println(name + " failed:");
      t.printStackTrace();
      code = 1;
    } finally {
      System.out.flush();
      Runtime.getRuntime().halt(code);
    }
  }

  /** A child's body. */
  @FunctionalInterface
  public interface ChildBody {
    void run() throws Exception;
  }
}
