package org.sidis.node;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw bytes and half-open connections on a node's Artery port (issue 18 item 5): two sidis nodes
 * of one JVM form a cluster, then strangers connect to n1's Artery TCP port and send random bytes,
 * Artery's connection magic followed by garbage, or connect and stall (50 at once). n1 stays up,
 * both nodes still see each other Up, messages still cross in both directions, and n1's log says
 * it refused the bad connections.
 */
@Timeout(180)
class ArteryPortFuzzTest {

  private static final long SEED = Long.getLong("sidis.fuzz.seed", 0x5EED_A47EL);

  private final List<ActorTestKit> kits = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger akkaLog = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a socket the node already reset
      }
    }
    akkaLog.detachAppender(log);
    // Not thrown: with -Dsidis.fuzz.seed=1 a node did not terminate within 60 s after the garbage
    // ("Failed to stop [sidis] within [1 minute]"), an open finding reported to the lead, not
    // what this test asserts; it is printed so that a run shows it.
    for (ActorTestKit k : kits) {
      ActorTestKit.shutdown(k.system(), Duration.ofSeconds(60), false);
      if (!k.system().getWhenTerminated().toCompletableFuture().isDone()) {
        System.out.println("ArteryPortFuzzTest seed=" + SEED + ": " + k.system().address() + " did not terminate within 60 s");
      }
    }
  }

  @Test
  void garbageAndHalfOpenConnectionsOnTheArteryPortLeaveTheClusterWorking() throws Exception {
    System.out.println("ArteryPortFuzzTest seed=" + SEED + " (rerun with -Dsidis.fuzz.seed=" + SEED + ")");
    log.start();
    akkaLog.addAppender(log);
    ActorTestKit n1 = ActorTestKit.create(Node.SYSTEM, TestClusters.nodeConfig("n1"));
    kits.add(n1);
    ActorTestKit n2 = ActorTestKit.create(Node.SYSTEM, TestClusters.nodeConfig("n2"));
    kits.add(n2);
    TestClusters.joinAndAwaitUp(kits);
    int port = n1.system().address().getPort().get();
    stillACluster(n1, n2, "before");

    Random random = new Random(SEED);
    // 1. Random bytes.
    for (int i = 0; i < 10; i++) {
      byte[] junk = new byte[1 + random.nextInt(64 * 1024)];
      random.nextBytes(junk);
      sendAndClose(port, junk);
    }
    // 2. Artery's TCP connection header ("AKKA" and a stream id) and then garbage frames.
    for (int streamId = 0; streamId < 4; streamId++) {
      byte[] junk = new byte[5 + random.nextInt(8 * 1024)];
      random.nextBytes(junk);
      System.arraycopy("AKKA".getBytes(StandardCharsets.US_ASCII), 0, junk, 0, 4);
      junk[4] = (byte) streamId;
      sendAndClose(port, junk);
    }
    // 3. Fifty half-open connections: half say nothing, half send part of the header and stall.
    for (int i = 0; i < 50; i++) {
      Socket s = new Socket("127.0.0.1", port);
      sockets.add(s);
      if (i % 2 == 1) {
        s.getOutputStream().write("AK".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
    }
    stillACluster(n1, n2, "while 50 half-open connections are held");

    // What Akka 2.6.21 logs (seen in this test): garbage after the "AKKA" header is decoded as
    // frames, each dropped with a WARN "Dropping message due to: ..." from the Decoder (thousands
    // of lines for a few kB: a log-flood to note); a connection cut mid-frame is an ERROR from
    // TcpFraming's ByteStringParser. Random bytes without the magic got no WARN/ERROR line of their own.
    // Akka logs asynchronously: wait (30 s at most) for the first line about the garbage.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && new ArrayList<>(log.list).stream().noneMatch(e -> e.getFormattedMessage().contains("Dropping message")
        || e.getFormattedMessage().contains("TcpFraming"))) {
      Thread.sleep(100);
    }
    List<String> refusals = new ArrayList<>(log.list).stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
        .filter(l -> l.contains("Dropping message") || l.contains("TcpFraming") || l.toLowerCase().contains("magic")).toList();
    System.out.println(refusals.size() + " log lines about the bad connections, the first:\n  "
        + String.join("\n  ", refusals.subList(0, Math.min(5, refusals.size()))));
    assertFalse(refusals.isEmpty(), "n1 logged nothing about the bad connections (Dropping message / TcpFraming / magic)");
  }

  private void sendAndClose(int port, byte[] bytes) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException resetWhileWriting) {
        // n1 may close the connection before it has read everything: that is the refusal
      }
    }
  }

  /** Both see both Up, and a message crosses each way (through Artery and serialization). */
  private static void stillACluster(ActorTestKit n1, ActorTestKit n2, String when) {
    for (ActorTestKit k : List.of(n1, n2)) {
      long up = StreamSupport.stream(Cluster.get(k.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      assertTrue(up == 2, when + ": " + k.system().address() + " sees " + up + " members Up, not 2: "
          + Cluster.get(k.system()).state().getMembers());
    }
    crosses(n1, n2, "n1 -> n2 " + when);
    crosses(n2, n1, "n2 -> n1 " + when);
  }

  private static void crosses(ActorTestKit from, ActorTestKit to, String what) {
    TestProbe<String> probe = to.createTestProbe();
    String path = ActorRefResolver.get(to.system()).toSerializationFormat(probe.ref());
    ActorRef<String> remote = ActorRefResolver.get(from.system()).resolveActorRef(path);
    remote.tell(what);
    probe.expectMessage(Duration.ofSeconds(20), what);
  }
}
