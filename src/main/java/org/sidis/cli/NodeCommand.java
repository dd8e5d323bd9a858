package org.sidis.cli;

import org.sidis.node.Node;
import org.sidis.node.NodeGuardian;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sidis node}: run one cluster member until SIGTERM (or until its launcher goes away). */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start a cluster node: joins the seeds, starts the services its config names, "
        + "leaves the cluster through coordinated shutdown on SIGTERM.")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--name", required = true, description = "Names this node, uniquely in the cluster, e.g. n1.")
  String name;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Binds and advertises this address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "2551", description = "Listens for Artery TCP on this port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--seeds", split = ",", description = "Joins the cluster through these seed nodes, host:port, comma-separated (default: this node, which forms a new cluster).")
  List<String> seeds;

  @Option(names = "--config", description = "Lays this HOCON file over conf/node.conf and sidis' defaults (conf/reference.conf), e.g. conf/causal.conf.")
  Path config;

  @Option(names = "--trace-dir", description = "Writes this node's trace file into this directory (sidis.trace.dir).")
  Path traceDir;

  @Option(names = "--tls", paramLabel = "DIR",
      description = "Speaks mutual TLS with the other nodes, with the CA and this node's key in DIR (made by 'sidis tls init DIR'); "
          + "a node without a certificate from the same CA is refused (docs/security.md).")
  Path tls;

  @Mixin
  SettingsOption settings;

  @Option(names = "--exit-with-parent", hidden = true,
      description = "Leaves the cluster and exits when standard input closes (the launcher went away).")
  boolean exitWithParent;

  @Override
  public Integer call() {
    if (!name.matches("[A-Za-z0-9_-]+")) {
      System.err.println("error: node name [" + name + "] must be letters, digits, '-' or '_'");
      return 2;
    }
    if (port < 0 || port > 65535) {
      System.err.println("error: --port must be in 0..65535, got " + port);
      return 2;
    }
    // No seeds: this node forms a new cluster of its own (joining itself once it knows its port).
    boolean alone = seeds == null || seeds.isEmpty();
    List<String> seedList = alone ? List.of() : seeds;
    Config config;
    try {
      config = Node.config(new Node.Options(name, host, port, seedList, this.config, traceDir, settings.asMap()));
      if (tls != null) config = new org.sidis.node.tls.TlsDir(tls).nodeConfig(name).withFallback(config);
      Node.checkPortFree(host, port);
      // Queue settings and broker rules are checked before the node starts, so a malformed
      // rule is an error naming it (file, line) and an exit code, not a guardian that dies later.
      if (config.getStringList("sidis.node.services").contains("queues")) {
        org.sidis.mom.QueueSettings queues = org.sidis.mom.QueueSettings.fromConfig(config.getConfig("sidis.mom"));
        // Limits past Artery's frame would make the manager fail at start and restart for ever.
        queues.checkFrame(config.getBytes("akka.remote.artery.advanced.maximum-frame-size"));
        org.sidis.mom.BrokerSettings broker = org.sidis.mom.BrokerSettings.fromConfig(config.getConfig("sidis.mom"));
        if (broker.gateway().enabled() && broker.gateway().port() != 0) {
          try {
            Node.checkPortFree(broker.gateway().host(), broker.gateway().port());
          } catch (IllegalStateException e) {
            throw new IllegalStateException("the gateway (sidis.mom.gateway.port): " + e.getMessage());
          }
        }
      }
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    // As a process of its own, the node exits its JVM when coordinated shutdown has run.
    config = ConfigFactory.parseString("akka.coordinated-shutdown.exit-jvm = on").withFallback(config);
    ActorSystem<NodeGuardian.Command> system;
    try {
      system = Node.start(config, org.sidis.app.Services.all());
    } catch (RuntimeException e) {
      System.err.println("error: node [" + name + "] could not start: " + e.getMessage());
      return 1;
    }
    if (alone) {
      akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(system);
      cluster.manager().tell(akka.cluster.typed.Join.create(cluster.selfMember().address()));
      akka.actor.Address a = system.address();
      System.out.println("node [" + name + "] formed a new cluster at " + a + "; others join it with --seeds "
          + a.getHost().orElse(host) + ":" + a.getPort().orElse(port) + (tls != null ? " --tls DIR (keys from the same CA)" : ""));
    }
    if (exitWithParent) watchParent(system);
    system.getWhenTerminated().toCompletableFuture().join();
    boolean failed = akka.actor.CoordinatedShutdown.get(system).getShutdownReason()
        .filter(NodeGuardian.ServiceFailed.INSTANCE::equals).isPresent();
    return failed ? 1 : 0;
  }

  /** Our launcher holds our stdin: when it dies, even by SIGKILL, the pipe closes and we leave. */
  private static void watchParent(ActorSystem<?> system) {
    Thread t = new Thread(() -> {
      try {
        while (System.in.read() != -1) { /* nothing is sent on it */ }
      } catch (java.io.IOException ignored) {
        // a broken pipe means the same as end of input
      }
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    }, "sidis-parent-watch");
    t.setDaemon(true);
    t.start();
  }
}
