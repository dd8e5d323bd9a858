package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One run of a demo: where it prints, its run directory, the copy of its settings there, how long
 * it may take, and its options. The helpers here are what every demo does the same way: start
 * nodes that join one cluster on loopback, and write the verdict next to the traces.
 */
public record DemoRun(PrintStream out, Path runDir, Path conf, Duration limit, DemoOptions options) {

  /**
   * How long nodes may take to start and join before their workloads run. 90 s was not enough
   * on this 2-core machine at a load average of 36 (seven builds at once): JVMs took 60 s to
   * start and three nodes 90 s to join, on loopback and netns hosts alike.
   */
  static final Duration STARTUP = Duration.ofSeconds(180);

  /**
   * Starts nodes {@code n1 … n<count>} on free ports, seeded by n1, with the run's settings file
   * and trace directory; {@code extra} gives node i (0-based) its own arguments, and the
   * command line's {@code --set}s come last so that they win.
   */
  void startNodes(Launcher launcher, int count, IntFunction<List<String>> extra) {
    List<Integer> ports = Launcher.freePorts(count);
    String seeds = launcher.address("n1") + ":" + ports.get(0);
    for (int i = 0; i < count; i++) launcher.start("n" + (i + 1), options.jvm(), nodeArgs(ports.get(i), seeds, extra.apply(i)));
  }

  /**
   * The launcher of this run: its nodes on the hosts the options name (made here: for netns,
   * the bridge; the launcher removes them when closed), with the options' nemesis.
   */
  Launcher launcher() {
    Hosts hosts = options.hosts() == Hosts.Kind.NETNS ? new Netns(out) : Hosts.loopback();
    return new Launcher(runDir, out, hosts, options.nemesis(), options.seed());
  }

  /** Whether the run has a nemesis, which then replaces the demo's own crash. */
  boolean nemesis() {
    return options.nemesis() != null;
  }

  /**
   * The arguments of a node on {@code port} that joins {@code seeds}: the run's settings file
   * and trace directory, the cluster's TLS keys if the run has them, then {@code extra}, then the command line's {@code --set}s so that
   * they win.
   */
  List<String> nodeArgs(int port, String seeds, List<String> extra) {
    List<String> args = new ArrayList<>(List.of(
        "--port", String.valueOf(port), "--seeds", seeds,
        "--config", conf.toString(), "--trace-dir", runDir.resolve("trace").toString()));
    if (options.tls() != null) args.addAll(List.of("--tls", options.tls().toAbsolutePath().toString()));
    args.addAll(extra);
    options.settings().forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    return args;
  }

  /** Field {@code name} of the last report of node {@code s}, or {@code ?}. */
  static String field(Launcher.NodeState s, String name) {
    JsonNode last = s == null ? null : s.last;
    return last == null || !last.has(name) ? "?" : last.path(name).asText();
  }

  /** Prints the verdict line and writes {@code body} and the verdict to {@code verdict.txt}. */
  int verdict(String body, boolean passed, String where) {
    String verdict = passed ? "PASSED" : "FAILED";
    out.println("verdict: " + verdict + " — " + where + " " + runDir);
    try {
      Files.writeString(runDir.resolve("verdict.txt"), body + (body.isEmpty() || body.endsWith("\n") ? "" : "\n")
          + "verdict: " + verdict + "\n");
    } catch (IOException e) {
      System.err.println("warning: cannot write " + runDir.resolve("verdict.txt") + ": " + e.getMessage());
    }
    return passed ? 0 : 1;
  }
}
