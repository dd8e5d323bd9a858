package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sidis.wire.Progress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Starts N child JVMs, each a {@code sidis node}, on free ports of its {@link Hosts} (loopback,
 * or a network namespace each), and follows them through the {@code @sidis} lines they print:
 * members up, workload started, progress, done. With a {@link Nemesis} it injects faults once a
 * workload has started. A node that exits because the cluster downed it (exit code 255: Akka's
 * coordinated shutdown for a {@code ClusterDowningReason}, as the Split Brain Resolver decides)
 * is started again under the same name with a fresh incarnation, as systemd or Kubernetes
 * would; the resolver's decisions, from the nodes' logs, are printed and kept in
 * {@code resolver.ndjson}.
 * It never leaves a child behind: children are stopped with SIGTERM (coordinated shutdown,
 * so each leaves the cluster and writes its trace's stop line) and, if they linger, killed; a
 * JVM shutdown hook does the same on Ctrl-C; and each child watches its standard input, so
 * even a SIGKILLed launcher takes its children down with it.
 */
public final class Launcher implements AutoCloseable {

  /** What one child reported last. */
  public static final class NodeState {
    public final String name;
    public volatile long up;
    public volatile boolean started;
    public volatile boolean done;
    public volatile long multicast;
    public volatile long delivered;
    /** Gossip: updates written, and the fingerprint of the node's store when it last reported. */
    public volatile long writes;
    public volatile String digest;
    /** The last report of its workload (membership lines aside). */
    public volatile JsonNode last;
    /** 1 for the first start, then one more for each {@link #restart}. */
    public final int incarnation;
    volatile Process process;
    final List<String> jvmOptions;
    final List<String> args;

    NodeState(String name, int incarnation, List<String> jvmOptions, List<String> args) {
      this.name = name;
      this.incarnation = incarnation;
      this.jvmOptions = List.copyOf(jvmOptions);
      this.args = List.copyOf(args);
    }
  }

  /** Akka's exit code for a node shut down because the cluster downed it (reference.conf, reason-overrides). */
  static final int DOWNED_EXIT = 255;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final PrintStream console;
  private final Map<String, NodeState> nodes = new LinkedHashMap<>();
  private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<JsonNode>> reports = new ConcurrentHashMap<>();
  private final Thread hook;
  private final java.util.Set<String> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Hosts hosts;
  private final Nemesis.Plan nemesisPlan;
  private final long seed;
  private volatile Nemesis nemesis;
  private volatile boolean stopping;
  private final java.util.Set<String> tailed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<String> restarts = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Nodes on loopback, no nemesis. */
  public Launcher(Path runDir, PrintStream console) {
    this(runDir, console, Hosts.loopback(), null, 0);
  }

  /**
   * Nodes on {@code hosts} (which this launcher closes), with {@code nemesis} (null: none)
   * drawing its faults from {@code seed}.
   */
  public Launcher(Path runDir, PrintStream console, Hosts hosts, Nemesis.Plan nemesis, long seed) {
    this.runDir = runDir;
    this.console = console;
    this.hosts = hosts;
    this.nemesisPlan = nemesis;
    this.seed = seed;
    this.hook = new Thread(() -> {
      stopAll();
      hosts.close();
    }, "sidis-launcher-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public Hosts hosts() {
    return hosts;
  }

  /** The address node {@code name} binds and advertises. */
  public String address(String name) {
    return hosts.address(name);
  }

  /** Nodes started again after the cluster downed them or the nemesis killed them: "n3 (incarnation 2, downed)". */
  public List<String> restarts() {
    return List.copyOf(restarts);
  }

  /** A fresh run directory {@code <runsDir>/<timestamp>-<name>} with trace/, logs/ and conf/. */
  public static Path newRunDir(Path runsDir, String name) {
    String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = runsDir.resolve(stamp + "-" + name);
    for (int i = 2; Files.exists(dir); i++) dir = runsDir.resolve(stamp + "-" + name + "-" + i);
    try {
      Files.createDirectories(dir.resolve("trace"));
      Files.createDirectories(dir.resolve("logs"));
      Files.createDirectories(dir.resolve("conf"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run directory [" + dir + "]", e);
    }
    return dir;
  }

  /** {@code count} loopback ports that were free a moment ago. */
  public static List<Integer> freePorts(int count) {
    List<ServerSocket> held = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        held.add(s);
        ports.add(s.getLocalPort());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free loopback ports", e);
    } finally {
      for (ServerSocket s : held) {
        try { s.close(); } catch (IOException ignored) { /* released anyway */ }
      }
    }
    return ports;
  }

  public Path runDir() {
    return runDir;
  }

  public Map<String, NodeState> nodes() {
    return nodes;
  }

  public List<String> problems() {
    return problems;
  }

  /** Every {@code @sidis} line a node printed with this event name. */
  public List<JsonNode> reports(String event) {
    return reports.getOrDefault(event, List.of());
  }

  /** Starts node {@code name} as a child JVM running {@code sidis node} with {@code args}. */
  public void start(String name, List<String> jvmOptions, List<String> args) {
    start(name, jvmOptions, args, 1);
  }

  /**
   * Starts a killed node again under the same name (a crash and a restart: its store, named
   * after the node, is the same), with {@code args} — a fresh {@code --port}, say, as the old
   * one's port may still be held by the dead incarnation's connections in TIME_WAIT. From then
   * on it is waited for like any other node; its output goes to {@code <name>.<incarnation>.stdout},
   * its command line is one more line of {@code <name>.cmd}.
   */
  public void restart(String name, List<String> jvmOptions, List<String> args) {
    NodeState old = nodes.get(name);
    if (old == null) throw new IllegalArgumentException("no node [" + name + "] to restart; nodes: " + nodes.keySet());
    Process p = old.process;
    if (p != null) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node [" + name + "] is still running; kill it before restarting it");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for node [" + name + "] to die", e);
      }
    }
    start(name, jvmOptions, args, old.incarnation + 1);
    killed.remove(name);
  }

  /**
   * Starts node {@code name}, which is dead, again with its last arguments but a fresh port,
   * the live nodes as seeds (it may have been the seed) and its trace in
   * {@code trace/incarnation-<k>/} (a new incarnation starts its actors' gapless lseq at 1
   * again, so it gets a file of its own; the checkers read every file under trace/).
   */
  public synchronized void restartFresh(String name, String why) {
    NodeState old = nodes.get(name);
    if (old == null) throw new IllegalArgumentException("no node [" + name + "] to restart; nodes: " + nodes.keySet());
    int port = freePorts(1).get(0);
    List<String> seeds = new ArrayList<>();
    for (NodeState s : nodes.values()) {
      String p = s.name.equals(name) ? null : option(s.args, "--port");
      if (p != null && s.process != null && s.process.isAlive() && !killed.contains(s.name)) seeds.add(address(s.name) + ":" + p);
    }
    if (seeds.isEmpty()) seeds.add(address(name) + ":" + port);
    Path traceDir = runDir.resolve("trace").resolve("incarnation-" + (old.incarnation + 1));
    List<String> args = withOption(withOption(withOption(old.args, "--port", String.valueOf(port)),
        "--seeds", String.join(",", seeds)), "--trace-dir", traceDir.toString());
    restarts.add(name + " (incarnation " + (old.incarnation + 1) + ", " + why + ")");
    console.println("  restart " + name + " (" + why + "): incarnation " + (old.incarnation + 1) + ", port " + port
        + ", seeds " + seeds);
    restart(name, old.jvmOptions, args);
  }

  /** The value of {@code --name value} in {@code args}, or null. */
  static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }

  /** {@code args} with {@code --name}'s value set to {@code value} (added if absent). */
  static List<String> withOption(List<String> args, String name, String value) {
    List<String> out = new ArrayList<>(args);
    int i = out.indexOf(name);
    if (i >= 0 && i + 1 < out.size()) out.set(i + 1, value);
    else out.addAll(0, List.of(name, value));
    return out;
  }

  private synchronized void start(String name, List<String> jvmOptions, List<String> args, int incarnation) {
    String logName = incarnation == 1 ? name : name + "." + incarnation;
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.add("-Dsidis.node.name=" + name);
    // A restart's actors are marked with it in the trace (docs/trace-contract.md, incarnations).
    cmd.add("-Dsidis.trace.incarnation=" + incarnation);
    cmd.add("-Dsidis.log.file=" + runDir.resolve("logs").resolve(name + ".log").toAbsolutePath());
    cmd.add("-Dsidis.log.console-level=ERROR");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.sidis.cli.Sidis");
    cmd.add("node");
    cmd.add("--name");
    cmd.add(name);
    cmd.add("--exit-with-parent");
    if (hosts.kind() != Hosts.Kind.LOOPBACK) {
      cmd.add("--host");
      cmd.add(hosts.address(name));
    }
    // The node's store (if it needs one) belongs to the run, not to the directory the demo ran in.
    cmd.add("--set");
    cmd.add("sidis.node.store-dir=\"" + runDir.resolve("store").toAbsolutePath() + "\"");
    cmd.addAll(args);
    NodeState state = new NodeState(name, incarnation, jvmOptions, args);
    nodes.put(name, state);
    try {
      cmd = hosts.command(name, cmd);
      // One line per incarnation: the .cmd file is also how inspection knows which nodes ran.
      Files.writeString(runDir.resolve("logs").resolve(name + ".cmd"), String.join(" ", cmd) + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      state.process = p;
      follow(state, logName, p.getInputStream(), true);
      follow(state, logName, p.getErrorStream(), false);
      if (tailed.add(name)) tailResolver(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node [" + name + "]", e);
    }
  }

  private void follow(NodeState state, String logName, InputStream in, boolean stdout) {
    Path copy = runDir.resolve("logs").resolve(logName + (stdout ? ".stdout" : ".stderr"));
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
           Writer w = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.write('\n');
          w.flush();
          if (stdout && line.startsWith(Progress.PREFIX)) onReport(state, line.substring(Progress.PREFIX.length()));
          else if (!line.isBlank()) console.println("  [" + state.name + "] " + line);
        }
      } catch (IOException e) {
        // the child is gone; its exit code tells the rest
      }
    }, "sidis-follow-" + state.name + (stdout ? "-out" : "-err"));
    t.setDaemon(true);
    t.start();
  }

  private void onReport(NodeState state, String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      problems.add("node " + state.name + " printed a report that is not JSON: " + json);
      return;
    }
    String event = n.path("event").asText();
    // The node's own membership lines come at any time, also after its workload's last report.
    if (!event.equals("members")) state.last = n;
    reports.computeIfAbsent(event, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(n);
    switch (event) {
      case "members" -> state.up = n.path("up").asLong();
      case "started" -> state.started = true;
      case "progress" -> {
        state.multicast = n.path("multicast").asLong();
        state.delivered = n.path("delivered").asLong();
        state.writes = n.path("writes").asLong(state.writes);
        state.digest = n.path("digest").asText(state.digest);
      }
      case "done" -> {
        state.multicast = n.path("multicast").asLong(state.multicast);
        state.delivered = n.path("delivered").asLong(state.delivered);
        state.writes = n.path("writes").asLong(state.writes);
        state.digest = n.path("digest").asText(state.digest);
        state.done = true;
      }
      default -> { }
    }
    startNemesis();
  }

  /**
   * Waits until every node satisfies {@code condition}, printing {@code status} when it
   * changes. Returns false on timeout, or as soon as a node exits on its own.
   */
  public boolean awaitAll(Predicate<NodeState> condition, Duration timeout, java.util.function.Supplier<String> status) {
    return awaitAll(condition, timeout, status, () -> { });
  }

  /** As above, running {@code step} (failure injection, say) on every poll. Killed nodes are not waited for. */
  public boolean awaitAll(Predicate<NodeState> condition, Duration timeout, java.util.function.Supplier<String> status,
                          Runnable step) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String shown = "";
    while (true) {
      step.run();
      superviseDowned();
      boolean all = nodes.values().stream().allMatch(s -> killed.contains(s.name) || condition.test(s));
      String now = status.get(); // after the check, so the last line shown is the one that satisfied it
      if (!now.equals(shown)) {
        console.println("  " + now);
        shown = now;
      }
      if (all) return true;
      for (NodeState s : nodes.values()) {
        if (s.process != null && !s.process.isAlive() && !killed.contains(s.name)) {
          problems.add("node " + s.name + " exited with code " + s.process.exitValue() + " before the run was over"
              + " (see " + runDir.resolve("logs").resolve(s.name + ".log") + ")");
          return false;
        }
      }
      if (System.nanoTime() > deadline) {
        problems.add("timed out after " + timeout.toSeconds() + "s waiting for: " + now);
        return false;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * Whether the cluster is whole right now: no fault of the nemesis in force, no node paused,
   * every node's process alive (a downed or killed one restarted) and seeing every node Up. A
   * workload that judges itself done by a quiet spell counts only the spells when this holds:
   * a queue is not drained because its manager is paused, downed or still restarting.
   */
  public boolean settled() {
    Nemesis n = nemesis;
    if ((n != null && n.active()) || !paused.isEmpty()) return false;
    return nodes.values().stream().allMatch(s -> s.process != null && s.process.isAlive() && s.up >= nodes.size());
  }

  /** SIGKILL one node (failure injection); it is not waited for from then on. */
  public void kill(String name) {
    killed.add(name);
    Process p = nodes.get(name).process;
    if (p != null) p.destroyForcibly();
  }

  /**
   * SIGTERM one node, so it leaves the cluster as an operator's stop would, and waits for it to
   * exit; SIGKILL if it is still alive after {@code grace}. It is not waited for from then on
   * ({@link #restart} starts it again). Returns whether it exited on the SIGTERM.
   */
  public boolean stop(String name, Duration grace) throws InterruptedException {
    killed.add(name);
    Process p = nodes.get(name).process;
    if (p == null || !p.isAlive()) return true;
    p.destroy();
    if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) return true;
    p.destroyForcibly();
    p.waitFor(5, TimeUnit.SECONDS);
    return false;
  }

  /** SIGSTOP node {@code name}'s JVM: it stops dead, as in a long GC pause, sockets open. */
  public void pause(String name) {
    Process p = nodes.get(name).process;
    if (p == null || !p.isAlive()) return;
    paused.add(name);
    signal("STOP", p.pid());
  }

  /** SIGCONT node {@code name}'s JVM after {@link #pause}. */
  public void resume(String name) {
    Process p = nodes.get(name).process;
    paused.remove(name);
    if (p != null && p.isAlive()) signal("CONT", p.pid());
  }

  private void signal(String signal, long pid) {
    try {
      Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        problems.add("kill -" + signal + " " + pid + " failed: " + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      }
    } catch (IOException e) {
      problems.add("cannot run kill -" + signal + " " + pid + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts every node the cluster downed again (exit code {@link #DOWNED_EXIT}): Akka requires a
   * downed node to leave and exit, and something outside it — here the launcher — to bring it back.
   */
  private synchronized void superviseDowned() {
    if (stopping) return;
    for (NodeState s : List.copyOf(nodes.values())) {
      Process p = s.process;
      if (p != null && !p.isAlive() && !killed.contains(s.name) && p.exitValue() == DOWNED_EXIT) {
        console.println("  " + s.name + " exited with code " + DOWNED_EXIT + ": the cluster downed it");
        restartFresh(s.name, "downed by the cluster");
      }
    }
  }

  /**
   * Starts the nemesis, once, when a workload has started and every node has joined (reported
   * its cluster membership) or started its own workload (a service node such as a queue
   * manager reports no workload): faults hit a running cluster, not JVMs still starting.
   */
  private void startNemesis() {
    if (nemesisPlan == null || nemesis != null) return;
    synchronized (this) {
      if (nemesis != null || stopping) return;
      if (nodes.values().stream().noneMatch(s -> s.started)) return;
      if (!nodes.values().stream().allMatch(s -> s.started || s.up > 1)) return;
      nemesis = new Nemesis(nemesisPlan, seed, this, List.copyOf(nodes.keySet()), console, runDir.resolve("faults.ndjson"));
      nemesis.start();
    }
  }

  /** The nemesis of this run, or null (none asked for, or no workload started yet). */
  public Nemesis nemesis() {
    return nemesis;
  }

  /**
   * Prints the Split Brain Resolver's lines from node {@code name}'s log as they are written
   * (Akka's {@code SplitBrainResolver} logs each decision with "SBR"), and keeps them in
   * {@code resolver.ndjson} with the time they were seen.
   */
  private void tailResolver(String name) {
    Path log = runDir.resolve("logs").resolve(name + ".log");
    Path out = runDir.resolve("resolver.ndjson");
    Thread t = new Thread(() -> {
      long offset = 0;
      String last = null;
      StringBuilder partial = new StringBuilder();
      while (true) {
        try {
          if (Files.exists(log) && Files.size(log) > offset) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
              f.seek(offset);
              byte[] buf = new byte[(int) Math.min(1 << 20, f.length() - offset)];
              f.readFully(buf);
              offset += buf.length;
              partial.append(new String(buf, StandardCharsets.UTF_8));
            }
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
              String line = partial.substring(0, nl);
              partial.delete(0, nl + 1);
              if (RESOLVER_LINE.matcher(line).find() && !line.equals(last)) onResolverLine(name, line, out);
              if (RESOLVER_LINE.matcher(line).find()) last = line;
            }
          }
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          // the log is written by another process; try again at the next poll
        }
      }
    }, "sidis-resolver-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** The resolver's decisions and what leads to them, as akka.cluster.sbr.SplitBrainResolver logs them. */
  private static final java.util.regex.Pattern RESOLVER_LINE =
      java.util.regex.Pattern.compile("SBR (took decision|is downing|found unreachable|found all unreachable)");

  private void onResolverLine(String node, String line, Path out) {
    int at = line.indexOf("SBR");
    console.println("  [" + node + "] resolver: " + line.substring(at));
    com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
    Instant now = Instant.now();
    o.put("ts", now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    o.put("node", node);
    o.put("line", line);
    synchronized (reports) {
      try {
        Files.writeString(out, JSON.writeValueAsString(o) + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        problems.add("cannot write " + out + ": " + e.getMessage());
      }
    }
  }

  public java.util.Set<String> killed() {
    return killed;
  }

  /**
   * A demo whose one client node drives the run (migration, placement): waits for {@code client}
   * to start (within {@code startup}) and then to finish (within {@code limit}), running
   * {@code step} on every poll and once more at the end so nothing reported last goes unsaid; then
   * stops every node and prints the problems. True when the client finished in time.
   */
  public boolean runClient(String client, Duration startup, Duration limit, java.util.function.Supplier<String> status,
                           Runnable step) {
    boolean completed = awaitAll(s -> !s.name.equals(client) || s.started, startup, status)
        && awaitAll(s -> !s.name.equals(client) || s.done, limit, status, step);
    step.run();
    console.println("  stopping the nodes (SIGTERM)");
    List<String> killed = stopAll();
    if (!killed.isEmpty()) problems.add("nodes that did not stop within 30s and were killed: " + killed);
    for (String p : problems()) console.println("problem: " + p);
    return completed;
  }

  /**
   * Stops every child: SIGTERM first (the node leaves the cluster and closes its trace),
   * SIGKILL for any still alive after the grace period. Returns the names of nodes that had to
   * be killed.
   */
  public List<String> stopAll() {
    stopping = true;
    Nemesis n = nemesis;
    if (n != null) n.stop(); // heals first: resumes a paused node, removes the cuts
    for (String name : List.copyOf(paused)) resume(name);
    try {
      hosts.healAll();
    } catch (RuntimeException e) {
      problems.add("cannot heal the partitions: " + e.getMessage());
    }
    List<String> killed = new ArrayList<>();
    for (NodeState s : nodes.values()) if (s.process != null && s.process.isAlive()) s.process.destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (NodeState s : nodes.values()) {
      Process p = s.process;
      if (p == null) continue;
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
          killed.add(s.name);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        killed.add(s.name);
        Thread.currentThread().interrupt();
      }
    }
    return killed;
  }

  @Override
  public void close() {
    stopAll();
    hosts.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook is running or has run
    }
  }
}
