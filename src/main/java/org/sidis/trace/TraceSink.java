package org.sidis.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A node's trace file: one JSON object per line, appended by every traced actor of the node.
 *
 * <p>Appends are synchronized so that an actor's lines land in the file in the order of its
 * {@code lseq} (the contract's local order is file order). Lines are buffered and flushed by
 * {@link #flush()} — the node flushes on a short period and when it stops — so a SIGKILL
 * loses at most the last period's lines of the node that died, which is the node whose trace
 * ends anyway.
 */
public final class TraceSink implements AutoCloseable {

  /** A sink that writes nothing: tracing turned off (benchmarks). */
  public static final TraceSink DISABLED = new TraceSink();

  private final BufferedWriter out;
  private final Path file;
  private boolean closed;

  private TraceSink() {
    this.out = null;
    this.file = null;
  }

  private TraceSink(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    this.file = file;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  public static TraceSink open(Path file) {
    try {
      return new TraceSink(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open trace file [" + file + "]", e);
    }
  }

  public boolean enabled() {
    return out != null;
  }

  public Path file() {
    return file;
  }

  synchronized void append(String line) {
    if (out == null || closed) return;
    try {
      out.write(line);
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace file [" + file + "]", e);
    }
  }

  public synchronized void flush() {
    if (out == null || closed) return;
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush trace file [" + file + "]", e);
    }
  }

  @Override
  public synchronized void close() {
    if (out == null || closed) return;
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close trace file [" + file + "]", e);
    } finally {
      closed = true;
    }
  }
}
