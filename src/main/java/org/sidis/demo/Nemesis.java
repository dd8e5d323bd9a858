package org.sidis.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Injects faults into a running demo, as Jepsen's nemesis does: the first {@code every} after
 * the workload started, then every {@code every}, it takes the next fault of a
 * {@link FaultSchedule}, holds it for {@code for} and heals it — a partition's DROP rules
 * removed, a paused JVM continued (SIGCONT), a killed node started again under the same name.
 * Each fault is one JSON line of {@code faults.ndjson} in the run directory, written when it is
 * healed: {@code start_ts} and {@code end_ts} (microseconds since the epoch, as trace
 * {@code ts}), {@code kind}, {@code shape} (partitions), {@code nodes} and {@code sides}.
 */
public final class Nemesis {

  /**
   * What the command line asked for: {@code mode}, a fault every {@code every} lasting
   * {@code duration}, at most {@code maxFaults} of them (0: no limit).
   */
  public record Plan(FaultSchedule.Mode mode, Duration every, Duration duration, int maxFaults) {
    public Plan {
      if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("--nemesis-every must be positive, got " + every);
      if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("--nemesis-for must be positive, got " + duration);
      if (maxFaults < 0) throw new IllegalArgumentException("the number of faults must not be negative, got " + maxFaults);
    }

    public String describe() {
      return mode.label() + " every " + every.toSeconds() + "s for " + duration.toSeconds() + "s"
          + (maxFaults > 0 ? ", " + maxFaults + " fault" + (maxFaults == 1 ? "" : "s") : "");
    }
  }

  /** One fault as it happened: what, and when (microseconds since the epoch). */
  public record Injected(FaultSchedule.Fault fault, long startMicros, long endMicros) { }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Plan plan;
  private final FaultSchedule schedule;
  private final Launcher launcher;
  private final PrintStream out;
  private final Path file;
  private final List<Injected> injected = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean stopped;

  Nemesis(Plan plan, long seed, Launcher launcher, List<String> nodes, PrintStream out, Path file) {
    this.plan = plan;
    this.schedule = new FaultSchedule(seed, plan.mode(), nodes, "n1", launcher.hosts().canPartition());
    this.launcher = launcher;
    this.out = out;
    this.file = file;
    this.thread = new Thread(this::loop, "sidis-nemesis");
    this.thread.setDaemon(true);
  }

  void start() {
    out.println("  nemesis: " + plan.describe() + "; faults go to " + file);
    thread.start();
  }

  /** The faults healed so far. */
  public List<Injected> injected() {
    return List.copyOf(injected);
  }

  /** Ends the current fault (healed, recorded) and injects no more; waits for the nemesis to finish. */
  void stop() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True from a fault's injection until it is healed. */
  private volatile boolean active;

  /** Whether a fault is in force now (injected and not yet healed). */
  boolean active() {
    return active;
  }

  private void loop() {
    long next = System.nanoTime() + plan.every().toNanos();
    for (int i = 0; plan.maxFaults() == 0 || i < plan.maxFaults(); i++) {
      if (!sleepUntil(next)) return;
      long began = System.nanoTime();
      FaultSchedule.Fault fault = schedule.next();
      long start = micros();
      active = true;
      try {
        inject(fault);
      } catch (RuntimeException e) {
        launcher.problems().add("nemesis could not inject " + fault.describe() + ": " + e.getMessage());
        heal(fault);
        active = false;
        return;
      }
      out.println("  nemesis: " + fault.describe() + " for " + plan.duration().toSeconds() + "s");
      sleepUntil(began + plan.duration().toNanos());
      heal(fault);
      active = false;
      // The end from the monotonic clock: the wall clock may be slewed while we sleep, and a
      // fault held for --nemesis-for must never be recorded as shorter.
      Injected done = new Injected(fault, start, start + (System.nanoTime() - began) / 1_000);
      injected.add(done);
      record(done);
      out.println("  nemesis: healed " + fault.describe());
      next = Math.max(began + plan.every().toNanos(), System.nanoTime());
    }
  }

  private void inject(FaultSchedule.Fault fault) {
    switch (fault.kind()) {
      case PARTITION -> launcher.hosts().cut(fault.sides().get(0), fault.sides().get(1));
      case PAUSE -> launcher.pause(fault.nodes().get(0));
      case KILL -> launcher.kill(fault.nodes().get(0));
    }
  }

  private void heal(FaultSchedule.Fault fault) {
    try {
      switch (fault.kind()) {
        case PARTITION -> launcher.hosts().healAll();
        case PAUSE -> launcher.resume(fault.nodes().get(0));
        case KILL -> {
          // At the end of the run the launcher stops every node anyway: nothing to bring back.
          if (!stopped) launcher.restartFresh(fault.nodes().get(0), "killed by the nemesis");
        }
      }
    } catch (RuntimeException e) {
      launcher.problems().add("nemesis could not heal " + fault.describe() + ": " + e.getMessage());
    }
  }

  /** Sleeps until {@code deadline} (System.nanoTime); false when stopped first. */
  private boolean sleepUntil(long deadline) {
    while (!stopped) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return true;
      try {
        Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 250)));
      } catch (InterruptedException e) {
        if (stopped) return false;
      }
    }
    return false;
  }

  private void record(Injected i) {
    try {
      Files.writeString(file, line(i) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      launcher.problems().add("cannot write " + file + ": " + e.getMessage());
    }
  }

  /** The fault's line of {@code faults.ndjson}. */
  static String line(Injected i) {
    ObjectNode o = JSON.createObjectNode();
    o.put("start_ts", i.startMicros());
    o.put("end_ts", i.endMicros());
    o.put("kind", i.fault().kind().label());
    if (i.fault().shape() != null) o.put("shape", i.fault().shape().label());
    ArrayNode nodes = o.putArray("nodes");
    i.fault().nodes().forEach(nodes::add);
    if (!i.fault().sides().isEmpty()) {
      ArrayNode sides = o.putArray("sides");
      for (List<String> side : i.fault().sides()) {
        ArrayNode s = sides.addArray();
        side.forEach(s::add);
      }
    }
    o.put("description", i.fault().describe());
    try {
      return JSON.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a fault that Jackson cannot write: " + i, e);
    }
  }

  private static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
