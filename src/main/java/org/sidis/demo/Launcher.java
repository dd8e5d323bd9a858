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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Starts N child JVMs, each a {@code sidis node}, on free loopback ports, and follows them
 * through the {@code @sidis} lines they print: members up, workload started, progress, done.
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

    NodeState(String name, int incarnation) {
      this.name = name;
      this.incarnation = incarnation;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final PrintStream console;
  private final Map<String, NodeState> nodes = new LinkedHashMap<>();
  private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<JsonNode>> reports = new ConcurrentHashMap<>();
  private final Thread hook;
  private final java.util.Set<String> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Launcher(Path runDir, PrintStream console) {
    this.runDir = runDir;
    this.console = console;
    this.hook = new Thread(this::stopAll, "sidis-launcher-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
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

  private void start(String name, List<String> jvmOptions, List<String> args, int incarnation) {
    String logName = incarnation == 1 ? name : name + "." + incarnation;
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.add("-Dsidis.node.name=" + name);
    cmd.add("-Dsidis.log.file=" + runDir.resolve("logs").resolve(name + ".log").toAbsolutePath());
    cmd.add("-Dsidis.log.console-level=ERROR");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.sidis.cli.Sidis");
    cmd.add("node");
    cmd.add("--name");
    cmd.add(name);
    cmd.add("--exit-with-parent");
    // The node's store (if it needs one) belongs to the run, not to the directory the demo ran in.
    cmd.add("--set");
    cmd.add("sidis.node.store-dir=\"" + runDir.resolve("store").toAbsolutePath() + "\"");
    cmd.addAll(args);
    NodeState state = new NodeState(name, incarnation);
    nodes.put(name, state);
    try {
      // One line per incarnation: the .cmd file is also how inspection knows which nodes ran.
      Files.writeString(runDir.resolve("logs").resolve(name + ".cmd"), String.join(" ", cmd) + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      state.process = p;
      follow(state, logName, p.getInputStream(), true);
      follow(state, logName, p.getErrorStream(), false);
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

  /** SIGKILL one node (failure injection); it is not waited for from then on. */
  public void kill(String name) {
    killed.add(name);
    Process p = nodes.get(name).process;
    if (p != null) p.destroyForcibly();
  }

  public java.util.Set<String> killed() {
    return killed;
  }

  /**
   * Stops every child: SIGTERM first (the node leaves the cluster and closes its trace),
   * SIGKILL for any still alive after the grace period. Returns the names of nodes that had to
   * be killed.
   */
  public List<String> stopAll() {
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
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook is running or has run
    }
  }
}
