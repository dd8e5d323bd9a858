package org.sidis.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hosts in Linux network namespaces: node {@code n<i>} runs in namespace {@code sidis-<tag>-n<i>}
 * with address {@code 198.18.x.<i>/24} on a veth whose other end is enslaved to a bridge in the
 * root namespace ({@code 198.18.x.254}), as {@code ip netns} documents; its JVM is started with
 * {@code ip netns exec <ns> java …}, which enters the namespace and execs java, so the
 * process the launcher holds is the JVM itself (SIGSTOP, SIGKILL reach it) and stdin/stdout are
 * the launcher's pipes as on loopback.
 *
 * <p>Partitions are iptables DROP rules inside the nodes' own namespaces (INPUT from and OUTPUT
 * to the other side's addresses): each namespace has its own netfilter tables, so no rule ever
 * touches the root namespace's, bridged traffic needs no br_netfilter, and deleting a namespace
 * deletes its rules. Everything made is removed by {@link #close} — also from the launcher's
 * shutdown hook on Ctrl-C — and what a killed launcher left (names carry its pid, see
 * {@link AddressPlan}) is removed by the next one at start.
 */
public final class Netns implements Hosts {

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final AddressPlan plan;
  private final PrintStream log;
  private final Set<String> made = new LinkedHashSet<>(); // nodes whose namespace exists
  private final Set<String> cut = new LinkedHashSet<>();  // nodes with DROP rules in their namespace
  private boolean closed;

  /** Why netns hosts cannot be made here (and {@code partitions}: why not cut), or null when they can. */
  public static String refusal(boolean partitions) {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "--hosts netns needs Linux network namespaces; this is " + System.getProperty("os.name");
    }
    Optional<Path> ip = onPath("ip");
    if (ip.isEmpty()) return "--hosts netns needs the ip command (Debian: apt-get install iproute2); it is not on PATH";
    String uid = run(List.of("id", "-u")).out().trim();
    if (!uid.equals("0")) {
      return "--hosts netns makes network namespaces, veths and a bridge, which needs root (uid 0); this is uid " + uid
          + ". Run as root, or leave --hosts at loopback";
    }
    if (partitions && onPath("iptables").isEmpty()) {
      return "partitions on netns hosts are iptables DROP rules, and iptables is not on PATH (Debian: apt-get install iptables)";
    }
    return null;
  }

  /** {@code name} on PATH (plus /usr/sbin and /sbin, where Debian keeps ip and iptables). */
  static Optional<Path> onPath(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
  }

  /**
   * Removes leftovers of earlier runs whose launcher is gone, picks a free /24 and makes the
   * bridge. Throws with the command's own error when a step fails (after undoing what it made).
   */
  public Netns(PrintStream log) {
    this.log = log;
    removeLeftovers(log);
    String tag = AddressPlan.tag(ProcessHandle.current().pid(), RUNS.getAndIncrement());
    List<String> inUse = new ArrayList<>();
    for (String line : run(List.of("ip", "-o", "-4", "addr", "show")).out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int i = 0; i + 1 < f.length; i++) if (f[i].equals("inet")) inUse.add(f[i + 1]);
    }
    int subnet = AddressPlan.freeSubnet(inUse)
        .orElseThrow(() -> new IllegalStateException("every /24 of 198.18.0.0/15 is in use on this machine"));
    this.plan = new AddressPlan(subnet, tag);
    try {
      must(List.of("ip", "link", "add", plan.bridge(), "type", "bridge"));
      must(List.of("ip", "addr", "add", plan.bridgeAddress() + "/24", "dev", plan.bridge()));
      must(List.of("ip", "link", "set", plan.bridge(), "up"));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.println("  hosts: network namespaces on bridge " + plan.bridge() + " " + plan.bridgeAddress() + "/24, node n<i> at "
        + plan.prefix() + ".<i>");
  }

  public AddressPlan plan() {
    return plan;
  }

  @Override
  public Kind kind() {
    return Kind.NETNS;
  }

  @Override
  public String address(String node) {
    return plan.address(node);
  }

  @Override
  public synchronized List<String> command(String node, List<String> java) {
    if (closed) throw new IllegalStateException("netns hosts are closed");
    if (!made.contains(node)) make(node);
    List<String> cmd = new ArrayList<>(List.of(onPath("ip").map(Path::toString).orElse("ip"), "netns", "exec", plan.namespace(node)));
    cmd.addAll(java);
    return cmd;
  }

  private void make(String node) {
    String ns = plan.namespace(node), host = plan.hostVeth(node), peer = plan.peerVeth(node);
    made.add(node); // before the first step, so close() removes a half-made host too
    must(List.of("ip", "netns", "add", ns));
    must(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", peer));
    must(List.of("ip", "link", "set", peer, "netns", ns));
    must(List.of("ip", "-n", ns, "link", "set", peer, "name", "eth0"));
    must(List.of("ip", "-n", ns, "addr", "add", plan.address(node) + "/24", "dev", "eth0"));
    must(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
    must(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
    must(List.of("ip", "link", "set", host, "master", plan.bridge()));
    must(List.of("ip", "link", "set", host, "up"));
  }

  @Override
  public boolean canPartition() {
    return onPath("iptables").isPresent();
  }

  @Override
  public synchronized void cut(Collection<String> side, Collection<String> other) {
    for (String a : side) {
      for (String b : other) {
        drop(a, b);
        drop(b, a);
      }
    }
  }

  /** In {@code at}'s namespace: drop what comes from {@code peer} and what goes to it. */
  private void drop(String at, String peer) {
    String ns = plan.namespace(at), addr = plan.address(peer);
    cut.add(at);
    must(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-A", "INPUT", "-s", addr, "-j", "DROP"));
    must(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-A", "OUTPUT", "-d", addr, "-j", "DROP"));
  }

  @Override
  public synchronized void healAll() {
    for (String node : cut) {
      String ns = plan.namespace(node);
      // The namespace is ours alone: flushing its chains removes exactly the rules cut() added.
      run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-F", "INPUT"));
      run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-F", "OUTPUT"));
    }
    cut.clear();
  }

  /** The DROP rules in {@code node}'s namespace, as {@code iptables -S} prints them (for tests). */
  public List<String> rules(String node) {
    Result r = run(List.of("ip", "netns", "exec", plan.namespace(node), "iptables", "-w", "-S"));
    return r.out().lines().filter(l -> l.contains("DROP")).toList();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    healAll();
    // Deleting a namespace deletes its veth end, and with it the pair, and its netfilter rules.
    for (String node : made) {
      run(List.of("ip", "netns", "delete", plan.namespace(node)));
      run(List.of("ip", "link", "delete", plan.hostVeth(node))); // if the move into the namespace never happened
    }
    if (plan != null) run(List.of("ip", "link", "delete", plan.bridge()));
    List<String> left = ours(ProcessHandle.current().pid(), plan == null ? null : plan.tag());
    if (!left.isEmpty()) log.println("  warning: netns hosts could not remove " + left);
  }

  /**
   * Removes namespaces and links named by {@link AddressPlan} whose launcher process is no longer
   * alive (a launcher killed with SIGKILL runs no hook). Returns what it removed.
   */
  public static List<String> removeLeftovers(PrintStream log) {
    List<String> removed = new ArrayList<>();
    for (String ns : namespaces()) {
      Optional<Long> owner = AddressPlan.ownerOfNamespace(ns);
      if (owner.isPresent() && !alive(owner.get()) && run(List.of("ip", "netns", "delete", ns)).code() == 0) removed.add(ns);
    }
    for (String link : links()) {
      Optional<Long> owner = AddressPlan.ownerOfLink(link);
      if (owner.isPresent() && !alive(owner.get()) && run(List.of("ip", "link", "delete", link)).code() == 0) removed.add(link);
    }
    if (!removed.isEmpty()) log.println("  hosts: removed what an earlier run left behind: " + removed);
    return removed;
  }

  /** The namespaces and links of launcher {@code pid} (of its run {@code tag} when not null) that exist now. */
  public static List<String> ours(long pid, String tag) {
    List<String> found = new ArrayList<>();
    for (String ns : namespaces()) {
      if (AddressPlan.ownerOfNamespace(ns).filter(p -> p == pid).isPresent() && (tag == null || ns.startsWith("sidis-" + tag + "-"))) {
        found.add("namespace " + ns);
      }
    }
    for (String link : links()) {
      if (AddressPlan.ownerOfLink(link).filter(p -> p == pid).isPresent() && (tag == null || link.substring(2).startsWith(tag))) {
        found.add("link " + link);
      }
    }
    return found;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static List<String> namespaces() {
    // "sidis-123a-n1 (id: 0)" or just the name
    return run(List.of("ip", "netns", "list")).out().lines().map(l -> l.trim().split("\\s+")[0]).filter(s -> !s.isEmpty()).toList();
  }

  static List<String> links() {
    // "7: sv123ah1@if6: <BROADCAST,…" — the name ends at '@' or ':'
    return run(List.of("ip", "-o", "link", "show")).out().lines()
        .map(l -> l.split(":\\s+", 3))
        .filter(f -> f.length >= 2)
        .map(f -> f[1].split("@")[0])
        .toList();
  }

  record Result(int code, String out, String err) { }

  private static void must(List<String> cmd) {
    Result r = run(cmd);
    if (r.code() != 0) {
      throw new IllegalStateException("netns hosts: `" + String.join(" ", cmd) + "` failed (exit " + r.code() + "): " + r.err().trim());
    }
  }

  static Result run(List<String> cmd) {
    List<String> full = new ArrayList<>(cmd);
    onPath(full.get(0)).ifPresent(p -> full.set(0, p.toString()));
    try {
      Path err = Files.createTempFile("sidis-netns", ".err");
      try {
        Process p = new ProcessBuilder(full).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, out, "timed out after 30s");
        }
        return new Result(p.exitValue(), out, Files.readString(err));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      return new Result(-1, "", "cannot run " + full.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", "interrupted");
    }
  }
}
