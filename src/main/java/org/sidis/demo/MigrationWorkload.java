package org.sidis.demo;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import org.sidis.migration.MigrationClient;
import org.sidis.migration.MigrationProtocol.MoveOutcome;
import org.sidis.migration.MigrationSettings;
import org.sidis.migration.MoveMode;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client of {@code sidis demo migration}: one thread calls the moving actor by name without
 * pause and checks that each value is one above the last (one client, so nothing else counts);
 * another moves the actor between n1 and n2 {@code moves} times and reports each move
 * ({@code moving}, then {@code moved} with its downtime and total), for the launcher.
 */
public final class MigrationWorkload {

  private MigrationWorkload() {}

  public static void start(ActorSystem<?> system, String node, Config config) {
    Config demo = config.getConfig("sidis.demo.migration");
    MigrationSettings settings = MigrationSettings.fromConfig(config.getConfig("sidis.migration"));
    int moves = demo.getInt("moves");
    MoveMode mode = MoveMode.parse(demo.getString("mode"));
    Duration between = demo.getDuration("between-moves");
    int callsAfter = demo.getInt("calls-after");
    Duration timeout = demo.getDuration("call-timeout");
    MigrationClient client = new MigrationClient(system, node, settings);
    AtomicLong calls = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong maxWaitUs = new AtomicLong();
    AtomicBoolean moving = new AtomicBoolean(true);
    AtomicLong afterMoves = new AtomicLong(-1);
    Threads.daemon("migration-caller", () -> {
      long last = 0;
      long lastReport = System.nanoTime();
      while (afterMoves.get() < 0 || ok.get() < afterMoves.get() + callsAfter) {
        calls.incrementAndGet();
        long t0 = System.nanoTime();
        try {
          long v = client.call(timeout);
          if (v != last + 1) {
            failed.incrementAndGet();
            System.err.println("call " + calls.get() + " returned " + v + " after " + last + ": lost or applied twice");
          } else {
            ok.incrementAndGet();
          }
          last = v;
          if (calls.get() == 1) Progress.print("started", Map.of("node", node));
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          System.err.println("call " + calls.get() + " failed: " + e.getMessage());
        }
        // the first call waits for the cluster and the Receptionist, not for a move
        if (calls.get() > 1) maxWaitUs.accumulateAndGet((System.nanoTime() - t0) / 1000, Math::max);
        if (System.nanoTime() - lastReport > 500_000_000L) {
          lastReport = System.nanoTime();
          Progress.print("progress", Map.of("node", node, "multicast", calls.get(), "delivered", ok.get(), "failed", failed.get()));
        }
      }
      while (moving.get()) Threads.sleep(50);
      Progress.print("done", Map.of("node", node, "multicast", calls.get(), "delivered", ok.get(), "failed", failed.get(),
          "max_wait_ms", maxWaitUs.get() / 1000.0));
    });
    Threads.daemon("migration-mover", () -> {
      while (ok.get() < 20) Threads.sleep(50); // the actor answers: the cluster is up
      int moved = 0;
      int aborted = 0;
      for (int k = 1; k <= moves; k++) {
        String to = k % 2 == 1 ? "n2" : settings.home();
        Progress.print("moving", Map.of("node", node, "move", k, "to", to, "mode", mode.word()));
        Map<String, Object> report = new LinkedHashMap<>(Map.of("node", node, "move", k, "to", to));
        try {
          MoveOutcome o = client.move(to, mode, timeout);
          report.putAll(Map.of("moved", o.moved(), "from", o.from(), "downtime_ms", o.downtimeMs(), "total_ms", o.totalMs(),
              "rounds", o.rounds(), "pages", o.pagesSent(), "held", o.held(), "reason", o.reason() == null ? "" : o.reason()));
          if (o.moved()) moved++;
          else aborted++;
        } catch (RuntimeException e) {
          aborted++;
          report.putAll(Map.of("moved", false, "reason", "no outcome: " + e.getMessage()));
        }
        Progress.print("moved", report);
        Threads.sleep(between.toMillis());
      }
      afterMoves.set(ok.get());
      Progress.print("progress", Map.of("node", node, "multicast", calls.get(), "delivered", ok.get(), "failed", failed.get(),
          "moves_done", moved, "moves_aborted", aborted));
      moving.set(false);
    });
  }
}
