package org.sidis.wire;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueManager;
import org.sidis.mom.QueueProtocol;
import org.sidis.mom.QueueSettings;
import org.sidis.node.TestClusters;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile or broken peer can put on the wire, sent to a node's queue manager over Artery:
 * a class that is no sidis message, bytes that are not CBOR, a sidis command with its fields
 * missing or null, and numbers too big for their fields. Each is refused with a log line — by
 * Akka's serializer (a class not bound to {@link CborSerializable}, bytes it cannot read) or by
 * the queue manager (a command it can read but not carry out) — and the node serves a well-formed
 * PUT from the same peer afterwards. The attacker's serializer is {@link Forger}.
 */
@org.junit.jupiter.api.Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class HostileWireTest {

  @TempDir
  Path dir;

  private static final CBORMapper CBOR = new CBORMapper();

  @Test
  void foreignTypesAndMalformedCborAreRefusedAndLoggedAndTheNodeKeepsServing() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    ActorTestKit victim = ActorTestKit.create("sidis", TestClusters.nodeConfig("victim", TestClusters.h2Store(dir.resolve("victim"))));
    Config forging = ConfigFactory.parseMap(Map.of(
        "akka.actor.serializers.jackson-cbor", Forger.class.getName(),
        "akka.actor.serialization-bindings.\"" + Forger.Forged.class.getName() + "\"", "jackson-cbor"));
    ActorTestKit attacker = ActorTestKit.create("sidis", forging.withFallback(TestClusters.nodeConfig("attacker")));
    try {
      TestClusters.joinAndAwaitUp(List.of(victim, attacker));
      victim.spawn(QueueManager.create(QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.TRANSIENT)), "queue-manager");
      akka.actor.ActorSelection qm = attacker.system().classicSystem()
          .actorSelection(victim.system().address() + "/user/queue-manager");
      TestProbe<QueueProtocol.Reply> app = attacker.createTestProbe();
      String replyTo = ActorRefResolver.get(attacker.system()).toSerializationFormat(app.getRef());
      String put = QueueProtocol.Put.class.getName();

      List<Forger.Forged> hostile = new ArrayList<>();
      // Not a sidis message: a JDK class, and a class that does not exist.
      hostile.add(new Forger.Forged("java.util.concurrent.ConcurrentHashMap", CBOR.writeValueAsBytes(Map.of("a", 1))));
      hostile.add(new Forger.Forged("org.evil.Gadget", CBOR.writeValueAsBytes(Map.of("cmd", "rm -rf /"))));
      // Not CBOR at all, and CBOR cut short.
      hostile.add(new Forger.Forged(put, new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}));
      byte[] whole = CBOR.writeValueAsBytes(putNode("jobs", "m-cut", replyTo));
      hostile.add(new Forger.Forged(put, java.util.Arrays.copyOf(whole, whole.length / 2)));
      // A PUT with every field missing, with null fields, with a queue that is a number.
      hostile.add(new Forger.Forged(put, CBOR.writeValueAsBytes(CBOR.createObjectNode())));
      ObjectNode nulls = putNode("jobs", "m-null", replyTo);
      nulls.putNull("queue");
      nulls.putNull("msgId");
      nulls.putNull("payload");
      hostile.add(new Forger.Forged(put, CBOR.writeValueAsBytes(nulls)));
      ObjectNode noReply = putNode("jobs", "m-noreply", replyTo);
      noReply.remove("replyTo");
      hostile.add(new Forger.Forged(put, CBOR.writeValueAsBytes(noReply)));
      // Numbers too big for their fields: a FETCH of 10^30 messages, a negative one, a GET waiting 10^20 s.
      ObjectNode huge = CBOR.createObjectNode().put("queue", "jobs").put("max", new BigInteger("1000000000000000000000000000000"))
          .put("replyTo", replyTo);
      huge.put("timeout", 1.0);
      hostile.add(new Forger.Forged(QueueProtocol.Fetch.class.getName(), CBOR.writeValueAsBytes(huge)));
      ObjectNode negative = CBOR.createObjectNode().put("queue", "jobs").put("max", -5).put("timeout", 1.0).put("replyTo", replyTo);
      hostile.add(new Forger.Forged(QueueProtocol.Fetch.class.getName(), CBOR.writeValueAsBytes(negative)));
      ObjectNode longWait = CBOR.createObjectNode().put("queue", "jobs").put("timeout", new BigInteger("100000000000000000000"))
          .put("replyTo", replyTo);
      hostile.add(new Forger.Forged(QueueProtocol.Get.class.getName(), CBOR.writeValueAsBytes(longWait)));

      int before = log.list.size();
      for (Forger.Forged f : hostile) qm.tell(f, akka.actor.ActorRef.noSender());

      // Afterwards, a well-formed PUT from the same peer over the same connection is served.
      qm.tell(new QueueProtocol.Put("jobs", "m-good", "fine", app.getRef()), akka.actor.ActorRef.noSender());
      List<QueueProtocol.Reply> replies = new ArrayList<>();
      QueueProtocol.Reply r;
      do {
        r = app.receiveMessage(Duration.ofSeconds(30));
        replies.add(r);
      } while (!(r instanceof QueueProtocol.PutAck));
      assertEquals(new QueueProtocol.PutAck("jobs", "m-good"), r, "the good PUT is stored; replies before it: " + replies);
      // Nothing hostile was stored: the queue holds the good message only.
      qm.tell(new QueueProtocol.Poll("jobs", app.getRef()), akka.actor.ActorRef.noSender());
      QueueProtocol.Reply polled = app.receiveMessage(Duration.ofSeconds(10));
      assertTrue(polled instanceof QueueProtocol.Delivery d && d.msgId().equals("m-good"), "the queue's one message is m-good: " + polled);

      List<String> lines = lines(log, before);
      String all = String.join("\n  ", lines);
      String fromAttacker = "Failed to deserialize message from [" + attacker.system().address() + "]";
      assertLogged(lines, l -> l.startsWith(fromAttacker) && l.contains("ConcurrentHashMap") && l.contains("allowed"),
          "the JDK class refused as not allowed", all);
      assertLogged(lines, l -> l.startsWith(fromAttacker) && l.contains("org.evil.Gadget"), "the unknown class refused", all);
      assertLogged(lines, l -> l.startsWith(fromAttacker) && l.contains("out of range of int"), "the huge FETCH refused", all);
      long unreadable = lines.stream().filter(l -> l.startsWith(fromAttacker)).count();
      long carriedOut = lines.stream().filter(l -> l.startsWith("refused ")).count();
      // Each hostile message refused once: unreadable ones by Akka's deserializer, readable but
      // invalid ones (missing or null fields, a negative count) by the queue manager.
      assertEquals(hostile.size(), unreadable + carriedOut, "each of " + hostile.size() + " hostile messages refused once ("
          + unreadable + " by the deserializer, " + carriedOut + " by the queue manager); log:\n  " + all);
      assertEquals(4, carriedOut, "the queue manager refuses the empty PUT, the PUT of nulls, the PUT without replyTo and the"
          + " FETCH of -5; log:\n  " + all);
      assertTrue(replies.stream().noneMatch(x -> x instanceof QueueProtocol.PutAck p && !p.msgId().equals("m-good")),
          "no hostile PUT acknowledged: " + replies);
    } finally {
      root.detachAppender(log);
      attacker.shutdownTestKit();
      victim.shutdownTestKit();
    }
  }

  private static ObjectNode putNode(String queue, String msgId, String replyTo) {
    return CBOR.createObjectNode().put("queue", queue).put("msgId", msgId).put("payload", "x").put("replyTo", replyTo);
  }

  private static List<String> lines(ListAppender<ILoggingEvent> log, int before) {
    synchronized (log) {
      return new ArrayList<>(log.list.subList(before, log.list.size())).stream()
          .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }
  }

  private static void assertLogged(List<String> lines, Predicate<String> line, String what, String all) {
    assertTrue(lines.stream().anyMatch(line), what + ": no such line in the log:\n  " + all);
  }
}
