package org.sidis.demo;

import java.time.Duration;
import java.util.List;

/**
 * A three-tier cluster of child JVMs, as the tiers demo and {@code bench tiers} start it: n1 the
 * data tier, n2 (… n(1+F) with F front ends) the front end with its HTTP front door, then the
 * application servers, seeded by n1 on loopback. Its {@link TiersDemo.Client} is the HTTP client outside the cluster. The bench
 * also stops application servers and starts them again ({@link #stopServer}, {@link #restartServer})
 * to measure one cluster with 1, 2 and 3 of them.
 */
public final class TiersCluster implements AutoCloseable {

  private final DemoRun run;
  private final Launcher launcher;
  private final int servers;
  private final int frontEnds;
  private final String seeds;
  private List<String> fronts = List.of();
  private TiersDemo.Client client;

  private TiersCluster(DemoRun run, Launcher launcher, int servers, int frontEnds, String seeds) {
    this.run = run;
    this.launcher = launcher;
    this.servers = servers;
    this.frontEnds = frontEnds;
    this.seeds = seeds;
  }

  /**
   * Starts the nodes of a cluster with {@code servers} application servers and waits until its
   * front door is bound and its front end routes to every server; {@link #problem} says when not.
   */
  public static TiersCluster start(DemoRun run, int servers) {
    return start(run, servers, 1);
  }

  /** The same with {@code frontEnds} front ends, each its own JVM and front door. */
  public static TiersCluster start(DemoRun run, int servers, int frontEnds) {
    Launcher launcher = run.launcher();
    List<Integer> ports = Launcher.freePorts(servers + frontEnds + 1);
    TiersCluster c = new TiersCluster(run, launcher, servers, frontEnds, launcher.address("n1") + ":" + ports.get(0));
    for (int i = 0; i < servers + frontEnds + 1; i++) {
      launcher.start("n" + (i + 1), run.options().jvm(), run.nodeArgs(ports.get(i), c.seeds, c.services(i)));
    }
    return c;
  }

  /** The services of node n(i+1): the data tier, the front ends, then the servers. */
  private List<String> services(int i) {
    return List.of("--set", "sidis.node.services=[" + (i == 0 ? "tiers-data" : i <= frontEnds ? "tiers-front" : "tiers-server") + "]");
  }

  /** Waits for the front door and for every server to be routable; null when ready, else what is missing. */
  public String awaitReady() throws InterruptedException {
    boolean bound = launcher.awaitAll(n -> launcher.reports("front-door").size() >= frontEnds, DemoRun.STARTUP,
        () -> "front doors up " + launcher.reports("front-door").size() + " of " + frontEnds);
    if (!bound) return "the front door did not come up";
    List<String> doors = new java.util.ArrayList<>();
    for (var report : launcher.reports("front-door")) {
      doors.add("http://" + launcher.address(report.path("node").asText()) + ":" + report.path("port").asInt());
    }
    fronts = List.copyOf(doors.subList(0, frontEnds));
    client = new TiersDemo.Client(fronts);
    if (!client.awaitRoutable(servers, DemoRun.STARTUP)) return "the front end did not see " + servers + " app servers Up";
    return null;
  }

  /** The first front door's base address, {@code http://host:port}, once {@link #awaitReady} succeeded. */
  public String front() {
    return fronts.get(0);
  }

  /** Every front door's base address, once {@link #awaitReady} succeeded. */
  public List<String> fronts() {
    return fronts;
  }

  public TiersDemo.Client client() {
    return client;
  }

  /** The node name of application server {@code k} (1-based): n3, n4, … with one front end. */
  public String serverNode(int k) {
    return "n" + (k + 1 + frontEnds);
  }

  /**
   * Stops application server {@code k} (SIGTERM: it leaves the cluster) and waits until the
   * front end routes to exactly {@code routable} servers; false when it did not within the startup limit.
   */
  public boolean stopServer(int k, int routable) throws InterruptedException {
    launcher.stop(serverNode(k), Duration.ofSeconds(30));
    return client.awaitRoutable(routable, DemoRun.STARTUP);
  }

  /** Starts stopped application server {@code k} again on a fresh port and waits until {@code routable} servers are routable. */
  public boolean restartServer(int k, int routable) throws InterruptedException {
    int port = Launcher.freePorts(1).get(0);
    launcher.restart(serverNode(k), run.options().jvm(), run.nodeArgs(port, seeds, services(k + frontEnds)));
    return client.awaitRoutable(routable, DemoRun.STARTUP);
  }

  /** The problems the launcher saw (a node that exited, a report it could not read). */
  public List<String> problems() {
    return launcher.problems();
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period). */
  @Override
  public void close() {
    launcher.close();
  }
}
