package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;
import org.sidis.node.TestKits;
import org.sidis.stream.Datagram.Media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source alone, against a plain UDP socket standing in for the sink. */
class StreamSourceTest {

  private static final ActorTestKit kit = TestKits.local("stream-source"); // no trace file in the work tree

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private record Got(Media media, InetSocketAddress from) {}

  private static Got receive(DatagramChannel ch) throws Exception {
    ByteBuffer buf = ByteBuffer.allocate(65_536);
    InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
    buf.flip();
    return new Got((Media) assertInstanceOf(Datagram.Ok.class, Datagram.decode(buf)).packet(), from);
  }

  @Test
  void whenTheBucketHoldsAudioGoesBeforeVideoAndANakIsAnsweredWithARepair() throws Exception {
    try (DatagramChannel sink = DatagramChannel.open()) {
      sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      sink.socket().setSoTimeout(10_000);
      // audio alone asks 6 kB/s (123-byte packets every 20 ms) of a 2 kB/s bucket: once the 5 kB burst is spent,
      // video waits behind audio for ever; the burst itself lets video:0 go, so video is being produced
      ActorRef<StreamSource.Command> source = kit.spawn(StreamSource.create(new StreamSource.Settings(5, (InetSocketAddress) sink.getLocalAddress(),
          Map.of(Flow.AUDIO, 1000L, Flow.VIDEO, 500L), Map.of(Flow.AUDIO, 100, Flow.VIDEO, 1000),
          Map.of(Flow.AUDIO, Interleaver.none(1), Flow.VIDEO, Interleaver.none(1)), 2_000, 5_000, Duration.ofMillis(5), Duration.ofSeconds(10)),
          NetworkModel.PERFECT));
      List<Got> got = new ArrayList<>();
      for (int i = 0; i < 30; i++) got.add(receive(sink));
      List<String> flows = got.stream().map(g -> g.media().frames().get(0).id().flow().traceName()).toList();
      assertTrue(flows.subList(0, 15).contains("video"), "the burst carried video too: " + flows);
      assertTrue(flows.subList(15, 30).stream().allMatch("audio"::equals), "then audio only, video held back: " + flows);

      FrameId asked = new FrameId(Flow.AUDIO, 0);
      sink.send(Datagram.encode(new Datagram.Nak(5, 0, List.of(asked))), got.get(0).from());
      sink.send(ByteBuffer.wrap("garbage".getBytes()), got.get(0).from());
      Media repair = null;
      for (int i = 0; i < 20 && repair == null; i++) {
        Media m = receive(sink).media();
        if (m.isRepair()) repair = m;
      }
      assertTrue(repair != null, "a repair came");
      assertEquals(List.of(asked), repair.frames().stream().map(JitterBuffer.Frame::id).toList());
      TestProbe<StreamSource.Stats> stats = kit.createTestProbe();
      stats.awaitAssert(Duration.ofSeconds(5), () -> {
        source.tell(new StreamSource.GetStats(stats.getRef()));
        StreamSource.Stats s = stats.receiveMessage();
        assertEquals(1, s.naksReceived());
        assertEquals(1, s.framesRepaired());
        assertEquals(1, s.badDatagrams(), "the garbage datagram was counted");
        return null;
      });
      kit.stop(source);
    }
  }
}
