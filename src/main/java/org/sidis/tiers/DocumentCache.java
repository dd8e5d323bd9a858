package org.sidis.tiers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An application server's bounded cache in front of the data tier: least recently used
 * documents go first. It counts hits and misses, the figure that shows what content-aware
 * distribution buys (each server's cache holds its part of the documents instead of the same
 * popular ones as every other server). Thread-safe: the server's workers share it.
 */
public final class DocumentCache {

  private final int capacity;
  private final LinkedHashMap<Integer, String> entries;
  private long hits;
  private long misses;

  public DocumentCache(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("cache capacity " + capacity + ": need at least 1 document");
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, String> eldest) {
        return size() > DocumentCache.this.capacity;
      }
    };
  }

  /** The cached document, counting a hit or a miss. */
  public synchronized Optional<String> get(int key) {
    String doc = entries.get(key);
    if (doc == null) misses++;
    else hits++;
    return Optional.ofNullable(doc);
  }

  public synchronized void put(int key, String document) {
    entries.put(key, document);
  }

  /** Forgets every document (the counters keep counting). */
  public synchronized void clear() {
    entries.clear();
  }

  public synchronized boolean contains(int key) {
    return entries.containsKey(key);
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  public int capacity() {
    return capacity;
  }
}
