package org.sidis.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.stream.QosReport;
import org.sidis.stream.StreamSettings;
import org.sidis.stream.StreamSink;
import org.sidis.stream.StreamSource;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench stream}: one complex stream (audio + video) at a time from a {@link StreamSource} to
 * an isochronous {@link StreamSink} over loopback UDP in this JVM, impaired at both sockets by
 * {@link NetworkModel} (loss and 0..jitter delay), for each cell of loss × jitter and each way of
 * repairing loss: retransmission and interleaving, each alone, and neither — the plain datagram
 * stream, the baseline. Per stream: the share of frames played on time and the playout jitter
 * (p99 of how far the sink's timer strayed from a frame's playout time). The systems of one cell
 * are measured one after another in alternated rounds, so a ratio of medians compares like with like.
 */
public final class StreamBench {

  private StreamBench() {}

  /** A way to repair loss, as the bench's systems name it. */
  public enum Repair {
    BOTH("stream-retransmit-interleave", true, true, false),
    RETRANSMIT("stream-retransmit", true, false, false),
    INTERLEAVE("stream-interleave", false, true, false),
    NEITHER("plain-datagram", false, false, true);

    public final String system;
    final boolean retransmit, interleave, baseline;

    Repair(String system, boolean retransmit, boolean interleave, boolean baseline) {
      this.system = system;
      this.retransmit = retransmit;
      this.interleave = interleave;
      this.baseline = baseline;
    }
  }

  /** One cell of the grid. */
  public record Cell(double loss, long jitterMillis) {
    String label() {
      return String.format(Locale.ROOT, "loss=%.0f%% jitter=%dms", 100 * loss, jitterMillis);
    }
  }

  /** The grid: loss 0, 5, 10 % × jitter 0, 25, 50 ms; quick: loss 0, 5 % × jitter 0, 30 ms. */
  public static List<Cell> grid(boolean quick) {
    List<Cell> cells = new ArrayList<>();
    for (double loss : quick ? new double[] {0, 0.05} : new double[] {0, 0.05, 0.10})
      for (long j : quick ? new long[] {0, 30} : new long[] {0, 25, 50}) cells.add(new Cell(loss, j));
    return cells;
  }

  /** Runs {@code rounds} alternated rounds over the grid with {@code repairs}, each stream {@code seconds} long. */
  public static RoundRows run(PrintStream out, List<Cell> cells, List<Repair> repairs, int seconds, int rounds, long seed) throws Exception {
    Config config = ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "local",
            "akka.scheduler.tick-duration", "1ms",
            "sidis.trace.enabled", "off"))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-stream", config);
    RoundRows measured = RoundRows.empty();
    long id = 0;
    try {
      for (int round = 1; round <= rounds; round++) {
        List<RoundRows.Row> rows = new ArrayList<>();
        for (Cell cell : cells) {
          for (Repair r : repairs) {
            id++;
            QosReport q = stream(system, id, cell, r, seconds, seed + id);
            out.printf(Locale.ROOT, "  round %d %-28s %-22s %s%n", round, r.system, cell.label(), q);
            rows.add(new RoundRows.Row(r.system, r.baseline, "on_time " + cell.label(), 100 * q.onTimeRatio(), "%"));
            rows.add(new RoundRows.Row(r.system, r.baseline, "playout_jitter_p99 " + cell.label(), q.playoutJitterUs() / 1000.0, "ms"));
          }
        }
        measured = measured.withRound(rows);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return measured;
  }

  private static QosReport stream(ActorSystem<Void> system, long id, Cell cell, Repair r, int seconds, long seed) throws Exception {
    StreamSettings s = StreamSettings.fromConfig(ConfigFactory.parseString(String.format(Locale.ROOT,
            "id = %d%nsink-host = \"127.0.0.1\"%nsink-port = 0%nlength = %ds%nretransmit = %s%ninterleave = %s%n",
            id, seconds, r.retransmit ? "on" : "off", r.interleave ? "on" : "off"))
        .withFallback(ConfigFactory.defaultReference().getConfig("sidis.stream")));
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    CompletableFuture<QosReport> done = new CompletableFuture<>();
    Behavior<StreamSink.Event> listener = Behaviors.receive(StreamSink.Event.class)
        .onMessage(StreamSink.Bound.class, b -> { bound.complete(b.address()); return Behaviors.same(); })
        .onMessage(StreamSink.Finished.class, f -> { done.complete(f.report()); return Behaviors.stopped(); })
        .build();
    ActorRef<StreamSink.Event> l = system.systemActorOf(listener, "listener-" + id, Props.empty());
    system.systemActorOf(StreamSink.create(s.sinkSettings(), impaired(cell, seed), l), "sink-" + id, Props.empty());
    InetSocketAddress at = bound.get(30, TimeUnit.SECONDS);
    StreamSource.Settings src = s.sourceSettings();
    ActorRef<StreamSource.Command> source = system.systemActorOf(StreamSource.create(new StreamSource.Settings(id, at, src.frames(), src.frameBytes(),
        src.interleavers(), src.rateBytesPerSec(), src.burstBytes(), src.tick(), src.keep()), impaired(cell, seed ^ 0x5EED)), "source-" + id, Props.empty());
    try {
      return done.get(seconds + 60L, TimeUnit.SECONDS);
    } finally {
      stop(system, source);
    }
  }

  private static void stop(ActorSystem<Void> system, ActorRef<StreamSource.Command> source) {
    // the source keeps answering NAKs until stopped; its stream is over once the sink finished
    akka.actor.typed.javadsl.Adapter.toClassic(system).stop(akka.actor.typed.javadsl.Adapter.toClassic(source));
  }

  private static NetworkModel impaired(Cell c, long seed) {
    return new NetworkModel(new NetworkModel.Link(0, c.jitterMillis(), c.loss(), 0.0), Map.of(), Partitions.none(), new Random(seed));
  }
}
