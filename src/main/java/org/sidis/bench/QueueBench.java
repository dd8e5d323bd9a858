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
public final class QueueBench {

  public record Result(double rate, long consumed, double putP50Micros, double putP99Micros) {}

  private QueueBench() {}

  /**
   * {@code storeProfile}: settings over the defaults that name another store (e.g.
   * conf/postgres.conf), or null for H2 in a fresh temporary directory. Each run has its own
   * node name, so a shared database never replays an earlier run's queue.
   */
  public static Result run(boolean persistent, int size, int warmupSeconds, int durationSeconds, int window, int consumers,
                    int batch, int prefetch, Config storeProfile) throws Exception {
    ScratchStore store = ScratchStore.create("queue");
    Config h2 = ConfigFactory.parseMap(Map.of("akka-persistence-jdbc.shared-databases.sidis.db.url", store.h2Url()));
    Config config = ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "akka.loglevel", "WARNING",
            "sidis.node.name", "bench-" + Long.toHexString(System.currentTimeMillis()) + "-" + (persistent ? "p" : "t") + batch,
            "sidis.trace.enabled", "off"))
        .withFallback(storeProfile != null ? storeProfile : h2)
        .withFallback(org.sidis.node.Node.defaults())
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
    return store.await(system, result);
  }

  private static Behavior<Reply> driver(ActorRef<Command> qm, String payload, int window, int consumers, int warmupSeconds,
                                        int durationSeconds, CompletableFuture<Result> result) {
    return Behaviors.setup(ctx -> {
      Map<String, Long> sentAt = new HashMap<>();
      Window measured = new Window(warmupSeconds, durationSeconds);
      long[] next = {1};
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
            if (t != null) measured.putAcked(t, now, 1);
            if (!measured.closed(now)) put.run();
            return Behaviors.same();
          })
          .onMessage(Delivery.class, m -> {
            // Ack and GET the next at once, as Artemis's consumers ack and take the next
            // message: a consumer does not wait for its ack to be stored.
            qm.tell(new Ack(m, ctx.getSelf()));
            qm.tell(new Get("bench", Duration.ofSeconds(1), ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Acked.class, m -> {
            long now = System.nanoTime();
            measured.consumed(1);
            measured.markOpen(now);
            if (measured.closed(now)) {
              if (!result.isDone()) result.complete(measured.result(now));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(Empty.class, m -> {
            qm.tell(new Get("bench", Duration.ofSeconds(1), ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Refused.class, m -> refused(m, result))
          .build();
    });
  }

  private static Behavior<Reply> batchedDriver(ActorRef<Command> qm, String payload, int window, int consumers, int batch,
                                               int prefetch, int warmupSeconds, int durationSeconds,
                                               CompletableFuture<Result> result) {
    return Behaviors.setup(ctx -> {
      Map<String, Long> sentAt = new HashMap<>(); // by the batch's first id
      Window measured = new Window(warmupSeconds, durationSeconds);
      long[] next = {1};
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
            if (t != null) measured.putAcked(t, now, m.msgIds().size());
            if (!measured.closed(now)) put.run();
            return Behaviors.same();
          })
          .onMessage(Deliveries.class, m -> {
            qm.tell(AckBatch.of(m, ctx.getSelf()));
            qm.tell(new Fetch("bench", prefetch, wait, ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(BatchAcked.class, m -> {
            long now = System.nanoTime();
            if (!m.refused().isEmpty()) {
              result.completeExceptionally(new IllegalStateException("acks refused: " + m.refused()));
              return Behaviors.stopped();
            }
            measured.markOpen(now);
            measured.consumed(m.acked().size());
            if (measured.closed(now) && !result.isDone()) {
              result.complete(measured.result(now));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(Empty.class, m -> {
            qm.tell(new Fetch("bench", prefetch, wait, ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Refused.class, m -> refused(m, result))
          .build();
    });
  }

  private static Behavior<Reply> refused(Refused m, CompletableFuture<Result> result) {
    result.completeExceptionally(new IllegalStateException("refused: " + m));
    return Behaviors.stopped();
  }

  /**
   * The measuring window: it opens {@code warmup} seconds after the driver starts and closes
   * {@code duration} seconds later. PUT-ack latencies (µs, capped at 60 s) are recorded once it
   * is open; the rate counts the messages consumed from when it opened until it closed.
   */
  static final class Window {
    private final long opens;
    private final long closes;
    private final Histogram putLatency = new Histogram(60_000_000L, 3);
    private long consumed;
    private long consumedAtOpen = -1;

    Window(int warmupSeconds, int durationSeconds) {
      this(System.nanoTime(), warmupSeconds, durationSeconds);
    }

    /** Starting at {@code startNanos} on the nanoTime scale: the tests' clock. */
    Window(long startNanos, int warmupSeconds, int durationSeconds) {
      opens = startNanos + warmupSeconds * 1_000_000_000L;
      closes = opens + durationSeconds * 1_000_000_000L;
    }

    boolean closed(long now) {
      return now >= closes;
    }

    /** A PUT of {@code messages} sent at {@code sentAt} was acknowledged at {@code now}. */
    void putAcked(long sentAt, long now, int messages) {
      if (now >= opens) putLatency.recordValueWithCount(Math.min((now - sentAt) / 1000, 60_000_000L), messages);
    }

    void consumed(int messages) {
      consumed += messages;
    }

    /** Notes the count consumed so far as the window's start, the first time it is seen open. */
    void markOpen(long now) {
      if (consumedAtOpen < 0 && now >= opens) consumedAtOpen = consumed;
    }

    Result result(long now) {
      double seconds = (now - opens) / 1e9;
      long n = consumed - Math.max(consumedAtOpen, 0);
      return new Result(n / seconds, n, putLatency.getValueAtPercentile(50), putLatency.getValueAtPercentile(99));
    }
  }
}
