package org.sidis.mom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.trace.Events;

/**
 * A persistent queue traces the acks it journals (issue 17): a consumer downed after the queue
 * journaled its ack but before the answer reached it never traces {@code ack}, and the queue
 * checker counted its message lost. The queue's {@code ack-journaled} line must be in the trace
 * file by the time the consumer could hear {@code Acked} — read here right after the probe gets
 * it, with the node still running (what a kill of either side leaves) — and only for acks the
 * queue took: a refused ack and a delivery never acknowledged leave none.
 */
@org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES) // an H2 store opens
class QueueAckTraceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private List<JsonNode> journaledAcks() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    Path file = dir.resolve("trace").resolve("n1.jsonl");
    if (!Files.exists(file)) return out;
    for (String l : Files.readAllLines(file)) {
      JsonNode e = JSON.readTree(l);
      if (Events.Queue.ACK_JOURNALED.equals(e.path("event").asText())) out.add(e);
    }
    return out;
  }

  @Test
  void theQueueTracesEachAckItJournaledBeforeItAnswers() throws Exception {
    ActorTestKit kit = ActorTestKit.create("queue-ack-trace", ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "sidis.node.name", "n1",
            "sidis.trace.dir", dir.resolve("trace").toString(),
            "sidis.trace.flush-interval", "1h", // only the queue's own flush can put the line there in time
            "akka-persistence-jdbc.shared-databases.sidis.db.url",
            "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath() + ";WRITE_DELAY=0"))
        .withFallback(ConfigFactory.load()));
    try {
      ActorRef<Command> qm = kit.spawn(QueueManager.create(PersistentQueueTest.settings()), "queue-manager");
      TestProbe<Reply> producer = kit.createTestProbe();
      for (int i = 1; i <= 4; i++) qm.tell(new Put("jobs", "p1:" + i, "m" + i, producer.getRef()));
      for (int i = 1; i <= 4; i++) producer.expectMessageClass(PutAck.class, Duration.ofSeconds(60));

      TestProbe<Reply> consumer = kit.createTestProbe();
      qm.tell(new Poll("jobs", consumer.getRef()));
      Delivery first = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
      // A forged token: refused at once, never journaled, no line.
      qm.tell(new Ack("jobs", first.msgId(), "forged", consumer.getRef()));
      consumer.expectMessageClass(Refused.class, Duration.ofSeconds(10));
      assertEquals(List.of(), journaledAcks(), "a refused ack is not journaled");

      qm.tell(new Ack(first, consumer.getRef()));
      consumer.expectMessage(Duration.ofSeconds(10), new Acked("jobs", first.msgId()));
      List<JsonNode> lines = journaledAcks();
      assertEquals(1, lines.size(), "the line is in the file when Acked arrives: " + lines);
      JsonNode line = lines.get(0);
      assertEquals(first.msgId(), line.path("msg").asText());
      assertEquals(Events.Proto.QUEUE, line.path("proto").asText());
      assertEquals("jobs", line.path("group").asText());
      assertEquals("n1", line.path("node").asText());
      assertTrue(line.path("actor").asText().startsWith("/user/queue-manager"), line.toString());

      // A batch ack: one line per message it journaled; a third delivery, never acked, has none.
      qm.tell(new Fetch("jobs", 2, Duration.ofSeconds(5), consumer.getRef()));
      Deliveries two = consumer.expectMessageClass(Deliveries.class, Duration.ofSeconds(10));
      qm.tell(new Poll("jobs", consumer.getRef()));
      Delivery neverAcked = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
      qm.tell(AckBatch.of(two, consumer.getRef()));
      BatchAcked done = consumer.expectMessageClass(BatchAcked.class, Duration.ofSeconds(10));
      assertEquals(2, done.acked().size(), "refused: " + done.refused());
      List<String> ids = journaledAcks().stream().map(e -> e.path("msg").asText()).toList();
      List<String> expected = new ArrayList<>(List.of(first.msgId()));
      expected.addAll(done.acked());
      assertEquals(expected, ids);
      assertTrue(!ids.contains(neverAcked.msgId()), neverAcked.msgId() + " was never acked: " + ids);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
