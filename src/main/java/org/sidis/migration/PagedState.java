package org.sidis.migration;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The large state of a moving actor, kept as a virtual machine keeps its memory: fixed-size pages
 * and the set of pages written since it was last taken (the dirty pages). Live migration copies
 * the pages while the owner keeps writing, then copies again only what was dirtied (Tanenbaum &amp;
 * van Steen, ch. 3, "Virtualizacao": pre-copy; Clark et al., NSDI 2005). A plain class, not a
 * value: copying hundreds of MiB per write would measure the copy, not the move; the actor that
 * owns it is its only user.
 */
public final class PagedState {

  private final int pageSize;
  private final byte[][] pages;
  private final BitSet dirty = new BitSet();

  /** {@code pageCount} zeroed pages of {@code pageSize} bytes, none dirty. */
  public PagedState(int pageSize, int pageCount) {
    if (pageSize < 8) throw new IllegalArgumentException("a page holds at least 8 bytes, got " + pageSize);
    if (pageCount < 1) throw new IllegalArgumentException("a state has at least one page, got " + pageCount);
    this.pageSize = pageSize;
    this.pages = new byte[pageCount][pageSize];
  }

  /** A state of {@code bytes} (rounded up to whole pages). */
  public static PagedState ofSize(long bytes, int pageSize) {
    if (bytes < 1) throw new IllegalArgumentException("state size must be positive, got " + bytes);
    long count = (bytes + pageSize - 1) / pageSize;
    if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("state too large: " + bytes + " bytes");
    return new PagedState(pageSize, (int) count);
  }

  public int pageSize() {
    return pageSize;
  }

  public int pageCount() {
    return pages.length;
  }

  public long bytes() {
    return (long) pageSize * pages.length;
  }

  /**
   * The owner writes {@code value} into page {@code page} at word {@code word} (wrapping): the
   * page becomes dirty. One word stands for a write anywhere in the page — what pre-copy cares
   * about is which pages changed, not how much of each.
   */
  public void write(int page, int word, long value) {
    byte[] p = pages[checkPage(page)];
    int at = Math.floorMod(word, pageSize / 8) * 8;
    for (int i = 0; i < 8; i++) p[at + i] = (byte) (value >>> (8 * i));
    dirty.set(page);
  }

  /** The word at {@code word} of page {@code page}. */
  public long read(int page, int word) {
    byte[] p = pages[checkPage(page)];
    int at = Math.floorMod(word, pageSize / 8) * 8;
    long v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | (p[at + i] & 0xff);
    return v;
  }

  /** A copy of page {@code page}, as sent to the target. */
  public byte[] page(int page) {
    return pages[checkPage(page)].clone();
  }

  /** Copies page {@code page}'s bytes into {@code into} at {@code offset} (building a chunk without an extra copy). */
  public void copyPage(int page, byte[] into, int offset) {
    System.arraycopy(pages[checkPage(page)], 0, into, offset, pageSize);
  }

  /** The target installs a page it received; installing does not make it dirty there. */
  public void install(int page, byte[] bytes, int offset) {
    checkPage(page);
    if (bytes.length - offset < pageSize) {
      throw new IllegalArgumentException("page " + page + " needs " + pageSize + " bytes, got " + (bytes.length - offset));
    }
    System.arraycopy(bytes, offset, pages[page], 0, pageSize);
  }

  /** How many pages are dirty now. */
  public int dirtyCount() {
    return dirty.cardinality();
  }

  /** The dirty pages, in ascending order, and none dirty afterwards: the next round's work. */
  public int[] takeDirty() {
    int[] taken = dirty.stream().toArray();
    dirty.clear();
    return taken;
  }

  /** Every page, in order: a first round, or stop-and-copy's one transfer. Clears the dirty set. */
  public int[] takeAll() {
    dirty.clear();
    int[] all = new int[pages.length];
    for (int i = 0; i < all.length; i++) all[i] = i;
    return all;
  }

  /** Whether both states hold the same bytes (tests; a mismatch is a lost write). */
  public boolean sameContent(PagedState other) {
    if (other.pageSize != pageSize || other.pages.length != pages.length) return false;
    for (int i = 0; i < pages.length; i++) if (!Arrays.equals(pages[i], other.pages[i])) return false;
    return true;
  }

  private int checkPage(int page) {
    if (page < 0 || page >= pages.length) {
      throw new IllegalArgumentException("no page " + page + " in a state of " + pages.length + " pages");
    }
    return page;
  }
}
