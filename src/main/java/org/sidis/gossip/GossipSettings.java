package org.sidis.gossip;

import com.typesafe.config.Config;

import java.time.Duration;

/** A gossip store's tunables, read once from {@code sidis.gossip} (conf/reference.conf documents each one). */
public record GossipSettings(
    String group,
    Mode mode,
    Duration interval,
    Duration backupInterval,
    int maxMessageBytes,
    int maxKeyBytes,
    int maxValueBytes,
    Rumor rumor,
    Flood flood,
    Certificates certificates,
    int stateEntries) {

  /** When a rumor monger loses interest in a rumor (Demers et al. 1987, §1.4). */
  public enum Stop { COIN, COUNTER }

  /**
   * @param pStop    coin: the probability of losing interest each time the rule applies (1/k)
   * @param counter  counter: how many times the rule applies before interest is lost (k)
   * @param feedback on: the rule applies when the peer already knew the rumor; off (blind):
   *                 after every push
   */
  public record Rumor(Stop stop, double pStop, int counter, boolean feedback) {
    public Rumor {
      if (pStop <= 0 || pStop > 1) throw new IllegalArgumentException("rumor p-stop must be in (0, 1], got [" + pStop + "]");
      if (counter < 1) throw new IllegalArgumentException("rumor counter must be at least 1, got [" + counter + "]");
    }

    /** Demers' k for this stop rule. */
    public double k() {
      return stop == Stop.COIN ? 1.0 / pStop : counter;
    }
  }

  public record Flood(Overlay overlay, int degree, String hub, long seed) {
    public Flood {
      if (degree < 2) throw new IllegalArgumentException("flood degree must be at least 2, got [" + degree + "]");
    }
  }

  public record Certificates(Duration retention, Duration dormantRetention, int keepers, Duration sweepInterval) {
    public Certificates {
      if (retention.isNegative()) throw new IllegalArgumentException("certificate retention must not be negative");
      if (dormantRetention.compareTo(retention) < 0)
        throw new IllegalArgumentException("dormant-retention (" + dormantRetention + ") must not be shorter than retention (" + retention + ")");
      if (keepers < 0) throw new IllegalArgumentException("certificate keepers must not be negative, got [" + keepers + "]");
    }
  }

  public GossipSettings {
    if (group == null || group.isBlank()) throw new IllegalArgumentException("gossip group must not be empty");
    if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("gossip interval must be positive");
    if (backupInterval.isNegative()) throw new IllegalArgumentException("gossip backup-interval must not be negative");
    if (maxMessageBytes < 4096 || maxMessageBytes > 192 * 1024)
      throw new IllegalArgumentException("max-message-bytes must be within 4 KiB..192 KiB (Artery's frame is 256 KiB), got [" + maxMessageBytes + "]");
    if (maxKeyBytes < 1 || maxValueBytes < 0 || maxKeyBytes + maxValueBytes > maxMessageBytes - 1024)
      throw new IllegalArgumentException("max-key-bytes + max-value-bytes must fit in one message (max-message-bytes less 1 KiB)");
  }

  public static GossipSettings fromConfig(Config g) {
    Config r = g.getConfig("rumor");
    Config f = g.getConfig("flood");
    Config c = g.getConfig("certificates");
    return new GossipSettings(
        g.getString("group"),
        Mode.parse(g.getString("mode")),
        g.getDuration("interval"),
        g.getDuration("backup-interval"),
        (int) g.getBytes("max-message-bytes").longValue(),
        (int) g.getBytes("max-key-bytes").longValue(),
        (int) g.getBytes("max-value-bytes").longValue(),
        new Rumor(Stop.valueOf(r.getString("stop").toUpperCase(java.util.Locale.ROOT)), r.getDouble("p-stop"),
            r.getInt("counter"), r.getBoolean("feedback")),
        new Flood(Overlay.parse(f.getString("overlay")), f.getInt("degree"), f.getString("hub"), f.getLong("seed")),
        new Certificates(c.getDuration("retention"), c.getDuration("dormant-retention"), c.getInt("keepers"),
            c.getDuration("sweep-interval")),
        g.getInt("state-entries"));
  }

  /** Defaults for tests that build settings by hand. */
  public static GossipSettings defaults(String group, Mode mode) {
    return new GossipSettings(group, mode, Duration.ofMillis(200), Duration.ZERO, 128 * 1024, 256, 16 * 1024,
        new Rumor(Stop.COIN, 0.5, 2, true), new Flood(Overlay.RANDOM, 4, "", 1),
        new Certificates(Duration.ofSeconds(60), Duration.ofMinutes(10), 2, Duration.ofSeconds(1)), 10_000);
  }

  public GossipSettings withMode(Mode m) {
    return new GossipSettings(group, m, interval, backupInterval, maxMessageBytes, maxKeyBytes, maxValueBytes, rumor, flood,
        certificates, stateEntries);
  }

  public GossipSettings withRumor(Rumor r) {
    return new GossipSettings(group, mode, interval, backupInterval, maxMessageBytes, maxKeyBytes, maxValueBytes, r, flood,
        certificates, stateEntries);
  }

  public GossipSettings withFlood(Flood f) {
    return new GossipSettings(group, mode, interval, backupInterval, maxMessageBytes, maxKeyBytes, maxValueBytes, rumor, f,
        certificates, stateEntries);
  }

  public GossipSettings withCertificates(Certificates c) {
    return new GossipSettings(group, mode, interval, backupInterval, maxMessageBytes, maxKeyBytes, maxValueBytes, rumor, flood,
        c, stateEntries);
  }

  public GossipSettings withIntervals(Duration round, Duration backup) {
    return new GossipSettings(group, mode, round, backup, maxMessageBytes, maxKeyBytes, maxValueBytes, rumor, flood,
        certificates, stateEntries);
  }
}
