package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.HdrHistogram.Histogram;
import org.sidis.mom.LogManager;
import org.sidis.mom.LogProtocol;
import org.sidis.mom.LogSettings;
import org.sidis.mom.TopicLog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code sidis bench log}: append throughput and append-acknowledgement latency of one topic
 * (4 partitions) in one JVM on H2 (WRITE_DELAY=0, a fresh directory per system), with
 * {@code window} appends outstanding — beside the baseline measured in the same run: raw Akka
 * Persistence over the same JDBC journal, an event-sourced actor that persists each record as
 * one event and answers (what a log without batching costs at least). Then the replay rate: the
 * whole topic read back from offset 0 — from the topic's memory, where the journal is replayed
 * at start; reads never touch the database.
 */
public final class LogBench {

  private LogBench() {}

  record Result(double perSecond, double p50Micros, double p99Micros, double replayPerSecond) {}

  public static int run(PrintStream out, int size, int warmup, int duration, int window, Path json) throws IOException {
    if (size < 1 || size > 64 * 1024 || window < 1 || warmup < 0 || duration < 1) {
      System.err.println("error: bench log needs --size 1..65536, --window >= 1, --warmup >= 0 and --duration >= 1");
      return 2;
    }
    out.printf("bench log: %d B records, %d appends outstanding, %d s measured after %d s warm-up, H2 (WRITE_DELAY=0)%n",
        size, window, duration, warmup);
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("bench", "log");
    root.putObject("params").put("size", size).put("window", window).put("warmup_s", warmup).put("duration_s", duration);
    ArrayNode rows = root.putArray("rows");
    out.printf("%-52s %12s %12s %12s %14s%n", "system", "appends/s", "ack p50 us", "ack p99 us", "replay rec/s");
    double baseline = 0;
    String[][] systems = {
        {"akka-persistence-jdbc-persist-per-record", "raw", "1"},
        {"sidis-log-unbatched (max-batch 1)", "log", "1"},
        {"sidis-log (max-batch 500)", "log", "500"}};
    for (String[] s : systems) {
      Result r;
      try {
        r = measure(s[1].equals("raw"), Integer.parseInt(s[2]), size, warmup, duration, window);
      } catch (Exception e) {
        System.err.println("error: " + s[0] + " failed: " + e);
        return 1;
      }
      boolean isBaseline = s[1].equals("raw");
      if (isBaseline) baseline = r.perSecond();
      out.printf("%-52s %,12.0f %12.0f %12.0f %14s%n", s[0] + (isBaseline ? " (baseline)" : ""), r.perSecond(), r.p50Micros(),
          r.p99Micros(), isBaseline ? "-" : String.format("%,.0f", r.replayPerSecond()));
      rows.addObject().put("system", s[0]).put("baseline", isBaseline).put("metric", "appends_per_s")
          .put("value", Math.round(r.perSecond())).put("unit", "records/s");
      rows.addObject().put("system", s[0]).put("baseline", isBaseline).put("metric", "append_ack_p50").put("value", r.p50Micros()).put("unit", "us");
      rows.addObject().put("system", s[0]).put("baseline", isBaseline).put("metric", "append_ack_p99").put("value", r.p99Micros()).put("unit", "us");
      if (!isBaseline) {
        rows.addObject().put("system", s[0]).put("baseline", false).put("metric", "replay_per_s")
            .put("value", Math.round(r.replayPerSecond())).put("unit", "records/s");
        out.printf("  ratio to the baseline: %.2fx%n", baseline == 0 ? 0 : r.perSecond() / baseline);
      }
    }
    if (json != null) {
      m.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      out.println("json: " + json);
    }
    return 0;
  }

