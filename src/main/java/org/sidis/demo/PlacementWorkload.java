package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import org.sidis.migration.MigrationClient;
import org.sidis.migration.MigrationSettings;
import org.sidis.migration.Placement;
import org.sidis.migration.Placer;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client of {@code sidis demo placement}: one thread calls the moving actor by name without
 * pause and checks that each value is one above the last; an actor subscribed to the placer
 * reports each move it decides ({@code moving}) and how it ended ({@code moved}), for the launcher.
 * The client reports done {@code calls-after} calls after the first move the placer completed,
 * or after {@code wait-for-move} without one.
 */
public final class PlacementWorkload {

  private PlacementWorkload() {}

  public static void start(ActorContext<Void> ctx, String node, Config config) {
    Config demo = config.getConfig("sidis.demo.placement");
    MigrationSettings settings = MigrationSettings.fromConfig(config.getConfig("sidis.migration"));
    int callsAfter = demo.getInt("calls-after");
    Duration waitForMove = demo.getDuration("wait-for-move");
    Duration timeout = demo.getDuration("call-timeout");
    AtomicLong placedAt = new AtomicLong(-1); // the client's ok count when the first placed move ended
    AtomicLong ok = new AtomicLong();
    ctx.spawn(watcher(node, ok, placedAt), "placement-watcher");
    MigrationClient client = new MigrationClient(ctx.getSystem(), node, settings);
    Threads.daemon("placement-caller", () -> {
      long calls = 0;
      long failed = 0;
      long last = 0;
      long maxWaitUs = 0;
      long lastReport = System.nanoTime();
      long giveUp = Long.MAX_VALUE;
      while (placedAt.get() < 0 ? System.nanoTime() < giveUp : ok.get() < placedAt.get() + callsAfter) {
        calls++;
        long t0 = System.nanoTime();
        try {
          long v = client.call(timeout);
          if (v != last + 1) {
            failed++;
            System.err.println("call " + calls + " returned " + v + " after " + last + ": lost or applied twice");
          } else {
            ok.incrementAndGet();
          }
          last = v;
          if (calls == 1) {
            giveUp = System.nanoTime() + waitForMove.toNanos();
            Progress.print("started", Map.of("node", node));
          }
        } catch (RuntimeException e) {
          failed++;
          System.err.println("call " + calls + " failed: " + e.getMessage());
        }
        // the first call waits for the cluster and the Receptionist, not for a move
        if (calls > 1) maxWaitUs = Math.max(maxWaitUs, (System.nanoTime() - t0) / 1000);
        if (System.nanoTime() - lastReport > 500_000_000L) {
          lastReport = System.nanoTime();
          Progress.print("progress", Map.of("node", node, "multicast", calls, "delivered", ok.get(), "failed", failed));
        }
      }
      Progress.print("done", Map.of("node", node, "multicast", calls, "delivered", ok.get(), "failed", failed,
          "max_wait_ms", maxWaitUs / 1000.0, "placed", placedAt.get() >= 0));
    });
  }

  /** Subscribes to every placer the Receptionist lists and reports what they decide. */
  private static Behavior<Object> watcher(String node, AtomicLong ok, AtomicLong placedAt) {
    return Behaviors.setup(c -> {
      c.getSystem().receptionist().tell(Receptionist.subscribe(Placer.KEY, c.getSelf().narrow()));
      Set<ActorRef<Placer.Command>> subscribed = new HashSet<>();
      return Behaviors.receive(Object.class)
          .onMessage(Receptionist.Listing.class, l -> {
            for (ActorRef<Placer.Command> p : l.getServiceInstances(Placer.KEY)) {
              if (subscribed.add(p)) p.tell(new Placer.Subscribe(c.getSelf().narrow()));
            }
            return Behaviors.same();
          })
          .onMessage(Placer.Decided.class, d -> {
            Placement p = d.placement();
            Map<String, Object> report = new LinkedHashMap<>(Map.of("node", node, "actor", p.actor(), "from", p.from(), "to", p.to(),
                "policy", p.reason().word(), "reason", p.detail() == null ? "" : p.detail()));
            if (d.outcome() == null) {
              Progress.print("moving", report);
            } else {
              report.putAll(Map.of("moved", d.outcome().moved(), "move", d.outcome().move(), "downtime_ms", d.outcome().downtimeMs(),
                  "total_ms", d.outcome().totalMs(), "why_not", d.outcome().reason() == null ? "" : d.outcome().reason()));
              if (d.outcome().moved()) placedAt.compareAndSet(-1, ok.get());
              Progress.print("moved", report);
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
