package org.sidis.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The crash of {@code sidis demo queues} and {@code sidis demo log}. n1 runs a service that
 * keeps its state in an H2 store under the run directory; n2 (the producer) and n3 (the
 * consumers) are its clients, and n2 is the seed, as n1 goes away. Once the producer has had
 * {@link #KILL_AT} of its requests acknowledged, n1 is killed with SIGKILL and started again:
 * same name, same store, a fresh port (the dead one's may be held in TIME_WAIT). n1 traces only
 * its first incarnation — a second would start the node's gapless lseq again in the same file —
 * so the trace shows n1 as crashed, which it was; the clients keep the evidence.
 */
final class CrashRestart {

  /** n1 is killed once this share of the producer's requests is acknowledged. */
  static final double KILL_AT = 0.3;

  private final DemoRun run;
  private final Launcher launcher;
  private final String service;
  private final List<Integer> ports = Launcher.freePorts(4);
  private final String seeds;
  private final String store;
  private String note;
  private boolean restarted;
  /** With a nemesis, its faults replace this crash. */
  private final boolean enabled;

  /** Why {@code demo <demo>} cannot run with {@code options}, with n1 running {@code service}; null if it can. */
  static String refuse(String demo, String service, DemoOptions options) {
    if (options.nodes() != 3) {
      return "demo " + demo + " runs exactly 3 nodes (" + service + ", producer, consumers), got --nodes " + options.nodes();
    }
    if (options.messages() < 10) {
      return "demo " + demo + " needs --messages of at least 10, so that n1 is killed mid-run; got " + options.messages();
    }
    return null;
  }

  /** The crash of {@code run}, whose nodes {@code launcher} starts; n1 runs {@code service} (of {@code sidis.node.services}). */
  CrashRestart(DemoRun run, Launcher launcher, String service) {
    this.run = run;
    this.launcher = launcher;
    this.service = service;
    this.seeds = launcher.address("n2") + ":" + ports.get(1);
    this.enabled = !run.nemesis();
    this.store = run.runDir().resolve("store").resolve("n1").toAbsolutePath().toString();
  }

  /** Starts the producer's service on n2 and the consumers' on n3, each with {@code sets}, then n1. */
  void start(String producer, String consumers, List<String> sets) {
    String[] roles = {producer, consumers};
    for (int i = 0; i < 2; i++) {
      List<String> extra = new ArrayList<>(List.of("--set", "sidis.node.services=[" + roles[i] + "]"));
      extra.addAll(sets);
      launcher.start("n" + (i + 2), run.options().jvm(), run.nodeArgs(ports.get(i + 1), seeds, extra));
    }
    launcher.start("n1", run.options().jvm(), serviceArgs(ports.get(0), true));
  }

  private List<String> serviceArgs(int port, boolean traced) {
    return run.nodeArgs(port, seeds, List.of(
        "--set", "sidis.node.services=[" + service + "]",
        "--set", "sidis.trace.enabled=" + (traced ? "on" : "off"),
        "--set", "akka-persistence-jdbc.shared-databases.sidis.db.url=\"jdbc:h2:file:" + store + ";WRITE_DELAY=0\""));
  }

  /**
   * The launcher's tick: once n2 has had {@link #KILL_AT} of {@code total} {@code requests}
   * acknowledged, kills n1 ({@code role}) and restarts it, printing what was acknowledged and
   * {@code consumed}: given the acknowledged count and n3's delivered count at the kill, the
   * end of the SIGKILL line.
   */
  Runnable crash(String role, long total, String requests, BiFunction<Long, Long, String> consumed) {
    return () -> {
      if (!enabled) return;
      long acknowledged = launcher.nodes().get("n2").multicast;
      if (note != null || acknowledged < KILL_AT * total) return;
      long delivered = launcher.nodes().get("n3").delivered;
      launcher.kill("n1");
      note = "n1 (" + role + ") was killed with SIGKILL after " + acknowledged + " of " + total + " " + requests
          + " were acknowledged, and restarted";
      run.out().println("  SIGKILL n1, " + role + ", after " + acknowledged + " of " + total + " " + requests
          + " were acknowledged and " + consumed.apply(acknowledged, delivered));
      launcher.restart("n1", run.options().jvm(), serviceArgs(ports.get(3), false));
      restarted = true;
      run.out().println("  restarted n1: same name, same store, port " + ports.get(3));
    };
  }

  /** Whether n1 is back (or, with a nemesis, there is no crash of this kind to wait for). */
  boolean restarted() {
    return restarted || !enabled;
  }

  /**
   * Whether n1 was killed (or, with a nemesis, the nemesis has injected and healed a fault, which
   * stands in for it): the run is not done, nor passed, before.
   */
  boolean happened() {
    return note != null || (!enabled && missingFault(true, faultsHealed()) == null);
  }

  /**
   * Why a run cannot be judged yet: with a {@code nemesis}, none of its faults was injected and
   * healed ({@code faultsHealed} of them were). A workload that ended before the first fault
   * showed nothing about faults, yet was once judged passed (issue 17). Null when it can.
   */
  static String missingFault(boolean nemesis, int faultsHealed) {
    return nemesis && faultsHealed == 0 ? "no fault was injected: the workload ended first" : null;
  }

  /** Whether the run may end: with a nemesis, once a fault was injected and healed; without one, at once. */
  boolean mayEnd() {
    return enabled || happened();
  }

  private int faultsHealed() {
    Nemesis n = launcher.nemesis();
    return n == null ? 0 : n.injected().size();
  }

  /** The end of a status line: whether n1 is down or back. */
  String status() {
    return launcher.killed().contains("n1") ? " · n1 killed" : restarted ? " · n1 restarted" : "";
  }

  /** The summary's line about the crash. */
  String note() {
    if (!enabled) {
      String missing = missingFault(true, faultsHealed());
      return "n1 was not killed by the demo: the nemesis's faults (faults.ndjson) replace that crash"
          + (missing == null ? "" : "; " + missing);
    }
    return note != null ? note : "n1 was not killed: the run ended first";
  }
}