  private static Result measure(boolean raw, int maxBatch, int size, int warmup, int duration, int window) throws Exception {
    ScratchStore store = ScratchStore.create("log");
    Config config = ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "akka.loglevel", "WARNING",
            "sidis.node.name", "bench",
            "sidis.trace.enabled", "off",
            "akka-persistence-jdbc.shared-databases.sidis.db.url", store.h2Url()))
        .withFallback(org.sidis.node.Node.defaults()).resolve();
    CompletableFuture<Result> result = new CompletableFuture<>();
    LogSettings settings = LogSettings.defaults().withTopic("bench", 4).withMaxBatch(maxBatch);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      SchemaUtils.createIfNotExists(ctx.getSystem()).toCompletableFuture().join();
      ActorRef<LogProtocol.Command> target = raw
          ? ctx.spawn(new RawJournal(), "raw")
          : ctx.spawn(LogManager.create(settings, "bench"), "event-log");
      ctx.spawn(driver(target, !raw, "x".repeat(size), window, warmup, duration, result), "driver");
      return Behaviors.empty();
    }), "bench", config);
    return store.await(system, result);
  }

  private enum Phase { WARMUP, MEASURE, REPLAY }

  private static Behavior<LogProtocol.Reply> driver(ActorRef<LogProtocol.Command> target, boolean replay, String value, int window,
                                                    int warmup, int duration, CompletableFuture<Result> result) {
    return Behaviors.setup(ctx -> {
      Map<String, Long> sentAt = new HashMap<>();
      Histogram latency = new Histogram(3);
      long[] next = {1};
      long[] acked = {0};
      long start = System.nanoTime();
      long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
      long measureTo = measureFrom + Duration.ofSeconds(duration).toNanos();
      Phase[] phase = {Phase.WARMUP};
      double[] rate = {0};
      long[] replayStart = {0};
      long[] replayed = {0};
      int[] partitionsDone = {0};
      Runnable send = () -> {
        String id = "bench:" + next[0]++;
        sentAt.put(id, System.nanoTime());
        target.tell(new LogProtocol.Append("bench", null, id, value, ctx.getSelf()));
      };
      for (int i = 0; i < window; i++) send.run();
      return Behaviors.receive(LogProtocol.Reply.class)
          .onMessage(LogProtocol.AppendAck.class, a -> {
            long now = System.nanoTime();
            Long t0 = sentAt.remove(a.msgId());
            if (phase[0] == Phase.WARMUP && now >= measureFrom) phase[0] = Phase.MEASURE;
            if (phase[0] == Phase.MEASURE && t0 != null) {
              acked[0]++;
              latency.recordValue(Math.max(1, (now - t0) / 1000));
            }
            if (phase[0] == Phase.MEASURE && now >= measureTo) {
              rate[0] = acked[0] / (Duration.ofSeconds(duration).toNanos() / 1e9);
              phase[0] = Phase.REPLAY;
              if (!replay) {
                result.complete(new Result(rate[0], latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), 0));
                return Behaviors.stopped();
              }
            }
            if (phase[0] != Phase.REPLAY) send.run();
            else if (sentAt.isEmpty() && replayStart[0] == 0) {
              replayStart[0] = System.nanoTime();
              for (int p = 0; p < 4; p++) target.tell(new LogProtocol.Read("bench", p, 0, 500, ctx.getSelf()));
            }
            return Behaviors.same();
          })
          .onMessage(LogProtocol.Records.class, r -> {
            replayed[0] += r.records().size();
            long nextOffset = r.from() + r.records().size();
            if (nextOffset < r.end()) {
              target.tell(new LogProtocol.Read("bench", r.partition(), nextOffset, 500, ctx.getSelf()));
            } else if (++partitionsDone[0] == 4) {
              double seconds = (System.nanoTime() - replayStart[0]) / 1e9;
              result.complete(new Result(rate[0], latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                  replayed[0] / seconds));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(LogProtocol.Refused.class, r -> {
            result.completeExceptionally(new IllegalStateException("refused: " + r.reason()));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  /** The baseline: raw Akka Persistence, one event persisted per record, answered when stored. */
  private static final class RawJournal extends EventSourcedBehavior<LogProtocol.Command, TopicLog.RecordAppended, Long> {
    RawJournal() {
      super(PersistenceId.ofUniqueId("bench-raw"));
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<LogProtocol.Command, TopicLog.RecordAppended, Long> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(LogProtocol.Append.class, (n, a) -> Effect().persist(new TopicLog.RecordAppended(0, a.key(), a.msgId(), a.value()))
              .thenRun(after -> a.replyTo().tell(new LogProtocol.AppendAck(a.topic(), a.msgId(), 0, after - 1))))
          .build();
    }

    @Override
    public EventHandler<Long, TopicLog.RecordAppended> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((n, e) -> n + 1);
    }
  }
}
