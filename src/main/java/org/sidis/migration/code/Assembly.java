package org.sidis.migration.code;

/**
 * The parts of one transfer as they arrive. A unit travels cut into parts no larger than
 * {@code sidis.migration.code.part-bytes}, because Artery drops any message over its maximum
 * frame (256 KiB by default) with only a log line. Parts may come in any order and a part may
 * come twice (the same bytes: kept once); the assembly is complete when every index is there.
 * Owned by one actor, so mutable and unsynchronized.
 */
final class Assembly {

  private final int size;
  private final byte[][] parts;
  private int present;
  private int bytes;

  Assembly(int size, int count) {
    if (size < 1 || count < 1 || count > size) throw new IllegalArgumentException(size + " bytes in " + count + " parts");
    this.size = size;
    this.parts = new byte[count][];
  }

  /** Adds part {@code index}; an {@link IllegalArgumentException} when it does not fit the announced shape. */
  void add(int index, byte[] part) {
    if (index < 0 || index >= parts.length) throw new IllegalArgumentException("part " + index + " of " + parts.length);
    if (part.length == 0) throw new IllegalArgumentException("part " + index + " is empty");
    if (parts[index] != null) return;
    if (bytes + part.length > size) throw new IllegalArgumentException("parts exceed the announced " + size + " bytes");
    parts[index] = part.clone();
    present++;
    bytes += part.length;
  }

  boolean complete() {
    return present == parts.length;
  }

  /** The whole unit's bytes; only when complete, and then exactly the announced size or an {@link IllegalArgumentException}. */
  byte[] bytes() {
    if (!complete()) throw new IllegalStateException(present + " of " + parts.length + " parts");
    if (bytes != size) throw new IllegalArgumentException("parts hold " + bytes + " bytes, " + size + " announced");
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /** {@code bytes} cut into parts of at most {@code partBytes}. */
  static byte[][] cut(byte[] bytes, int partBytes) {
    int count = Math.max(1, (bytes.length + partBytes - 1) / partBytes);
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      int from = i * partBytes;
      out[i] = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + partBytes));
    }
    return out;
  }
}
