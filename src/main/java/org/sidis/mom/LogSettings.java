package org.sidis.mom;

import com.typesafe.config.Config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event log's settings, read once from {@code sidis.mom.log} (conf/reference.conf).
 *
 * @param topics         the topics the log manager opens at start, by name, with their partition count
 * @param maxRecordBytes the largest record value (UTF-8 bytes); a larger append is refused
 * @param maxReadRecords the most records one read returns, whatever it asks for
 * @param maxBatch       the most appends journaled in one write (1: one write per append)
 */
public record LogSettings(Map<String, Integer> topics, int maxRecordBytes, int maxReadRecords, int maxBatch) {

  public LogSettings {
    topics = Map.copyOf(topics);
    if (maxRecordBytes < 1) throw new IllegalArgumentException("sidis.mom.log.max-record-bytes must be positive, got " + maxRecordBytes);
    if (maxReadRecords < 1) throw new IllegalArgumentException("sidis.mom.log.max-read-records must be positive, got " + maxReadRecords);
    if (maxBatch < 1) throw new IllegalArgumentException("sidis.mom.log.max-batch must be positive, got " + maxBatch);
  }

  public static LogSettings fromConfig(Config log) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    var list = log.getConfigList("topics");
    for (int i = 0; i < list.size(); i++) {
      Config t = list.get(i);
      String where = "sidis.mom.log.topics[" + i + "]";
      if (!t.hasPath("name") || t.getString("name").isBlank()) throw new IllegalArgumentException(where + " has no name");
      int partitions = t.hasPath("partitions") ? t.getInt("partitions") : 1;
      if (partitions < 1) throw new IllegalArgumentException(where + " (" + t.getString("name") + ") needs at least 1 partition, got " + partitions);
      if (topics.put(t.getString("name"), partitions) != null) {
        throw new IllegalArgumentException(where + " declares topic [" + t.getString("name") + "] a second time");
      }
    }
    return new LogSettings(topics, (int) log.getBytes("max-record-bytes").longValue(), log.getInt("max-read-records"),
        log.getInt("max-batch"));
  }

  public static LogSettings defaults() {
    return new LogSettings(Map.of(), 200 * 1024, 500, 500);
  }

  public LogSettings withTopic(String name, int partitions) {
    Map<String, Integer> t = new LinkedHashMap<>(topics);
    t.put(name, partitions);
    return new LogSettings(t, maxRecordBytes, maxReadRecords, maxBatch);
  }

  public LogSettings withMaxRecordBytes(int bytes) {
    return new LogSettings(topics, bytes, maxReadRecords, maxBatch);
  }

  public LogSettings withMaxBatch(int appends) {
    return new LogSettings(topics, maxRecordBytes, maxReadRecords, appends);
  }
}
