package org.sidis.mom;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's and topics' settings, read once from {@code sidis.mom} (conf/reference.conf):
 * the routing rules ({@code broker.rules}), the topics declared at start ({@code topics}) and the
 * network gateway ({@code gateway}).
 *
 * @param rules the broker's rules (may be empty: {@code Send} is then refused)
 * @param topics topics opened at start, by name
 * @param timeout how long the broker or a topic waits for a destination to store a message
 * @param gateway the HTTP gateway
 */
public record BrokerSettings(BrokerRules rules, Map<String, TopicDeclaration> topics, Duration timeout, Gateway.Settings gateway) {

  /**
   * A topic declared in config: its durability (that of its durable subscriptions' queues) and
   * durable subscriptions that exist from the start, so messages are kept for subscribers that
   * have never connected yet and across a restart of the topic's node.
   */
  public record TopicDeclaration(QueueSettings.Durability durability, List<String> subscriptions) {}

  public static BrokerSettings fromConfig(Config mom) {
    BrokerRules rules = BrokerRules.fromConfig(mom.atPath("sidis.mom"), "sidis.mom.broker");
    Map<String, TopicDeclaration> topics = new LinkedHashMap<>();
    var list = mom.getConfigList("topics");
    for (int i = 0; i < list.size(); i++) {
      Config t = list.get(i);
      String where = "sidis.mom.topics[" + i + "]";
      if (!t.hasPath("name") || t.getString("name").isBlank()) throw new IllegalArgumentException(where + " has no name");
      String name = t.getString("name");
      if (name.contains("/") || name.contains("@")) {
        throw new IllegalArgumentException(where + " (name \"" + name + "\"): a topic name may not contain '/' or '@'");
      }
      QueueSettings.Durability d = QueueSettings.Durability.parse(t.hasPath("durability") ? t.getString("durability") : "transient", where);
      topics.put(name, new TopicDeclaration(d, t.hasPath("subscriptions") ? t.getStringList("subscriptions") : List.of()));
    }
    return new BrokerSettings(rules, topics, mom.getDuration("broker.timeout"), Gateway.Settings.fromConfig(mom.getConfig("gateway")));
  }

  /** No rules, no declared topics, gateway off. */
  public static BrokerSettings none() {
    return new BrokerSettings(new BrokerRules(List.of(), java.util.Optional.empty()), Map.of(), Duration.ofSeconds(10), Gateway.Settings.off());
  }

  public BrokerSettings withRules(BrokerRules r) {
    return new BrokerSettings(r, topics, timeout, gateway);
  }

  public BrokerSettings withTopic(String name, QueueSettings.Durability durability, List<String> subscriptions) {
    Map<String, TopicDeclaration> t = new LinkedHashMap<>(topics);
    t.put(name, new TopicDeclaration(durability, subscriptions));
    return new BrokerSettings(rules, t, timeout, gateway);
  }
}
