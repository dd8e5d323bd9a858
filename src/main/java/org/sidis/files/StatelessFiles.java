package org.sidis.files;

import org.sidis.rpc.Idempotent;

/**
 * A stateless file service (NFSv3 style): every request names the file and the offset, the
 * server remembers nothing between requests — each is open, read or write, close — so every
 * operation is idempotent, a restart loses nothing, and a stub may retry anything.
 */
public interface StatelessFiles {
  @Idempotent
  String read(String path, long offset, int length);

  @Idempotent
  void write(String path, long offset, String data);

  /** -1 when there is no such file. */
  @Idempotent
  long size(String path);
}
