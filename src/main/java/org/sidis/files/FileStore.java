package org.sidis.files;

import java.util.HashMap;
import java.util.Map;

/**
 * The disk behind a file server: named strings, read and overwritten at an offset. It outlives
 * a server's restart (what a restart loses is the server's own state, not the files).
 */
public final class FileStore {

  private final Map<String, StringBuilder> files = new HashMap<>();

  public synchronized String read(String path, long offset, int length) {
    StringBuilder f = files.get(path);
    if (f == null) throw new IllegalArgumentException("no such file [" + path + "]");
    int from = (int) Math.min(offset, f.length());
    return f.substring(from, (int) Math.min(f.length(), from + (long) length));
  }

  /** Overwrites from {@code offset} on, creating the file and padding with spaces as needed. */
  public synchronized void write(String path, long offset, String data) {
    StringBuilder f = files.computeIfAbsent(path, p -> new StringBuilder());
    while (f.length() < offset) f.append(' ');
    int end = (int) Math.min(f.length(), offset + data.length());
    f.replace((int) offset, end, data);
  }

  public synchronized long size(String path) {
    StringBuilder f = files.get(path);
    return f == null ? -1 : f.length();
  }
}
