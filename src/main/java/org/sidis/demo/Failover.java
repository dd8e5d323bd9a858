package org.sidis.demo;

import org.sidis.check.TraceEvent;
import org.sidis.check.TraceReader;
import org.sidis.trace.Events;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How long a total-order group took to recover from its sequencer's crash, read from the
 * survivors' traces (wall-clock {@code ts}, fine for display on one machine): detection — the
 * crash until a survivor's view no longer holds the victim; hand-over — until a survivor
 * adopted the new epoch; failover — until the first delivery after that adoption.
 */
public record Failover(long crashMicros, OptionalLong detectedMicros, OptionalLong epochMicros, OptionalLong firstDeliveryMicros) {

  public static Failover of(Path traceDir, String victim, long crashMicros) {
    long detected = Long.MAX_VALUE, delivery = Long.MAX_VALUE;
    Map<String, Long> adoptedAt = new HashMap<>(); // per survivor: its first new epoch after the crash
    // The reader keeps each file's lines in order, which is each node's local order.
    for (TraceEvent e : TraceReader.read(traceDir).events()) {
      if (e.node().equals(victim) || e.ts() < crashMicros) continue;
      switch (e.event()) {
        case Events.Group.VIEW -> {
          if (e.members() != null && !e.members().contains(victim)) detected = Math.min(detected, e.ts());
        }
        case Events.Group.EPOCH -> adoptedAt.putIfAbsent(e.node(), e.ts());
        case Events.Group.DELIVER -> {
          if (adoptedAt.containsKey(e.node())) delivery = Math.min(delivery, e.ts());
        }
        default -> { }
      }
    }
    long epoch = adoptedAt.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    return new Failover(crashMicros, opt(detected), opt(epoch), opt(delivery));
  }

  private static OptionalLong opt(long v) {
    return v == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(v);
  }

  public String describe(String victim) {
    return "failover: " + victim + " (the sequencer) killed with SIGKILL; view without it after " + ms(detectedMicros)
        + ", new epoch after " + ms(epochMicros) + ", first delivery in the new epoch after " + ms(firstDeliveryMicros);
  }

  private String ms(OptionalLong at) {
    return at.isPresent() ? String.format("%.0f ms", (at.getAsLong() - crashMicros) / 1000.0) : "never";
  }
}
