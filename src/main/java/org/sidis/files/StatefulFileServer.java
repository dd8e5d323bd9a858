package org.sidis.files;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** {@link StatefulFiles} over a {@link FileStore}; sessions, prefetches and callback promises live in this object only. */
public final class StatefulFileServer implements StatefulFiles {

  /** The handle names a session this server does not have (it was closed, or the server restarted). */
  public static final class StaleHandleException extends IllegalStateException {
    public StaleHandleException(long handle) {
      super("stale handle " + handle + ": no such session on this server (closed, or lost in a restart)");
    }
  }

  private static final class Session {
    final String client;
    final String path;
    long position;
    long prefetchedAt = -1;
    String prefetched;

    Session(String client, String path, long position) {
      this.client = client;
      this.path = path;
      this.position = position;
    }
  }

  private final FileStore store;
  private final Function<String, CacheCallback> callbacks;
  private final Map<Long, Session> sessions = new HashMap<>();
  private final Map<String, Set<String>> promises = new HashMap<>();
  private final AtomicLong handles = new AtomicLong();
  private final AtomicLong prefetchHits = new AtomicLong();

  /** {@code callbacks}: a client's name to a stub of its {@link CacheCallback}. */
  public StatefulFileServer(FileStore store, Function<String, CacheCallback> callbacks) {
    this.store = store;
    this.callbacks = callbacks;
  }

  @Override
  public synchronized long open(String client, String path, long position) {
    if (store.size(path) < 0) throw new IllegalArgumentException("no such file [" + path + "]");
    long h = handles.incrementAndGet();
    sessions.put(h, new Session(client, path, position));
    promises.computeIfAbsent(path, p -> new TreeSet<>()).add(client);
    return h;
  }

  @Override
  public synchronized String read(long handle, int length) {
    Session s = session(handle);
    String data;
    if (s.prefetchedAt == s.position && s.prefetched != null && s.prefetched.length() >= length) {
      data = s.prefetched.substring(0, length);
      prefetchHits.incrementAndGet();
    } else {
      data = store.read(s.path, s.position, length);
    }
    s.position += data.length();
    // Sequential readers are the common case: fetch the next block now.
    s.prefetched = store.read(s.path, s.position, length);
    s.prefetchedAt = s.position;
    return data;
  }

  @Override
  public void write(long handle, String data) {
    Set<String> others;
    String path;
    synchronized (this) {
      Session s = session(handle);
      store.write(s.path, s.position, data);
      s.position += data.length();
      path = s.path;
      // Every session's prefetch of this file may be stale now.
      sessions.values().forEach(x -> { if (x.path.equals(s.path)) x.prefetched = null; });
      others = new TreeSet<>(promises.getOrDefault(s.path, Set.of()));
      others.remove(s.client);
    }
    // Outside the lock: a callback is a one-way call, but a stub may wait for the registry.
    for (String client : others) callbacks.apply(client).invalidate(path);
  }

  @Override
  public synchronized void close(long handle) {
    sessions.remove(handle);
  }

  private Session session(long handle) {
    Session s = sessions.get(handle);
    if (s == null) throw new StaleHandleException(handle);
    return s;
  }

  public synchronized int sessions() {
    return sessions.size();
  }

  public long prefetchHits() {
    return prefetchHits.get();
  }
}
