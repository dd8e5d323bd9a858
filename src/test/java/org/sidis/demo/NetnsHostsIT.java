package org.sidis.demo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netns hosts on this machine: nodes in namespaces of their own at 198.18.x.i, DROP rules cut
 * between them, and nothing left afterwards — not after a run, not after Ctrl-C (SIGTERM to the
 * launcher), and what a killed launcher left is removed by the next. Skipped, saying why, where
 * namespaces cannot be made (not root, no ip or iptables).
 */
class NetnsHostsIT {

  @BeforeAll
  static void namespacesAllowed() {
    String why = Netns.refusal(true);
    assumeTrue(why == null, () -> "skipped: " + why);
  }

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void cutsAndHealsBetweenNamespacesAndRemovesEverythingOnClose() {
    long pid = ProcessHandle.current().pid();
    Netns hosts = new Netns(QUIET);
    String tag = hosts.plan().tag();
    try {
      List<String> cmd = hosts.command("n1", List.of("true"));
      hosts.command("n2", List.of("true"));
      assertEquals(List.of("ip", "netns", "exec", "sidis-" + tag + "-n1", "true"),
          List.of(Path.of(cmd.get(0)).getFileName().toString(), cmd.get(1), cmd.get(2), cmd.get(3), cmd.get(4)));
      String addr = Netns.run(List.of("ip", "-n", "sidis-" + tag + "-n1", "-o", "-4", "addr", "show", "eth0")).out();
      assertTrue(addr.contains(hosts.address("n1") + "/24"), "n1's eth0: " + addr);
      assertTrue(hosts.address("n1").startsWith("198.18.") || hosts.address("n1").startsWith("198.19."), hosts.address("n1"));
      hosts.cut(List.of("n1"), List.of("n2"));
      assertEquals(2, hosts.rules("n1").size(), "INPUT and OUTPUT DROP in n1: " + hosts.rules("n1"));
      assertEquals(2, hosts.rules("n2").size(), "INPUT and OUTPUT DROP in n2: " + hosts.rules("n2"));
      assertTrue(hosts.rules("n1").get(0).contains(hosts.address("n2")), hosts.rules("n1").toString());
      hosts.healAll();
      assertEquals(List.of(), hosts.rules("n1"));
      assertTrue(Netns.ours(pid, tag).size() >= 5, "bridge, 2 namespaces, 2 root-side veths: " + Netns.ours(pid, tag));
    } finally {
      hosts.close();
    }
    assertEquals(List.of(), Netns.ours(pid, tag), "left behind after close");
  }

  @Test
  void removesWhatADeadLaunchersRunLeftBehind() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    long dead = gone.pid();
    AddressPlan left = new AddressPlan(511, AddressPlan.tag(dead, 0));
    Netns.run(List.of("ip", "netns", "add", left.namespace("n1")));
    Netns.run(List.of("ip", "link", "add", left.bridge(), "type", "bridge"));
    assertEquals(2, Netns.ours(dead, null).size(), "the leftovers were made: " + Netns.ours(dead, null));
    new Netns(QUIET).close();
    assertEquals(List.of(), Netns.ours(dead, null), "leftovers of dead launcher " + dead);
  }

  @Test
  void aDemoOnNetnsHostsBindsDistinctAddressesAndLeavesNothingBehind() throws Exception {
    Path runs = Path.of("target", "nemesis-runs", "netns-demo");
    Files.createDirectories(runs);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", "target/sidis.jar",
        "demo", "causal", "--hosts", "netns", "--nodes", "3", "--messages", "300", "--set", "sidis.demo.chat.interval=30ms",
        "--nemesis", "partition", "--nemesis-every", "2s", "--nemesis-for", "3s", "--nemesis-count", "1",
        "--timeout", "90s", "--runs-dir", runs.toString())
        .redirectErrorStream(true).redirectOutput(runs.resolve("console.txt").toFile()).start();
    long pid = p.pid();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger mostRules = new AtomicInteger();
    while (!p.waitFor(300, TimeUnit.MILLISECONDS)) {
      for (String ns : Netns.namespaces()) {
        if (AddressPlan.ownerOfNamespace(ns).filter(o -> o == pid).isEmpty()) continue;
        seen.add(ns);
        long drops = Netns.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-S")).out().lines().filter(l -> l.contains("DROP")).count();
        mostRules.accumulateAndGet((int) drops, Math::max);
      }
      if (seen.size() > 10) break;
    }
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the demo did not end");
    String out = Files.readString(runs.resolve("console.txt"));
    assertEquals(List.of(), Netns.ours(pid, null), "left behind by the demo:\n" + out);
    String rootRules = Netns.run(List.of("iptables", "-w", "-S")).out();
    assertTrue(!rootRules.contains("198.18.") && !rootRules.contains("198.19."), "no rule in the root namespace: " + rootRules);
    assertTrue(seen.size() >= 3, "a namespace per node while it ran: " + seen + "\n" + out);
    Path run;
    try (var dirs = Files.list(runs)) {
      run = dirs.filter(Files::isDirectory).findFirst().orElseThrow(() -> new AssertionError("no run directory:\n" + out));
    }
    List<String> hostsSeen = new ArrayList<>();
    for (String n : List.of("n1", "n2", "n3")) {
      String cmd = Files.readString(run.resolve("logs").resolve(n + ".cmd"));
      assertTrue(cmd.contains("netns exec sidis-" + pid), n + " ran in a namespace of this launcher: " + cmd);
      hostsSeen.add(Launcher.option(List.of(cmd.trim().split(" ")), "--host"));
    }
    assertEquals(3, Set.copyOf(hostsSeen).size(), "three distinct addresses: " + hostsSeen);
    Path faults = run.resolve("faults.ndjson");
    if (Files.exists(faults)) {
      assertTrue(mostRules.get() > 0, "a partition was recorded, so DROP rules were seen while it held:\n" + Files.readString(faults));
    }
  }

  @Test
  void aDemoInterruptedLikeCtrlCLeavesNothingBehind() throws Exception {
    Path runs = Path.of("target", "nemesis-runs", "netns-interrupted");
    Files.createDirectories(runs);
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", "target/sidis.jar",
        "demo", "causal", "--hosts", "netns", "--nodes", "3", "--messages", "2000000", "--runs-dir", runs.toString())
        .redirectErrorStream(true).redirectOutput(runs.resolve("console.txt").toFile()).start();
    long pid = p.pid();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos(); // JVMs start slowly on a loaded machine
      while (Files.readString(runs.resolve("console.txt")).lines().noneMatch(l -> l.contains("workload started at 3/3"))) {
        assertTrue(p.isAlive(), "the demo ended early:\n" + Files.readString(runs.resolve("console.txt")));
        // A bounded wait, not a speed check: past the deadline the test gives up saying what it saw.
        if (System.nanoTime() >= deadline) fail("the workload never started within 300 s:\n" + Files.readString(runs.resolve("console.txt")));
        Thread.sleep(300);
      }
      assertTrue(Netns.ours(pid, null).size() >= 7, "bridge, 3 namespaces, 3 veths while it runs: " + Netns.ours(pid, null));
      p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
      assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the launcher did not stop within 90s of SIGTERM");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(List.of(), Netns.ours(pid, null), "left behind after SIGTERM:\n" + Files.readString(runs.resolve("console.txt")));
  }
}
