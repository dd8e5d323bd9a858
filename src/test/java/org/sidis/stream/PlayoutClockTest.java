package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;
import org.sidis.node.TestKits;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whose is the playout jitter? An isochronous sink plays a frame when its playout timer fires, so
 * its "playout jitter" (how late it played frames, p99) is how late this JVM ran the sink's timer:
 * the sink's own scheduling, not the path's jitter (which the playout delay absorbs) nor the
 * protocol. Measured here: beside an unimpaired stream over loopback UDP, in the same ActorSystem
 * and at the same time, a metronome actor whose single timers are due every 20 ms (as audio
 * frames are) and a plain thread that parks until the same kind of deadlines. If the sink's p99
 * is of the metronome actor's size, what made the sink late is the machine's scheduling of any
 * actor's timer; the thread's p99 then shows how much of it is the operating system's alone.
 * What must hold is asserted (every frame fell due once, each clock measured); the figures are
 * printed, never bounded.
 */
class PlayoutClockTest {

  /** As the stream demo's nodes run (conf/stream.conf): Akka's default 10 ms tick would add up to 10 ms to every timer. */
  private static final ActorTestKit kit = TestKits.local("playout-clock", Map.of("akka.scheduler.tick-duration", "1ms"));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static final long PERIOD_US = 20_000;

  private enum Beat { INSTANCE }

  /** An actor whose single timer is due every 20 ms; records how late each fired, µs. */
  private static Behavior<Beat> metronome(List<Long> lateness, AtomicBoolean running) {
    return Behaviors.withTimers(timers -> {
      long[] due = {Udp.nowUs() + PERIOD_US};
      timers.startSingleTimer(Beat.INSTANCE, Duration.ofNanos(PERIOD_US * 1000));
      return Behaviors.receiveMessage(b -> {
        long now = Udp.nowUs();
        lateness.add(now - due[0]);
        if (!running.get()) return Behaviors.stopped();
        due[0] += PERIOD_US;
        timers.startSingleTimer(Beat.INSTANCE, Duration.ofNanos(Math.max(0, due[0] - Udp.nowUs()) * 1000));
        return Behaviors.same();
      });
    });
  }

  private static Thread parker(List<Long> lateness, AtomicBoolean running) {
    Thread t = new Thread(() -> {
      long due = System.nanoTime();
      while (running.get()) {
        due += PERIOD_US * 1000;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
        lateness.add((System.nanoTime() - due) / 1000);
      }
    }, "playout-clock-parker");
    t.setDaemon(true);
    return t;
  }

  private static long percentile(List<Long> xs, double q) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.isEmpty() ? 0 : s.get(Math.min(s.size() - 1, Math.max(0, (int) Math.ceil(s.size() * q) - 1)));
  }

  private static String figures(List<Long> xs) {
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)",
        percentile(xs, 0.5) / 1000.0, percentile(xs, 0.99) / 1000.0, percentile(xs, 1.0) / 1000.0, xs.size());
  }

  @Test
  void theSinksPlayoutJitterIsMeasuredBesideAMetronomeActorAndAParkedThreadOfTheSameJvm() throws Exception {
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    StreamSettings s = StreamSettings.fromConfig(com.typesafe.config.ConfigFactory.parseString("id = 31\nlength = 4s\nsink-port = 0\n")
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference().getConfig("sidis.stream")));
    List<Long> actorLate = Collections.synchronizedList(new ArrayList<>());
    List<Long> threadLate = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    kit.spawn(metronome(actorLate, running), "metronome");
    Thread parker = parker(threadLate, running);
    parker.start();

    TestProbe<StreamSink.Event> events = kit.createTestProbe();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    StreamSink.Settings sink = s.sinkSettings();
    kit.spawn(StreamSink.create(new StreamSink.Settings(31, loopback, sink.frames(), sink.holdUs(), sink.buffer(), sink.retransmit(),
        sink.slackUs(), sink.repairTick(), sink.mode()), NetworkModel.PERFECT, events.getRef()), "sink");
    InetSocketAddress at = events.expectMessageClass(StreamSink.Bound.class).address();
    StreamSource.Settings src = s.sourceSettings();
    ActorRef<StreamSource.Command> source = kit.spawn(StreamSource.create(new StreamSource.Settings(31, at, src.frames(), src.frameBytes(),
        src.interleavers(), src.rateBytesPerSec(), src.burstBytes(), src.tick(), src.keep()), NetworkModel.PERFECT), "source");
    QosReport r = events.expectMessageClass(StreamSink.Finished.class, Duration.ofSeconds(60)).report();
    running.set(false);
    parker.join(10_000);
    kit.stop(source);
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    System.out.printf(Locale.ROOT, "load average %.1f -> %.1f on %d cores%n  sink playout error: p99 %.1f ms (%s)%n  metronome actor:    %s%n"
            + "  parked thread:      %s%n", loadBefore, loadAfter, Runtime.getRuntime().availableProcessors(), r.playoutJitterUs() / 1000.0, r,
        figures(actorLate), figures(threadLate));
    assertEquals(300, r.played() + r.missed(), "4 s: 200 audio and 100 video frames fell due once: " + r);
    assertTrue(actorLate.size() >= 50 && threadLate.size() >= 50, "both clocks ticked through the stream: " + actorLate.size() + ", " + threadLate.size());
  }
}
