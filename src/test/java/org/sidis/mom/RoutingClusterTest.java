package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.node.TestClusters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Routing between the queue managers of two ActorSystems on one Akka Cluster, each with its own
 * H2 store: messages PUT at n1 for a queue of n2 while n2 is down wait in n1's persistent
 * transmission queue; n1 then stops too, and when both come back — new ActorSystems on the same
 * stores — n1's channel finds its transmission queue in the journal and every message reaches
 * n2's queue once.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class RoutingClusterTest {

  @TempDir
  Path store;

  private Config node(String name) {
    return TestClusters.nodeConfig(name, TestClusters.h2Store(store.resolve(name)));
  }

  private static ActorRef<Command> manager(ActorTestKit kit, String node) {
    QueueSettings settings = QueueSettings.defaults()
        .withQueue("jobs", QueueSettings.Durability.PERSISTENT)
        .withTransmission(QueueSettings.Durability.PERSISTENT);
    return kit.spawn(QueueManager.create(settings, node), "queue-manager");
  }

  @Test
  void messagesForANodeThatIsDownSurviveARestartOfTheSenderAndArriveOnce() {
    ActorTestKit n1 = ActorTestKit.create("sidis", node("n1"));
    ActorTestKit n2 = ActorTestKit.create("sidis", node("n2"));
    List<String> sent = new ArrayList<>();
    try {
      TestClusters.joinAndAwaitUp(List.of(n1, n2));
      ActorRef<Command> atN1 = manager(n1, "n1");
      manager(n2, "n2");
      TestProbe<Reply> producer = n1.createTestProbe();
      n1.system().log().info("n2 stops; messages for it wait at n1");
      n2.shutdownTestKit();
      for (int i = 1; i <= 20; i++) {
        String id = "p1:" + i;
        atN1.tell(new Put("n2/jobs", id, "job " + i, producer.getRef()));
        assertEquals(new PutAck("n2/jobs", id), producer.receiveMessage(Duration.ofSeconds(10)),
            "acknowledged once stored in n1's transmission queue");
        sent.add(id);
      }
    } finally {
      n1.shutdownTestKit();
      n2.shutdownTestKit();
    }

    ActorTestKit n1again = ActorTestKit.create("sidis", node("n1"));
    ActorTestKit n2again = ActorTestKit.create("sidis", node("n2"));
    try {
      TestClusters.joinAndAwaitUp(List.of(n1again, n2again));
      manager(n1again, "n1");
      ActorRef<Command> atN2 = manager(n2again, "n2");
      TestProbe<Reply> consumer = n2again.createTestProbe();
      List<String> received = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        atN2.tell(new Get("jobs", Duration.ofSeconds(1), consumer.getRef()));
        Reply r = consumer.receiveMessage(Duration.ofSeconds(5));
        if (r instanceof Delivery d) {
          received.add(d.msgId());
          atN2.tell(new Ack("jobs", d.msgId(), d.token(), consumer.getRef()));
          assertEquals(new Acked("jobs", d.msgId()), consumer.receiveMessage(Duration.ofSeconds(5)));
        }
      }
      assertEquals(new TreeSet<>(sent), new TreeSet<>(received),
          "every message acknowledged at n1 reached n2's queue; received in this order: " + received);
      assertEquals(sent.size(), received.size(), "no message arrived twice: " + received);
      atN2.tell(new Get("jobs", Duration.ofSeconds(2), consumer.getRef()));
      assertEquals(new Empty("jobs"), consumer.receiveMessage(Duration.ofSeconds(5)), "nothing more came");
    } finally {
      n1again.shutdownTestKit();
      n2again.shutdownTestKit();
    }
  }
}
