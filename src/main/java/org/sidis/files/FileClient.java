package org.sidis.files;

import org.sidis.rpc.RpcException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the stateful file service with a whole-file cache. With callbacks on, the
 * client serves a {@link CacheCallback} (registered by its owner as
 * {@link CacheCallback#serviceName}) and drops a file from its cache when told another client
 * wrote it; with callbacks off, nothing tells it, and it goes on reading its stale copy.
 */
public final class FileClient implements CacheCallback {

  private final String name;
  private final StatefulFiles server;
  private final Map<String, String> cache = new ConcurrentHashMap<>();
  private final boolean listening;

  public FileClient(String name, StatefulFiles server, boolean listening) {
    this.name = name;
    this.server = server;
    this.listening = listening;
  }

  public String name() {
    return name;
  }

  /** The whole file, from the cache when it holds it. */
  public String read(String path) {
    String cached = cache.get(path);
    if (cached != null) return cached;
    long h = server.open(name, path, 0);
    StringBuilder all = new StringBuilder();
    for (String block = server.read(h, 4096); !block.isEmpty(); block = server.read(h, 4096)) all.append(block);
    server.close(h);
    cache.put(path, all.toString());
    return all.toString();
  }

  /** Overwrites {@code path} from offset 0 with {@code data}. */
  public void write(String path, String data) {
    long h = server.open(name, path, 0);
    server.write(h, data);
    server.close(h);
    cache.remove(path);
  }

  public boolean caches(String path) {
    return cache.containsKey(path);
  }

  @Override
  public void invalidate(String path) {
    if (listening) cache.remove(path);
  }

  /** A sequential reader that survives a server restart: it remembers its position and reopens there. */
  public Reader reader(String path) {
    return new Reader(path);
  }

  public final class Reader {
    private final String path;
    private long position;
    private long handle;
    private int reopened;

    private Reader(String path) {
      this.path = path;
      this.handle = server.open(name, path, 0);
    }

    public String next(int length) {
      String data;
      try {
        data = server.read(handle, length);
      } catch (RpcException.RemoteException e) {
        if (!e.remoteType().endsWith("StaleHandleException")) throw e;
        handle = server.open(name, path, position);
        reopened++;
        data = server.read(handle, length);
      }
      position += data.length();
      return data;
    }

    public int reopened() {
      return reopened;
    }
  }
}
