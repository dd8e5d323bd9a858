package org.sidis.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines a child process prints, read with a timeout. {@code BufferedReader.readLine} on a
 * child's stdout blocks for as long as the child lives and prints nothing — forever, for a
 * stalled JVM whose Akka threads are not daemons — and no interrupt reaches it; here a daemon
 * thread does the blocking read and the test waits on a queue with a bound.
 */
public final class TimedLines {

  private static final String END = new String("end of stream"); // compared by identity

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder seen = new StringBuilder();
  private boolean ended;

  public TimedLines(InputStream in, String name) {
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) lines.add(line);
      } catch (IOException closed) {
        // the process died or its stream was closed: that is the end of its output
      } finally {
        lines.add(END);
      }
    }, "lines-of-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The next line, or null once the stream has ended; fails if no line comes within the timeout,
   * quoting what the process printed so far.
   */
  public String next(Duration timeout) {
    if (ended) return null;
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading the child's output:\n" + seen, e);
    }
    if (line == null) throw new AssertionError("no line from the child within " + timeout + "; it printed:\n" + tail());
    if (line == END) {
      ended = true;
      return null;
    }
    seen.append(line).append('\n');
    return line;
  }

  /** Reads until a line contains the text; fails past the deadline or at the end of the stream. */
  public void until(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("never saw [" + text + "] within " + timeout + ":\n" + tail());
      String line = next(Duration.ofNanos(left));
      if (line == null) throw new AssertionError("the output ended without [" + text + "]:\n" + tail());
      if (line.contains(text)) return;
    }
  }

  /** Everything to the end of the stream (the process has exited or been killed); bounded by the timeout. */
  public String rest(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) != null) {
      // collected in seen
    }
    return seen.toString();
  }

  /** Everything read so far. */
  public String seen() {
    return seen.toString();
  }

  private String tail() {
    int from = Math.max(0, seen.length() - 4000);
    return (from > 0 ? "…" : "") + seen.substring(from);
  }
}
