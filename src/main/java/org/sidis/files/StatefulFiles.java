package org.sidis.files;

/**
 * A stateful file service (AFS/NFSv4 style): {@code open} creates a session on the server (the
 * file, the client, its position) and a callback promise — the server tells every client that
 * opened the file when someone else writes it, so their caches stay correct. Reads go on from
 * the session's position and the server prefetches the next block. A restart loses every
 * session: a handle from before it is answered with {@link StatefulFileServer.StaleHandleException}
 * and the client opens again at the position it remembers.
 */
public interface StatefulFiles {
  /** A session on {@code path} for {@code client}, starting at {@code position}. */
  long open(String client, String path, long position);

  /** Up to {@code length} characters from the session's position, which advances. */
  String read(long handle, int length);

  /** Writes at the session's position, which advances; other clients that opened the file are told. */
  void write(long handle, String data);

  void close(long handle);
}
