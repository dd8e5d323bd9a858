package org.sidis.gossip;

/** What an update does to its key: write a value, or delete it (a death certificate). */
public enum Op {
  PUT,
  DELETE;

  /** The name in traces: {@code put}, {@code delete}. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
