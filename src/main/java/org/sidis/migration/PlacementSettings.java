package org.sidis.migration;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of {@code sidis.migration.placement}, read once (conf/reference.conf documents
 * each): how often the actor's places report, and the placer's policies and pace.
 */
public record PlacementSettings(Duration reportEvery, List<PlacementPolicy> policies, Duration interval, Duration cooldown,
                                MoveMode mode, Duration moveTimeout, double extraLoad, int minHosts) {

  public PlacementSettings {
    if (reportEvery.isNegative()) throw new IllegalArgumentException("sidis.migration.placement.report-every must be >= 0, got " + reportEvery);
    if (policies.isEmpty()) throw new IllegalArgumentException("sidis.migration.placement.policies names no policy: expected some of load, locality");
    if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("sidis.migration.placement.interval must be > 0, got " + interval);
    if (cooldown.isNegative()) throw new IllegalArgumentException("sidis.migration.placement.cooldown must be >= 0, got " + cooldown);
    if (!(extraLoad >= 0)) throw new IllegalArgumentException("sidis.migration.placement.extra-load must be >= 0, got " + extraLoad);
    if (minHosts < 1) throw new IllegalArgumentException("sidis.migration.placement.min-hosts must be >= 1, got " + minHosts);
    policies = List.copyOf(policies);
  }

  public static PlacementSettings fromConfig(Config c) {
    List<PlacementPolicy> policies = new ArrayList<>();
    for (String p : c.getStringList("policies")) {
      try {
        policies.add(switch (p) {
          case "load" -> new PlacementPolicy.LoadBalancing(c.getDouble("min-load-gap"));
          case "locality" -> new PlacementPolicy.Locality(c.getDouble("min-share"), c.getLong("min-calls"));
          default -> throw new IllegalArgumentException("sidis.migration.placement.policies: unknown policy [" + p + "]: expected load, locality");
        });
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().startsWith("sidis.") ? e.getMessage() : "sidis.migration.placement: " + e.getMessage());
      }
    }
    return new PlacementSettings(c.getDuration("report-every"), policies, c.getDuration("interval"), c.getDuration("cooldown"),
        MoveMode.parse(c.getString("mode")), c.getDuration("move-timeout"),
        c.getDouble("extra-load"), c.getInt("min-hosts"));
  }
}
