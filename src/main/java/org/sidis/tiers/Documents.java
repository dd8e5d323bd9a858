package org.sidis.tiers;

/**
 * The documents of the data tier: document {@code key} of {@code size} characters is a fixed
 * function of both, so any client can check that the answer it got is the right document
 * without asking the data tier (the demo's "correct answer").
 */
public final class Documents {

  private Documents() {}

  /** Document {@code key}: its header line, then a pattern drawn from the key, {@code size} ASCII characters in all. */
  public static String content(int key, int size) {
    if (size < 1) throw new IllegalArgumentException("document size " + size + ": need at least 1 byte");
    StringBuilder b = new StringBuilder(size);
    b.append("doc ").append(key).append('\n');
    long x = 0x9E3779B97F4A7C15L * (key + 1);
    while (b.length() < size) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.append((char) ('a' + (int) Math.floorMod(x, 26L)));
      if (b.length() % 64 == 63) b.append('\n');
    }
    b.setLength(size);
    return b.toString();
  }
}
