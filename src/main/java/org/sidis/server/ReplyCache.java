package org.sidis.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} results by request id: what lets a server answer a retransmitted
 * request without running it again (at-most-once execution for as long as the id is kept).
 */
final class ReplyCache {

  private final LinkedHashMap<String, ServerProtocol.Response> entries;

  ReplyCache(int capacity) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ServerProtocol.Response> eldest) {
        return size() > capacity;
      }
    };
  }

  ServerProtocol.Response get(String id) {
    return entries.get(id);
  }

  void put(String id, ServerProtocol.Response response) {
    entries.put(id, response);
  }
}
