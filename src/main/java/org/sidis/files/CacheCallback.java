package org.sidis.files;

import org.sidis.rpc.OneWay;

/** What a caching client serves so that a stateful file server can invalidate its cache. */
public interface CacheCallback {
  /** The service name a client's callback registers under. */
  static String serviceName(String client) {
    return "files-cache-" + client;
  }

  @OneWay
  void invalidate(String path);
}
