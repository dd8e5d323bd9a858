package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.node.ChildJvm;
import org.sidis.mom.QueueProtocol.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Persistent queues on the default store (H2 in file mode, WRITE_DELAY=0): what was
 * acknowledged is there after the ActorSystem stops and a new one opens the same file. The
 * "restart" tests stop the system with {@code terminate()} — CoordinatedShutdown runs, so that
 * is an orderly stop, not a crash; the crash is a SIGKILL of a whole child JVM, in
 * {@link #aSigkilledQueueManagerLosesNoAcknowledgedPut} and its batched twin (and, for the
 * broker, topics, routing and message groups, in {@link MomKillTest}).
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // child JVMs killed and stores reopened
class PersistentQueueTest {

  @TempDir
  Path dir;

  static Config config(Path store, String node) {
    return ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "sidis.node.name", node,
            "sidis.trace.enabled", "off",
            "akka-persistence-jdbc.shared-databases.sidis.db.url",
            "jdbc:h2:file:" + store.resolve(node).toAbsolutePath() + ";WRITE_DELAY=0"))
        .withFallback(ConfigFactory.load());
  }

  static QueueSettings settings() {
    return QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.PERSISTENT)
        .withVisibility(Duration.ofMillis(500), 3);
  }

  /** Takes every message left in the queue, acknowledging each; returns their ids. */
  static List<String> drain(ActorTestKit kit, ActorRef<Command> qm) {
    TestProbe<Reply> consumer = kit.createTestProbe();
    List<String> ids = new ArrayList<>();
    while (true) {
      qm.tell(new Poll("jobs", consumer.getRef()));
      // Generous: the first poll waits for the store to open and replay (seconds on a loaded machine).
      Reply r = consumer.receiveMessage(Duration.ofSeconds(60));
      if (r instanceof Empty) return ids;
      Delivery d = (Delivery) r;
      ids.add(d.msgId());
      qm.tell(new Ack("jobs", d.msgId(), d.token(), consumer.getRef()));
      assertEquals(new Acked("jobs", d.msgId()), consumer.receiveMessage(Duration.ofSeconds(10)));
    }
  }

  @Test
  void everyAcknowledgedPutAndNoAcknowledgedGetSurvivesARestart() {
    survivesARestart(config(dir, "n1"));
  }

  @Test
  void onPostgresqlEveryAcknowledgedPutAndNoAcknowledgedGetSurvivesARestart() throws Exception {
    PostgresServer pg;
    try {
      pg = PostgresServer.start();
    } catch (PostgresServer.Unavailable e) {
      org.junit.jupiter.api.Assumptions.abort("skipped, no PostgreSQL: " + e.getMessage());
      return;
    }
    try (pg) {
      survivesARestart(pg.storeConfig().withFallback(config(dir, "n1")));
    }
  }

  private static void survivesARestart(Config store) {
    Set<String> acked = new HashSet<>();
    Set<String> consumed = new HashSet<>();
    ActorTestKit first = ActorTestKit.create("store1", store);
    try {
      ActorRef<Command> qm = first.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> producer = first.createTestProbe();
      for (int i = 1; i <= 200; i++) qm.tell(new Put("jobs", "p1:" + i, "m" + i, producer.getRef()));
      for (int i = 1; i <= 200; i++) acked.add(producer.expectMessageClass(PutAck.class, Duration.ofSeconds(60)).msgId());
      TestProbe<Reply> consumer = first.createTestProbe();
      for (int i = 0; i < 50; i++) {
        qm.tell(new Poll("jobs", consumer.getRef()));
        Delivery d = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
        qm.tell(new Ack("jobs", d.msgId(), d.token(), consumer.getRef()));
        consumer.expectMessageClass(Acked.class, Duration.ofSeconds(10));
        consumed.add(d.msgId());
      }
      // Ten more delivered but never acknowledged: they must come back after the restart.
      for (int i = 0; i < 10; i++) {
        qm.tell(new Poll("jobs", consumer.getRef()));
        consumer.expectMessageClass(Delivery.class);
      }
    } finally {
      first.system().terminate(); // orderly (CoordinatedShutdown), but no draining of the queue first
      first.system().getWhenTerminated().toCompletableFuture().join();
    }

    ActorTestKit second = ActorTestKit.create("store2", store);
    try {
      ActorRef<Command> qm = second.spawn(QueueManager.create(settings()), "queue-manager");
      List<String> left = drain(second, qm);
      Set<String> expected = new TreeSet<>(acked);
      expected.removeAll(consumed);
      Set<String> lost = new TreeSet<>(expected);
      lost.removeAll(left);
      Set<String> again = new TreeSet<>(left);
      again.retainAll(consumed);
      assertTrue(lost.isEmpty(), "acknowledged PUTs lost: " + lost);
      assertTrue(again.isEmpty(), "acknowledged messages delivered again: " + again);
      assertEquals(150, left.size(), "left after restart: " + left);
      assertEquals(new HashSet<>(left).size(), left.size(), "a message delivered twice in one drain: " + left);
    } finally {
      second.shutdownTestKit();
    }
  }

  /**
   * The batch operations keep the same promise: a {@link PutBatch} is acknowledged only once
   * its messages are stored, an {@link AckBatch} answered only once its acks are.
   */
  @Test
  void everyBatchAcknowledgedPutAndNoBatchAcknowledgedMessageSurvivesARestart() {
    Set<String> acked = new HashSet<>();
    Set<String> consumed = new HashSet<>();
    ActorTestKit first = ActorTestKit.create("batch1", config(dir, "n1"));
    try {
      ActorRef<Command> qm = first.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> producer = first.createTestProbe();
      for (int b = 0; b < 4; b++) {
        List<Message> batch = new ArrayList<>();
        for (int i = 1; i <= 50; i++) batch.add(new Message("p1:" + (b * 50 + i), "m"));
        qm.tell(new PutBatch("jobs", batch, producer.getRef()));
      }
      for (int b = 0; b < 4; b++) acked.addAll(producer.expectMessageClass(PutBatchAck.class, Duration.ofSeconds(20)).msgIds());
      TestProbe<Reply> consumer = first.createTestProbe();
      qm.tell(new Fetch("jobs", 50, Duration.ofSeconds(5), consumer.getRef()));
      Deliveries fetched = consumer.expectMessageClass(Deliveries.class, Duration.ofSeconds(10));
      List<String> got = fetched.deliveries().stream().map(Delivery::msgId).toList();
      assertEquals(50, got.size(), "one fetch of 50 from a queue of 200: " + got);
      qm.tell(AckBatch.of(fetched, consumer.getRef()));
      BatchAcked done = consumer.expectMessageClass(BatchAcked.class, Duration.ofSeconds(10));
      assertEquals(got, done.acked(), "refused: " + done.refused());
      consumed.addAll(done.acked());
      // Ten more fetched but never acknowledged: they must come back after the restart.
      qm.tell(new Fetch("jobs", 10, Duration.ofSeconds(5), consumer.getRef()));
      assertEquals(10, consumer.expectMessageClass(Deliveries.class, Duration.ofSeconds(10)).deliveries().size());
    } finally {
      first.system().terminate();
      first.system().getWhenTerminated().toCompletableFuture().join();
    }
    ActorTestKit second = ActorTestKit.create("batch2", config(dir, "n1"));
    try {
      ActorRef<Command> qm = second.spawn(QueueManager.create(settings()), "queue-manager");
      List<String> left = drain(second, qm);
      Set<String> lost = new TreeSet<>(acked);
      lost.removeAll(consumed);
      lost.removeAll(left);
      Set<String> again = new TreeSet<>(left);
      again.retainAll(consumed);
      assertTrue(lost.isEmpty(), "batch-acknowledged PUTs lost: " + lost);
      assertTrue(again.isEmpty(), "batch-acknowledged messages delivered again: " + again);
      assertEquals(150, left.size(), "left after restart: " + left);
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void aPersistentQueueRedeliversDeadLettersAndRemembersItsDeadLettersAcrossARestart() {
    QueueSettings s = QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.PERSISTENT)
        .withVisibility(Duration.ofMillis(300), 2);
    ActorTestKit first = ActorTestKit.create("dead1", config(dir, "n1"));
    try {
      ActorRef<Command> qm = first.spawn(QueueManager.create(s), "queue-manager");
      TestProbe<Reply> app = first.createTestProbe();
      TestProbe<Reply> handler = first.createTestProbe();
      qm.tell(new Notify("jobs", handler.getRef()));
      qm.tell(new Get("jobs", Duration.ofSeconds(5), app.getRef())); // waits for the PUT below
      qm.tell(new Put("jobs", "p1:1", "m1", app.getRef()));
      List<Reply> first2 = List.of(app.receiveMessage(Duration.ofSeconds(10)), app.receiveMessage(Duration.ofSeconds(10)));
      assertTrue(first2.contains(new PutAck("jobs", "p1:1")), first2.toString());
      assertTrue(first2.stream().map(Replies::untokened).toList().contains(Replies.delivery("jobs", "p1:1", "m1", 1)), first2.toString());
      assertEquals(new Inserted("jobs", "p1:1"), handler.receiveMessage(Duration.ofSeconds(5)));
      // Not acknowledged: back after 300 ms, then dead after the second delivery.
      qm.tell(new Get("jobs", Duration.ofSeconds(5), app.getRef()));
      assertEquals(2, app.expectMessageClass(Delivery.class, Duration.ofSeconds(5)).deliveries());
      qm.tell(new Get("jobs", Duration.ofMillis(1500), app.getRef()));
      assertEquals(new Empty("jobs"), app.receiveMessage(Duration.ofSeconds(5)));
      qm.tell(new ListDeadLetters("jobs", app.getRef()));
      assertEquals(new DeadLetters("jobs", List.of("p1:1"), 1), app.receiveMessage(Duration.ofSeconds(5)));
      qm.tell(new Ack("jobs", "p1:1", "2.late", app.getRef()));
      assertEquals(Refused.class, app.receiveMessage(Duration.ofSeconds(5)).getClass());
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = ActorTestKit.create("dead2", config(dir, "n1"));
    try {
      ActorRef<Command> qm = second.spawn(QueueManager.create(s), "queue-manager");
      TestProbe<Reply> app = second.createTestProbe();
      qm.tell(new ListDeadLetters("jobs", app.getRef()));
      assertEquals(new DeadLetters("jobs", List.of("p1:1"), 1), app.receiveMessage(Duration.ofSeconds(10)));
      qm.tell(new Poll("jobs", app.getRef()));
      assertEquals(new Empty("jobs"), app.receiveMessage(Duration.ofSeconds(10)));
    } finally {
      second.shutdownTestKit();
    }
  }

  /**
   * The journal's table vanishes under a running queue (renamed away) and comes back: a PUT is
   * not acknowledged while nothing can be stored, the queue restarts and replays once the store
   * is back, and a retried PUT is then stored and acknowledged — every message acknowledged
   * before or after is there, once.
   */
  @Test
  void aQueueWhoseJournalFailsAcknowledgesNothingUntilTheStoreIsBackThenLosesNothing() throws Exception {
    Config store = config(dir, "n1");
    String url = store.getString("akka-persistence-jdbc.shared-databases.sidis.db.url");
    ActorTestKit kit = ActorTestKit.create("journalfails", store);
    try (java.sql.Connection db = java.sql.DriverManager.getConnection(url, "sa", "")) {
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> app = kit.createTestProbe();
      qm.tell(new Put("jobs", "p1:1", "m1", app.getRef()));
      assertEquals(new PutAck("jobs", "p1:1"), app.receiveMessage(Duration.ofSeconds(20)));

      db.createStatement().execute("ALTER TABLE \"event_journal\" RENAME TO \"event_journal_away\"");
      qm.tell(new Poll("jobs", app.getRef()));
      assertEquals(Replies.delivery("jobs", "p1:1", "m1", 1), Replies.untokened(app.receiveMessage(Duration.ofSeconds(5))));
      qm.tell(new Put("jobs", "p1:2", "m2", app.getRef()));
      app.expectNoMessage(Duration.ofSeconds(2));

      db.createStatement().execute("ALTER TABLE \"event_journal_away\" RENAME TO \"event_journal\"");
      PutAck retried = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (retried == null && System.nanoTime() < deadline) {
        qm.tell(new Put("jobs", "p1:2", "m2", app.getRef())); // the producer retries
        Reply r = app.receiveMessage(Duration.ofSeconds(30));
        if (r instanceof PutAck a) retried = a;
      }
      assertEquals(new PutAck("jobs", "p1:2"), retried);
      List<String> left = drain(kit, qm);
      assertEquals(List.of("p1:1", "p1:2"), left.stream().sorted().toList(),
          "p1:1 was in flight when the journal restarted, so it is ready again; p1:2 stored once");
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aStoreThatCannotBeOpenedStopsTheQueueManagerWithTheStoresError() {
    Config bad = ConfigFactory.parseMap(Map.of("akka-persistence-jdbc.shared-databases.sidis.db.url",
        "jdbc:h2:file:/proc/no-such-place/db;WRITE_DELAY=0")).withFallback(config(dir, "n1"));
    ActorTestKit kit = ActorTestKit.create("badstore", bad);
    try {
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Object> watcher = kit.createTestProbe();
      watcher.expectTerminated(qm, Duration.ofSeconds(60));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aCorruptStoreStopsTheQueueManagerInsteadOfStartingEmpty() throws Exception {
    ActorTestKit first = ActorTestKit.create("corrupt", config(dir, "n1"));
    try {
      ActorRef<Command> qm = first.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> producer = first.createTestProbe();
      qm.tell(new Put("jobs", "p:1", "kept", producer.getRef()));
      producer.expectMessageClass(PutAck.class, Duration.ofSeconds(30));
    } finally {
      first.shutdownTestKit();
    }
    // Overwrite the database file with noise of the same length: its header and pages are gone.
    Path file = dir.resolve("n1.mv.db");
    byte[] noise = new byte[(int) java.nio.file.Files.size(file)];
    new java.util.Random(7).nextBytes(noise);
    java.nio.file.Files.write(file, noise);

    ActorTestKit second = ActorTestKit.create("corrupt", config(dir, "n1"));
    try {
      ActorRef<Command> qm = second.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Object> watcher = second.createTestProbe();
      watcher.expectTerminated(qm, Duration.ofSeconds(60));
    } finally {
      second.shutdownTestKit();
    }
  }

  /**
   * A child JVM runs a queue manager and a producer and prints each id whose PUT was
   * acknowledged; the test SIGKILLs it mid-stream, opens the same H2 file here and drains the
   * queue: every printed id must be there.
   */
  @Test
  void aSigkilledQueueManagerLosesNoAcknowledgedPut() throws Exception {
    List<String> acked = new ArrayList<>();
    try (ChildJvm child = ChildJvm.start(dir, KilledProducer.class, dir.toString())) {
      String line;
      while (acked.size() < 300 && (line = child.out().next(Duration.ofSeconds(60))) != null) {
        if (line.startsWith("acked ")) acked.add(line.substring(6));
      }
      assertTrue(acked.size() >= 300, "the child acknowledged only " + acked.size() + " PUTs; see " + child.err());
      child.sigkill(); // SIGKILL: no shutdown hook, no close of the database
      // What it printed before dying was acknowledged too.
      while ((line = child.out().next(Duration.ofSeconds(30))) != null) {
        if (line.startsWith("acked ")) acked.add(line.substring(6));
      }
    }

    ActorTestKit kit = ActorTestKit.create("afterkill", config(dir, "n1"));
    try {
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      List<String> left = drain(kit, qm);
      Set<String> lost = new TreeSet<>(acked);
      left.forEach(lost::remove);
      assertTrue(lost.isEmpty(), lost.size() + " acknowledged PUTs lost of " + acked.size() + ": " + lost);
      Map<String, Integer> count = new HashMap<>();
      left.forEach(id -> count.merge(id, 1, Integer::sum));
      assertTrue(count.values().stream().allMatch(c -> c == 1), "duplicates: " + count);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /**
   * Batching changes what one journal write holds — many PUTs, many ACKs — so the SIGKILL test
   * again with batches: a child JVM puts {@link PutBatch}es and consumes with {@link Fetch} and
   * {@link AckBatch} at the same time, printing every id whose PUT was acknowledged, every id
   * it is about to ack and every id whose ACK was confirmed. After the kill (and reading all it
   * printed before dying) every acknowledged PUT must be in the queue unless its ACK was sent —
   * an ACK stored but not yet confirmed may go either way — and no confirmed ACK's message.
   */
  @Test
  void aSigkilledQueueManagerLosesNoBatchAcknowledgedPutAndBringsBackNoBatchAcknowledgedMessage() throws Exception {
    Set<String> acked = new HashSet<>();
    Set<String> acking = new HashSet<>();
    Set<String> consumed = new HashSet<>();
    try (ChildJvm child = ChildJvm.start(dir, KilledBatchProducer.class, dir.toString())) {
      String line;
      boolean killed = false;
      while ((line = child.out().next(Duration.ofSeconds(60))) != null) {
        if (line.startsWith("acked ")) acked.add(line.substring(6));
        if (line.startsWith("acking ")) acking.add(line.substring(7));
        if (line.startsWith("consumed ")) consumed.add(line.substring(9));
        if (!killed && acked.size() >= 2000 && consumed.size() >= 500) {
          // SIGKILL, then read on to the end of what it printed before it died.
          child.sigkill();
          killed = true;
        }
      }
      assertTrue(killed, "the child stopped printing after " + acked.size() + " acknowledged PUTs and "
          + consumed.size() + " ACKs; see " + child.err());
    }

    ActorTestKit kit = ActorTestKit.create("afterbatchkill", config(dir, "n1"));
    try {
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      List<String> left = drain(kit, qm);
      Set<String> lost = new TreeSet<>(acked);
      lost.removeAll(acking);
      left.forEach(lost::remove);
      Set<String> again = new TreeSet<>(left);
      again.retainAll(consumed);
      assertTrue(lost.isEmpty(), lost.size() + " batch-acknowledged PUTs lost of " + acked.size() + ": " + lost);
      assertTrue(again.isEmpty(), again.size() + " consumed messages back after the kill: " + again);
      assertEquals(new HashSet<>(left).size(), left.size(), "a message twice in one drain: " + left);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /** The child JVM of the batched SIGKILL test: PutBatches of 20, five outstanding; one consumer fetching 50 at a time. */
  public static final class KilledBatchProducer {
    public static void main(String[] args) {
      ChildJvm.main("killed batch producer", () -> run(args));
    }

    private static void run(String[] args) {
      ActorTestKit kit = ActorTestKit.create("killedbatch", config(Path.of(args[0]), "n1"));
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> app = kit.createTestProbe();
      long[] next = {1};
      Runnable put = () -> {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++, next[0]++) batch.add(new Message("p1:" + next[0], "m" + next[0]));
        qm.tell(new PutBatch("jobs", batch, app.getRef()));
      };
      for (int i = 0; i < 5; i++) put.run();
      qm.tell(new Fetch("jobs", 50, Duration.ofSeconds(1), app.getRef()));
      while (true) {
        Reply r = app.receiveMessage(Duration.ofSeconds(30));
        StringBuilder lines = new StringBuilder();
        if (r instanceof PutBatchAck a) {
          a.msgIds().forEach(id -> lines.append("acked ").append(id).append('\n'));
          put.run();
        } else if (r instanceof Deliveries d) {
          d.deliveries().forEach(m -> lines.append("acking ").append(m.msgId()).append('\n'));
          System.out.print(lines); // before the ACK leaves: what may be gone after the kill
          System.out.flush();
          lines.setLength(0);
          qm.tell(AckBatch.of(d, app.getRef()));
          qm.tell(new Fetch("jobs", 50, Duration.ofSeconds(1), app.getRef()));
        } else if (r instanceof BatchAcked b) {
          b.acked().forEach(id -> lines.append("consumed ").append(id).append('\n'));
        } else if (r instanceof Empty) {
          qm.tell(new Fetch("jobs", 50, Duration.ofSeconds(1), app.getRef()));
        } else {
          throw new IllegalStateException("unexpected " + r);
        }
        System.out.print(lines);
        System.out.flush();
      }
    }
  }

  /** The child JVM of the SIGKILL test: PUTs as fast as acknowledgements come, forever. */
  public static final class KilledProducer {
    public static void main(String[] args) {
      ChildJvm.main("killed producer", () -> run(args));
    }

    private static void run(String[] args) {
      ActorTestKit kit = ActorTestKit.create("killed", config(Path.of(args[0]), "n1"));
      ActorRef<Command> qm = kit.spawn(QueueManager.create(settings()), "queue-manager");
      TestProbe<Reply> producer = kit.createTestProbe();
      int window = 50;
      long next = 1;
      for (; next <= window; next++) qm.tell(new Put("jobs", "p1:" + next, "m" + next, producer.getRef()));
      while (true) {
        PutAck ack = producer.expectMessageClass(PutAck.class, Duration.ofSeconds(30));
        System.out.println("acked " + ack.msgId());
        System.out.flush();
        qm.tell(new Put("jobs", "p1:" + next, "m" + next, producer.getRef()));
        next++;
      }
    }
  }

  // ------------------------------------------------------------------ issue 17: routing dedupe, on-demand durability

  /** Runs {@code body} against a fresh ActorSystem on node n3's store, then stops it abruptly. */
  private void onN3(String system, QueueSettings settings, java.util.function.BiConsumer<ActorTestKit, ActorRef<Command>> body) {
    ActorTestKit kit = ActorTestKit.create(system, config(dir, "n3"));
    try {
      body.accept(kit, kit.spawn(QueueManager.create(settings), "queue-manager"));
    } finally {
      kit.system().terminate();
      kit.system().getWhenTerminated().toCompletableFuture().join();
    }
  }

  @Test
  void aForwardConsumedBeforeTheDestinationRestartedIsNotStoredAgain() {
    TestProbe<Command>[] origin = new TestProbe[1];
    QueueManager.Forward[] f = new QueueManager.Forward[1];
    onN3("fwd1", settings(), (kit, qm) -> {
      origin[0] = kit.createTestProbe();
      f[0] = new QueueManager.Forward("jobs", "p1:7", "x", "n1", origin[0].getRef());
      qm.tell(f[0]);
      assertEquals(new QueueManager.Forwarded("n3", "p1:7"), origin[0].receiveMessage(Duration.ofSeconds(10)));
      assertEquals(List.of("p1:7"), drain(kit, qm));
    });
    onN3("fwd2", settings(), (kit, qm) -> {
      TestProbe<Command> again = kit.createTestProbe();
      // Its confirmation was lost, say: after the restart n1 sends it once more.
      qm.tell(new QueueManager.Forward("jobs", "p1:7", "x", "n1", again.getRef()));
      assertEquals(new QueueManager.Forwarded("n3", "p1:7"), again.receiveMessage(Duration.ofSeconds(10)));
      assertEquals(List.of(), drain(kit, qm), "a forward consumed before the restart was stored a second time");
    });
  }

  @Test
  void aQueueCreatedOnDemandOnANodeWithAStoreKeepsAnAcknowledgedPutAcrossARestart() {
    QueueSettings store = QueueSettings.defaults().withTransmission(QueueSettings.Durability.PERSISTENT);
    onN3("od1", store, (kit, qm) -> {
      TestProbe<Reply> producer = kit.createTestProbe();
      qm.tell(new Put("undeclared", "p1:1", "x", producer.getRef()));
      assertEquals(new PutAck("undeclared", "p1:1"), producer.receiveMessage(Duration.ofSeconds(10)));
    });
    onN3("od2", store, (kit, qm) -> {
      TestProbe<Reply> consumer = kit.createTestProbe();
      qm.tell(new Poll("undeclared", consumer.getRef()));
      Reply r = consumer.receiveMessage(Duration.ofSeconds(10));
      assertTrue(r instanceof Delivery d && d.msgId().equals("p1:1"),
          "the PUT to a queue created on demand was acknowledged, then lost in a restart: " + r);
    });
  }
  // ------------------------------------------------------------------ issue 17: a repeated ack in one write

  /**
   * A consumer that re-sends an ack (its first answer late, under a partition) may have both
   * copies land in one journal write. The copy that came first must be answered {@link Acked};
   * the repeat, the same delivery acknowledged once more, is answered {@link Acked} too, after the
   * write — a {@link Refused} before the Acked told the consumer its ack failed, and the demo's
   * checker counted the acknowledged message lost.
   */
  @Test
  void anAckRepeatedWithinOneJournalWriteIsAnsweredAckedTwiceNeverRefusedFirst() {
    onN3("reack", settings(), (kit, qm) -> {
      TestProbe<Reply> producer = kit.createTestProbe();
      TestProbe<Reply> consumer = kit.createTestProbe();
      qm.tell(new Put("jobs", "p1:1", "x", producer.getRef()));
      producer.expectMessageClass(PutAck.class, Duration.ofSeconds(60));
      qm.tell(new Poll("jobs", consumer.getRef()));
      Delivery d = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
      // A PUT first starts a journal write, so both acks wait for the next one and go together.
      qm.tell(new Put("jobs", "p1:2", "y", producer.getRef()));
      qm.tell(new Ack("jobs", d.msgId(), d.token(), consumer.getRef()));
      qm.tell(new Ack("jobs", d.msgId(), d.token(), consumer.getRef()));
      Reply first = consumer.receiveMessage(Duration.ofSeconds(10));
      Reply second = consumer.receiveMessage(Duration.ofSeconds(10));
      assertEquals(List.of(new Acked("jobs", "p1:1"), new Acked("jobs", "p1:1")), List.of(first, second),
          "answers to one delivery acknowledged twice in one write");
      producer.expectMessageClass(PutAck.class, Duration.ofSeconds(10));
      // The same in one AckBatch naming the delivery twice: acknowledged, not refused.
      qm.tell(new Poll("jobs", consumer.getRef()));
      Delivery d2 = consumer.expectMessageClass(Delivery.class, Duration.ofSeconds(10));
      qm.tell(new AckBatch("jobs", List.of(d2.handle(), d2.handle()), consumer.getRef()));
      BatchAcked b = consumer.expectMessageClass(BatchAcked.class, Duration.ofSeconds(10));
      assertEquals(List.of(), b.refused(), "a handle named twice in one AckBatch: " + b);
      assertTrue(b.acked().contains("p1:2"), "the AckBatch's message not acknowledged: " + b);
      assertEquals(List.of(), drain(kit, qm), "acknowledged messages still in the queue");
    });
  }
}
