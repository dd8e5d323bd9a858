package org.sidis.node.tls;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.node.TestClusters;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS between nodes, with several ActorSystems in this JVM: two nodes whose keys the
 * cluster's CA signed form a cluster; a node whose key another CA signed, and a node that speaks
 * plain TCP, knock at the same port and never join, and the cluster's log says whom it refused.
 */
final class TlsClusterTest {

  @TempDir
  static Path keys;

  private static TlsDir cluster;
  private static TlsDir stranger;
  private static final List<ActorTestKit> kits = new ArrayList<>();
  private static ListAppender<ILoggingEvent> refusals;

  @BeforeAll
  static void makeKeys() {
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    cluster = new TlsDir(keys.resolve("cluster"));
    new KeyTool(cluster, quiet).init(List.of("n1", "n2"), false);
    stranger = new TlsDir(keys.resolve("stranger"));
    new KeyTool(stranger, quiet).init(List.of("n3"), false);
    refusals = new ListAppender<>();
    refusals.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ClusterTlsProvider.REFUSALS.getName())).addAppender(refusals);
  }

  /** All nodes stop at once, each given a minute: on this loaded machine 10 s was not always enough. */
  @AfterEach
  void stopNodes() throws Exception {
    for (ActorTestKit kit : kits) kit.system().terminate();
    try {
      for (ActorTestKit kit : kits) kit.system().getWhenTerminated().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      kits.clear();
    }
  }

  @AfterAll
  static void detach() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ClusterTlsProvider.REFUSALS.getName())).detachAppender(refusals);
  }

  private static ActorTestKit node(String name, TlsDir keys) {
    Config config = TestClusters.nodeConfig(name);
    if (keys != null) config = keys.nodeConfig(name).withFallback(config);
    ActorTestKit kit = ActorTestKit.create("sidis", config);
    kits.add(kit);
    return kit;
  }

  @Test
  void twoNodesWithTheClustersCaFormACluster() {
    ActorTestKit n1 = node("n1", cluster);
    ActorTestKit n2 = node("n2", cluster);
    assertEquals("tls-tcp", n1.system().settings().config().getString("akka.remote.artery.transport"));
    TestClusters.joinAndAwaitUp(List.of(n1, n2));
  }

  @Test
  void aNodeWithAnotherCasCertificateNeverJoinsAndIsRefusedInTheLog() {
    ActorTestKit n1 = node("n1", cluster);
    Cluster.get(n1.system()).manager().tell(Join.create(n1.system().address()));
    int before = refusals.list.size();
    ActorTestKit n3 = node("n3", stranger);
    Cluster.get(n3.system()).manager().tell(Join.create(n1.system().address()));
    assertNeverJoins(n1, n3, Duration.ofSeconds(10));
    List<String> lines = linesSince(before);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("refused an inbound connection to [" + hostPort(n1) + "]")
            && l.contains("another CA")),
        "n1 logs that it refused a peer with another CA's keys; refusal lines: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("refused an outbound connection to [" + hostPort(n1) + "]")
            && l.contains("[CN=n1]") && l.contains("is not signed by this cluster's CA")),
        "n3 logs that n1's certificate is not from its CA; refusal lines: " + lines);
  }

  /**
   * A node that trusts the cluster's CA but holds a key another CA signed gets past checking n1,
   * then has no certificate n1 asks for: n1 refuses it for that.
   */
  @Test
  void aNodeThatTrustsTheClusterButHoldsAnotherCasKeyIsRefused() {
    ActorTestKit n1 = node("n1", cluster);
    Cluster.get(n1.system()).manager().tell(Join.create(n1.system().address()));
    int before = refusals.list.size();
    Config mixed = com.typesafe.config.ConfigFactory.parseMap(Map.of(
        "akka.remote.artery.ssl.config-ssl-engine.trust-store", cluster.caCert().toString())).withFallback(stranger.nodeConfig("n3"));
    ActorTestKit n3 = ActorTestKit.create("sidis", mixed.withFallback(TestClusters.nodeConfig("n3")));
    kits.add(n3);
    Cluster.get(n3.system()).manager().tell(Join.create(n1.system().address()));
    assertNeverJoins(n1, n3, Duration.ofSeconds(10));
    List<String> lines = linesSince(before);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("refused an inbound connection to [" + hostPort(n1) + "]")
            && l.contains("no certificate signed by this cluster's CA")),
        "n1 logs that the peer had no certificate from its CA; refusal lines: " + lines);
  }

  @Test
  void aPlainTcpNodeNeverJoinsAndIsRefusedInTheLog() {
    ActorTestKit n1 = node("n1", cluster);
    Cluster.get(n1.system()).manager().tell(Join.create(n1.system().address()));
    int before = refusals.list.size();
    ActorTestKit plain = node("n4", null);
    assertEquals("tcp", plain.system().settings().config().getString("akka.remote.artery.transport"));
    Cluster.get(plain.system()).manager().tell(Join.create(n1.system().address()));
    assertNeverJoins(n1, plain, Duration.ofSeconds(10));
    List<String> lines = linesSince(before);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("refused an inbound connection to [" + hostPort(n1) + "]")
            && l.contains("does not speak TLS")),
        "n1 logs that it refused a plain-TCP peer; refusal lines: " + lines);
  }

  private static List<String> linesSince(int before) {
    synchronized (refusals) {
      return new ArrayList<>(refusals.list.subList(before, refusals.list.size())).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static String hostPort(ActorTestKit kit) {
    akka.actor.Address a = kit.system().address();
    return a.getHost().orElseThrow() + ":" + a.getPort().orElseThrow();
  }

  /** For {@code during}, n1's cluster holds n1 alone and {@code outsider} is a member of no cluster it shares. */
  private static void assertNeverJoins(ActorTestKit n1, ActorTestKit outsider, Duration during) {
    long end = System.nanoTime() + during.toNanos();
    while (System.nanoTime() < end) {
      List<String> members = StreamSupport.stream(Cluster.get(n1.system()).state().getMembers().spliterator(), false)
          .map(m -> m.address() + " " + m.status()).toList();
      assertTrue(members.stream().noneMatch(m -> m.startsWith(outsider.system().address().toString())),
          "the outsider " + outsider.system().address() + " is a member as n1 sees it: " + members);
      boolean outsiderUp = StreamSupport.stream(Cluster.get(outsider.system()).state().getMembers().spliterator(), false)
          .anyMatch(m -> m.status() == MemberStatus.up());
      assertTrue(!outsiderUp, "the outsider believes it is in a cluster: " + Cluster.get(outsider.system()).state());
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
