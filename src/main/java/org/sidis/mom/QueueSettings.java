package org.sidis.mom;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queue manager's settings, read once from {@code sidis.mom} (conf/application.conf).
 *
 * @param queues the queues declared at start, by name, with their durability
 * @param createOnDemand whether a PUT to an undeclared queue creates it (transient) or is refused
 * @param transmission the durability of the transmission queues, where messages for other nodes' queues wait
 */
public record QueueSettings(Map<String, Durability> queues, boolean createOnDemand, Duration visibilityTimeout,
                            int maxDeliveries, int maxMessageBytes, Duration tick, int maxBatch, Durability transmission) {

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
    }
    return new QueueSettings(queues, mom.getBoolean("create-on-demand"), mom.getDuration("visibility-timeout"),
        mom.getInt("max-deliveries"), (int) mom.getBytes("max-message-bytes").longValue(), mom.getDuration("tick"), mom.getInt("max-batch"),
        Durability.parse(mom.getString("transmission"), "sidis.mom.transmission"));
  }

  public static QueueSettings defaults() {
    return new QueueSettings(Map.of(), true, Duration.ofSeconds(30), 5, 256 * 1024, Duration.ofMillis(50), 500, Durability.TRANSIENT);
  }

  public QueueSettings withQueue(String name, Durability durability) {
    Map<String, Durability> q = new LinkedHashMap<>(queues);
    q.put(name, durability);
    return new QueueSettings(q, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission);
  }

  public QueueSettings withVisibility(Duration visibility, int maxDeliveries) {
    return new QueueSettings(queues, createOnDemand, visibility, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission);
  }

  public QueueSettings withTransmission(Durability durability) {
    return new QueueSettings(queues, createOnDemand, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, durability);
  }

  public QueueSettings withCreateOnDemand(boolean on) {
    return new QueueSettings(queues, on, visibilityTimeout, maxDeliveries, maxMessageBytes, tick, maxBatch, transmission);
  }
}
