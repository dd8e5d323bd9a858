package org.sidis.mom;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queue manager's settings, read once from {@code sidis.mom} (conf/reference.conf).
 *
 * @param queues the queues declared at start, by name, with their durability
 * @param createOnDemand whether a command for an undeclared queue creates it or is refused; an
 *     on-demand queue is persistent when the node has a store (QueueManager), transient otherwise
 * @param transmission the durability of the transmission queues, where messages for other nodes' queues wait
 * @param groupBy for queues with message groups: the JSON field (dotted path) whose value is a message's group key
 * @param maxReplyBytes the most bytes one FETCH answer or dead-letter list carries (one message always fits)
 */
public record QueueSettings(Map<String, Durability> queues, boolean createOnDemand, Duration visibilityTimeout,
                            int maxDeliveries, int maxMessageBytes, Duration tick, int maxBatch, Durability transmission,
                            Map<String, String> groupBy, int maxReplyBytes) {

  /** Room left in a frame besides a reply's messages (Artery's own header, the reply's record). */
  static final int FRAME_MARGIN = 16 * 1024;

  public QueueSettings {
    if (visibilityTimeout == null || visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
      throw new IllegalArgumentException("sidis.mom.visibility-timeout must be positive, not " + visibilityTimeout);
    }
    if (tick == null || tick.isNegative() || tick.isZero()) throw new IllegalArgumentException("sidis.mom.tick must be positive, not " + tick);
    if (maxDeliveries < 1) throw new IllegalArgumentException("sidis.mom.max-deliveries must be at least 1, not " + maxDeliveries);
    if (maxBatch < 1) throw new IllegalArgumentException("sidis.mom.max-batch must be at least 1, not " + maxBatch);
    if (maxMessageBytes < 1) throw new IllegalArgumentException("sidis.mom.max-message-bytes must be positive, not " + maxMessageBytes);
    if (maxReplyBytes < 1024) throw new IllegalArgumentException("sidis.mom.max-reply-bytes must be at least 1KiB, not " + maxReplyBytes);
  }

  /**
   * Checks the byte limits against the transport's largest frame ({@code
   * akka.remote.artery.advanced.maximum-frame-size}): Artery drops a larger message with a log
   * line, so a reply or a message that cannot fit would be lost, and its deliveries counted for
   * nothing. One message with its envelope, and one reply, must fit with {@link #FRAME_MARGIN} to spare.
   */
  public void checkFrame(long frameBytes) {
    long room = frameBytes - FRAME_MARGIN - QueueCore.ENVELOPE_BYTES - MAX_QUEUE_NAME_BYTES;
    if (maxMessageBytes > room) {
      throw new IllegalArgumentException("sidis.mom.max-message-bytes = " + maxMessageBytes + " does not fit Artery's frame"
          + " (akka.remote.artery.advanced.maximum-frame-size = " + frameBytes + "): at most " + room);
    }
    if (maxReplyBytes > frameBytes - FRAME_MARGIN) {
      throw new IllegalArgumentException("sidis.mom.max-reply-bytes = " + maxReplyBytes + " does not fit Artery's frame"
          + " (akka.remote.artery.advanced.maximum-frame-size = " + frameBytes + "): at most " + (frameBytes - FRAME_MARGIN));
    }
  }

  /** The longest queue name (UTF-8 bytes) a command may carry: every delivery repeats it. */
  public static final int MAX_QUEUE_NAME_BYTES = 1024;

  /**
   * How queue {@code name} finds a message's group key: the value of its {@code group-by} field
   * (a payload that is not JSON, or lacks the field, has no group); null when it has no groups.
   */
  public java.util.function.Function<String, String> grouping(String name) {
    String field = groupBy.get(name);
    if (field == null) return null;
    return payload -> {
      try {
        com.fasterxml.jackson.databind.JsonNode v = BrokerRules.at(BrokerRules.JSON.readTree(payload), field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
      } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
        return null;
      }
    };
  }

  /** Transient queues live in memory; persistent ones store every message before acknowledging its PUT. */
  public enum Durability {
    TRANSIENT, PERSISTENT;

    static Durability parse(String s, String where) {
      return switch (s) {
        case "transient" -> TRANSIENT;
        case "persistent" -> PERSISTENT;
        default -> throw new IllegalArgumentException("durability [" + s + "] at " + where
            + " is neither transient nor persistent");
      };
    }
  }

  public static QueueSettings fromConfig(Config mom) {
    Map<String, Durability> queues = new LinkedHashMap<>();
    Map<String, String> groupBy = new LinkedHashMap<>();
    var list = mom.getConfigList("queues");
    for (int i = 0; i < list.size(); i++) {
      Config q = list.get(i);
      String where = "sidis.mom.queues[" + i + "]";
      if (!q.hasPath("name")) throw new IllegalArgumentException(where + " has no name");
      String name = q.getString("name");
      if (name.isBlank()) throw new IllegalArgumentException(where + " has a blank name");
      if (name.startsWith(Channel.TRANSMISSION_PREFIX)) {
        throw new IllegalArgumentException(where + " [" + name + "]: names starting with " + Channel.TRANSMISSION_PREFIX
            + " are the transmission queues' own");
      }
      queues.put(name, Durability.parse(q.hasPath("durability") ? q.getString("durability") : "transient", where));
      if (q.hasPath("group-by")) {
        if (q.getString("group-by").isBlank()) throw new IllegalArgumentException(where + " (name \"" + name + "\") has a blank group-by");
        groupBy.put(name, q.getString("group-by"));
      }
    }
    return new QueueSettings(queues, mom.getBoolean("create-on-demand"), mom.getDuration("visibility-timeout"),
        mom.getInt("max-deliveries"), (int) Math.min(Integer.MAX_VALUE, mom.getBytes("max-message-bytes")), mom.getDuration("tick"), mom.getInt("max-batch"),
        Durability.parse(mom.getString("transmission"), "sidis.mom.transmission"), groupBy,
        (int) Math.min(Integer.MAX_VALUE, mom.getBytes("max-reply-bytes")));
  }

  public static QueueSettings defaults() {
    return new QueueSettings(Map.of(), true, Duration.ofSeconds(30), 5, 200 * 1024, Duration.ofMillis(50), 500, Durability.TRANSIENT, Map.of(),
        192 * 1024);
  }

  public QueueSettings withQueue(String name, Durability durability) {
    Map<String, Durability> q = new LinkedHashMap<>(queues);
    q.put(name, durability);
    return new QueueSettings(q, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission, groupBy, maxReplyBytes);
  }

  /** Queue {@code name} with message groups keyed by JSON field {@code field}. */
  public QueueSettings withGroups(String name, Durability durability, String field) {
    Map<String, String> g = new LinkedHashMap<>(groupBy);
    g.put(name, field);
    QueueSettings s = withQueue(name, durability);
    return new QueueSettings(s.queues, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission, g, maxReplyBytes);
  }

  public QueueSettings withVisibility(Duration visibility, int maxDeliveries) {
    return new QueueSettings(queues, createOnDemand, visibility, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission, groupBy, maxReplyBytes);
  }

  public QueueSettings withTransmission(Durability durability) {
    return new QueueSettings(queues, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, durability, groupBy, maxReplyBytes);
  }

  public QueueSettings withMaxReplyBytes(int bytes) {
    return new QueueSettings(queues, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission, groupBy, bytes);
  }

  public QueueSettings withCreateOnDemand(boolean on) {
    return new QueueSettings(queues, on, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission, groupBy, maxReplyBytes);
  }
}
