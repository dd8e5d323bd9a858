package org.sidis.multicast;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * A group's tunables, read once from {@code sidis.multicast} (conf/reference.conf documents
 * each one).
 */
public record MulticastSettings(
    String group,
    Order order,
    int window,
    Duration statusInterval,
    int statusEvery,
    Duration nackDelay,
    int nackBatch,
    Duration departedFlushTimeout,
    int bundleMaxMessages,
    int bundleMaxBytes,
    int totalMinMembers,
    Overlay.Topology topology,
    int fanout) {

  public MulticastSettings {
    if (group == null || group.isBlank()) throw new IllegalArgumentException("group name must not be empty");
    if (window < 1) throw new IllegalArgumentException("multicast window must be at least 1, got [" + window + "]");
    if (statusEvery < 1) throw new IllegalArgumentException("status-every must be at least 1, got [" + statusEvery + "]");
    if (fanout < 1) throw new IllegalArgumentException("overlay fanout must be at least 1, got [" + fanout + "]");
    if (topology == null) throw new IllegalArgumentException("overlay topology must be direct, tree or mesh");
    if (totalMinMembers < 1) throw new IllegalArgumentException("total-min-members must be at least 1, got [" + totalMinMembers + "]");
    if (nackBatch < 1) throw new IllegalArgumentException("nack-batch must be at least 1, got [" + nackBatch + "]");
    if (bundleMaxMessages < 1) throw new IllegalArgumentException("bundle-max-messages must be at least 1");
    // Artery refuses frames over its maximum (256 KiB by default) and drops them with an error.
    if (bundleMaxBytes < 4096 || bundleMaxBytes > 192 * 1024)
      throw new IllegalArgumentException("bundle-max-bytes must be within 4 KiB..192 KiB (Artery's frame is 256 KiB), got [" + bundleMaxBytes + "]");
  }

  /** The largest payload one message may carry: one message must fit in one bundle. */
  public int maxPayloadBytes() {
    return bundleMaxBytes - 1024;
  }

  public static MulticastSettings fromConfig(Config multicast, String group, Order order) {
    return new MulticastSettings(
        group,
        order,
        multicast.getInt("window"),
        multicast.getDuration("status-interval"),
        multicast.getInt("status-every"),
        multicast.getDuration("nack-delay"),
        multicast.getInt("nack-batch"),
        multicast.getDuration("departed-flush-timeout"),
        multicast.getInt("bundle-max-messages"),
        (int) multicast.getBytes("bundle-max-bytes").longValue(),
        multicast.getInt("total-min-members"),
        Overlay.Topology.parse(multicast.getString("topology")),
        multicast.getInt("fanout"));
  }

  public MulticastSettings withOrder(Order o) {
    return new MulticastSettings(group, o, window, statusInterval, statusEvery, nackDelay, nackBatch,
        departedFlushTimeout, bundleMaxMessages, bundleMaxBytes, totalMinMembers, topology, fanout);
  }

  public MulticastSettings withGroup(String g) {
    return new MulticastSettings(g, order, window, statusInterval, statusEvery, nackDelay, nackBatch,
        departedFlushTimeout, bundleMaxMessages, bundleMaxBytes, totalMinMembers, topology, fanout);
  }

  public MulticastSettings withTopology(Overlay.Topology t, int k) {
    return new MulticastSettings(group, order, window, statusInterval, statusEvery, nackDelay, nackBatch,
        departedFlushTimeout, bundleMaxMessages, bundleMaxBytes, totalMinMembers, t, k);
  }

  public MulticastSettings withTotalMinMembers(int n) {
    return new MulticastSettings(group, order, window, statusInterval, statusEvery, nackDelay, nackBatch,
        departedFlushTimeout, bundleMaxMessages, bundleMaxBytes, n, topology, fanout);
  }

  /** Defaults for tests that build settings by hand. */
  public static MulticastSettings defaults(String group, Order order) {
    return new MulticastSettings(group, order, 5000, Duration.ofMillis(50), 256, Duration.ofMillis(100), 500,
        Duration.ofSeconds(2), 256, 128 * 1024, 1, Overlay.Topology.DIRECT, 2);
  }
}
