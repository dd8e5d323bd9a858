package org.sidis.node;

import org.sidis.membership.NodeNames;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** Several ActorSystems of one JVM made into one Akka Cluster, for the in-JVM cluster tests. */
public final class TestClusters {

  private TestClusters() {}

  /**
   * The config of node {@code name} as one of several ActorSystems in this JVM: Artery on port 0,
   * the node's cluster role, one JMX MBean per system, no JVM exit on shutdown, and no trace.
   */
  public static Config nodeConfig(String name) {
    return nodeConfig(name, Map.of());
  }

  /** {@link #nodeConfig(String)} with {@code extra} settings on top (they win over the node's). */
  public static Config nodeConfig(String name, Map<String, ?> extra) {
    Map<String, Object> settings = inJvm(name);
    settings.put("sidis.trace.enabled", "off");
    settings.putAll(extra);
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
  }

  /** {@link #nodeConfig(String, Map)}, but the node traces into {@code traceDir} (trace enabled as by default). */
  public static Config tracedNodeConfig(String name, Path traceDir, Map<String, ?> extra) {
    Map<String, Object> settings = inJvm(name);
    settings.put("sidis.trace.dir", traceDir.toString());
    settings.putAll(extra);
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
  }

  /** The setting that keeps a node's journal in the H2 database file {@code file} (written at once). */
  public static Map<String, Object> h2Store(Path file) {
    return Map.of("akka-persistence-jdbc.shared-databases.sidis.db.url",
        "jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0");
  }

  private static Map<String, Object> inJvm(String name) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("sidis.node.name", name);
    settings.put("akka.remote.artery.canonical.port", 0);
    settings.put("akka.cluster.roles", List.of(NodeNames.role(name)));
    settings.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    settings.put("akka.coordinated-shutdown.exit-jvm", "off");
    return settings;
  }

  /** Every system joins the first; returns once each sees all of them Up (30 s at most). */
  public static void joinAndAwaitUp(List<ActorTestKit> kits) {
    akka.actor.Address first = kits.get(0).system().address();
    for (ActorTestKit kit : kits) Cluster.get(kit.system()).manager().tell(Join.create(first));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = kits.stream().allMatch(k -> StreamSupport.stream(Cluster.get(k.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count() == kits.size());
      if (all) return;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted before the " + kits.size() + " nodes were all Up", e);
      }
    }
    throw new AssertionError("the " + kits.size() + " nodes did not all become Up within 30 s");
  }

  /**
   * Shuts every system down at once and waits for each, 60 s at most, failing naming those that
   * did not terminate. One after another under ActorTestKit's 10 s default, the last members'
   * leaving (coordinated shutdown's cluster-exiting phase waits for the removal to be seen) ran
   * past that bound on a loaded 2-core machine and failed tests whose assertions had all passed.
   */
  public static void shutdownAll(List<ActorTestKit> kits) {
    for (ActorTestKit k : kits) k.system().terminate();
    List<String> stuck = new java.util.ArrayList<>();
    for (ActorTestKit k : kits) {
      try {
        ActorTestKit.shutdown(k.system(), Duration.ofSeconds(60), true);
      } catch (RuntimeException e) {
        stuck.add(k.system().address() + " (" + e.getMessage() + ")");
      }
    }
    if (!stuck.isEmpty()) throw new AssertionError("systems not terminated within 60 s: " + stuck);
  }
}
