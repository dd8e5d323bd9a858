package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.HdrHistogram.Histogram;
import org.sidis.mom.QueueManager;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.mom.QueueSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code sidis bench queue}: PUT→GET throughput and PUT-acknowledgement latency of one queue
 * manager in one JVM, transient or persistent (H2 file, WRITE_DELAY=0, in a fresh directory).
 * A producer keeps {@code window} PUTs outstanding; {@code consumers} GETs are outstanding, and
 * each delivery is acknowledged and followed by the next GET at once (the ack is not waited
 * for, as with Artemis's consumers). The rate is of messages whose ack was confirmed (stored,
 * for a persistent queue) over the measuring window.
 *
 * <p>Batched ({@code batch > 0}): the producer keeps {@code window} messages outstanding in
 * {@link PutBatch}es of {@code batch}; each consumer keeps one {@link Fetch} of up to
 * {@code prefetch} outstanding, acknowledges what it got with one {@link AckBatch} and fetches
 * again at once, without waiting for the acks to be stored. Every message's PUT-ack latency is
 * its batch's. The peers of {@link QueuePeer} are measured on the same terms.
 */
final class QueueBench {

  record Result(double rate, long consumed, double putP50Micros, double putP99Micros) {}

  private QueueBench() {}

  /**
   * {@code storeProfile}: settings over the defaults that name another store (e.g.
   * conf/postgres.conf), or null for H2 in a fresh temporary directory. Each run has its own
   * node name, so a shared database never replays an earlier run's queue.
   */
  static Result run(boolean persistent, int size, int warmupSeconds, int durationSeconds, int window, int consumers,
                    int batch, int prefetch, Config storeProfile) throws Exception {
    Path store = Files.createTempDirectory("sidis-bench-queue-");
    Config h2 = ConfigFactory.parseMap(Map.of("akka-persistence-jdbc.shared-databases.sidis.db.url",
        "jdbc:h2:file:" + store.resolve("bench").toAbsolutePath() + ";WRITE_DELAY=0"));
    Config config = ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "akka.loglevel", "WARNING",
            "sidis.node.name", "bench-" + Long.toHexString(System.currentTimeMillis()) + "-" + (persistent ? "p" : "t") + batch,
            "sidis.trace.enabled", "off"))
        .withFallback(storeProfile != null ? storeProfile : h2)
        .withFallback(ConfigFactory.load())
        .resolve();
    QueueSettings settings = QueueSettings.defaults().withQueue("bench",
        persistent ? QueueSettings.Durability.PERSISTENT : QueueSettings.Durability.TRANSIENT);
    CompletableFuture<Result> result = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ActorRef<Command> qm = ctx.spawn(QueueManager.create(settings), "queue-manager");
      ctx.spawn(batch > 0
          ? batchedDriver(qm, "x".repeat(size), window, consumers, batch, prefetch, warmupSeconds, durationSeconds, result)
          : driver(qm, "x".repeat(size), window, consumers, warmupSeconds, durationSeconds, result), "driver");
      return Behaviors.empty();
    }), "bench", config);
    try {
      return result.get();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Behavior<Reply> driver(ActorRef<Command> qm, String payload, int window, int consumers, int warmupSeconds,
                                        int durationSeconds, CompletableFuture<Result> result) {
    return Behaviors.setup(ctx -> {
      Map<String, Long> sentAt = new HashMap<>();
      Histogram putLatency = new Histogram(60_000_000L, 3);
      long start = System.nanoTime();
      long windowOpens = start + warmupSeconds * 1_000_000_000L;
      long windowCloses = windowOpens + durationSeconds * 1_000_000_000L;
      long[] next = {1};
      long[] consumed = {0, -1}; // total, at window start
      Runnable put = () -> {
        String id = "p:" + next[0]++;
        sentAt.put(id, System.nanoTime());
        qm.tell(new Put("bench", id, payload, ctx.getSelf()));
      };
      for (int i = 0; i < window; i++) put.run();
      for (int i = 0; i < consumers; i++) qm.tell(new Get("bench", Duration.ofSeconds(1), ctx.getSelf()));
      return Behaviors.receive(Reply.class)
          .onMessage(PutAck.class, m -> {
            long now = System.nanoTime();
            Long t = sentAt.remove(m.msgId());
            if (t != null && now >= windowOpens) putLatency.recordValue(Math.min((now - t) / 1000, 60_000_000L));
            if (now < windowCloses) put.run();
            return Behaviors.same();
          })
          .onMessage(Delivery.class, m -> {
            // Ack and GET the next at once, as Artemis's consumers ack and take the next
            // message: a consumer does not wait for its ack to be stored.
            qm.tell(new Ack("bench", m.msgId(), ctx.getSelf()));
            qm.tell(new Get("bench", Duration.ofSeconds(1), ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Acked.class, m -> {
            long now = System.nanoTime();
            consumed[0]++;
            if (consumed[1] < 0 && now >= windowOpens) consumed[1] = consumed[0];
            if (now >= windowCloses) {
              if (!result.isDone()) {
                double seconds = (now - windowOpens) / 1e9;
                long n = consumed[0] - Math.max(consumed[1], 0);
                result.complete(new Result(n / seconds, n, putLatency.getValueAtPercentile(50), putLatency.getValueAtPercentile(99)));
              }
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(Empty.class, m -> {
            qm.tell(new Get("bench", Duration.ofSeconds(1), ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Refused.class, m -> {
            result.completeExceptionally(new IllegalStateException("refused: " + m));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private static Behavior<Reply> batchedDriver(ActorRef<Command> qm, String payload, int window, int consumers, int batch,
                                               int prefetch, int warmupSeconds, int durationSeconds,
                                               CompletableFuture<Result> result) {
    return Behaviors.setup(ctx -> {
      Map<String, Long> sentAt = new HashMap<>(); // by the batch's first id
      Histogram putLatency = new Histogram(60_000_000L, 3);
      long start = System.nanoTime();
      long windowOpens = start + warmupSeconds * 1_000_000_000L;
      long windowCloses = windowOpens + durationSeconds * 1_000_000_000L;
      long[] next = {1};
      long[] consumed = {0, -1}; // total, at window start
      Duration wait = Duration.ofSeconds(1);
      Runnable put = () -> {
        java.util.List<Message> messages = new java.util.ArrayList<>(batch);
        for (int i = 0; i < batch; i++) messages.add(new Message("p:" + next[0]++, payload));
        sentAt.put(messages.get(0).msgId(), System.nanoTime());
        qm.tell(new PutBatch("bench", messages, ctx.getSelf()));
      };
      for (int i = 0; i < Math.max(1, window / batch); i++) put.run();
      for (int i = 0; i < consumers; i++) qm.tell(new Fetch("bench", prefetch, wait, ctx.getSelf()));
      return Behaviors.receive(Reply.class)
          .onMessage(PutBatchAck.class, m -> {
            long now = System.nanoTime();
            Long t = sentAt.remove(m.msgIds().get(0));
            if (t != null && now >= windowOpens) putLatency.recordValueWithCount(Math.min((now - t) / 1000, 60_000_000L), m.msgIds().size());
            if (now < windowCloses) put.run();
            return Behaviors.same();
          })
          .onMessage(Deliveries.class, m -> {
            qm.tell(new AckBatch("bench", m.deliveries().stream().map(Delivery::msgId).toList(), ctx.getSelf()));
            qm.tell(new Fetch("bench", prefetch, wait, ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(BatchAcked.class, m -> {
            long now = System.nanoTime();
            if (!m.refused().isEmpty()) {
              result.completeExceptionally(new IllegalStateException("acks refused: " + m.refused()));
              return Behaviors.stopped();
            }
            if (consumed[1] < 0 && now >= windowOpens) consumed[1] = consumed[0];
            consumed[0] += m.acked().size();
            if (now >= windowCloses && !result.isDone()) {
              double seconds = (now - windowOpens) / 1e9;
              long n = consumed[0] - Math.max(consumed[1], 0);
              result.complete(new Result(n / seconds, n, putLatency.getValueAtPercentile(50), putLatency.getValueAtPercentile(99)));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(Empty.class, m -> {
            qm.tell(new Fetch("bench", prefetch, wait, ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Refused.class, m -> {
            result.completeExceptionally(new IllegalStateException("refused: " + m));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
