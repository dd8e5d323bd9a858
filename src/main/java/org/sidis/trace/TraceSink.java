package org.sidis.trace;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's trace file: one JSON object per line, appended by every traced actor of the node.
 *
 * <p>Appends are synchronized so that an actor's lines land in the file in the order of its
 * {@code lseq} (the contract's local order is file order). Lines are held in memory and written
 * by {@link #flush()} — the node flushes on a short period and when it stops — or when more than
 * {@link #WRITE_AT} characters wait. Each write hands the file whole lines in one call, never a
 * part of a line: a SIGKILL loses at most the last period's lines of the node that died (the node
 * whose trace ends anyway) and never leaves a torn last line, which the shared linter rejects as
 * "not JSON". (A {@code BufferedWriter} spilled its 8 KiB buffer wherever it filled, mid-line;
 * CI's lint of a killed node's file failed on one.)
 */
public final class TraceSink implements AutoCloseable {

  /** A sink that writes nothing: tracing turned off (benchmarks). */
  public static final TraceSink DISABLED = new TraceSink();

  /** Characters held before a write without waiting for the next flush. */
  static final int WRITE_AT = 64 * 1024;

  private final OutputStream out;
  private final Path file;
  private final StringBuilder pending = new StringBuilder();
  private boolean closed;

  private TraceSink() {
    this.out = null;
    this.file = null;
  }

  private TraceSink(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    this.file = file;
    this.out = new FileOutputStream(file.toFile(), true);
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
    pending.append(line).append('\n');
    if (pending.length() > WRITE_AT) writePending();
  }

  public synchronized void flush() {
    if (out == null || closed) return;
    writePending();
  }

  /** Writes every held line in one call: the file only ever grows by whole lines. */
  private void writePending() {
    if (pending.length() == 0) return;
    byte[] lines = pending.toString().getBytes(StandardCharsets.UTF_8);
    pending.setLength(0);
    try {
      out.write(lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace file [" + file + "]", e);
    }
  }

  @Override
  public synchronized void close() {
    if (out == null || closed) return;
    try {
      writePending();
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close trace file [" + file + "]", e);
    } finally {
      closed = true;
    }
  }
}
