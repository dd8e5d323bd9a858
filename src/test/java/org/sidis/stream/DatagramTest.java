package org.sidis.stream;

import org.junit.jupiter.api.Test;
import org.sidis.stream.Datagram.Bad;
import org.sidis.stream.Datagram.Kind;
import org.sidis.stream.Datagram.Media;
import org.sidis.stream.Datagram.Nak;
import org.sidis.stream.Datagram.Ok;
import org.sidis.stream.JitterBuffer.Frame;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary header: round trips, and every malformed datagram named, never thrown. */
class DatagramTest {

  @Test
  void mediaAndNaksComeBackEqual() {
    Media m = new Media(Kind.REPAIR, 7, 123_456, List.of(Frame.of(Flow.AUDIO, 3, 160), Frame.of(Flow.VIDEO, 1, 1200)));
    ByteBuffer b = Datagram.encode(m);
    assertEquals(Datagram.encodedSize(m), b.remaining());
    assertEquals(m, assertInstanceOf(Ok.class, Datagram.decode(b)).packet());
    Nak n = new Nak(7, 9, List.of(new FrameId(Flow.VIDEO, 4), new FrameId(Flow.AUDIO, 0)));
    assertEquals(n, assertInstanceOf(Ok.class, Datagram.decode(Datagram.encode(n))).packet());
  }

  private static String bad(byte[] bytes) {
    return assertInstanceOf(Bad.class, Datagram.decode(ByteBuffer.wrap(bytes))).reason();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  @Test
  void everyMalformedDatagramIsNamed() {
    byte[] good = bytes(Datagram.encode(new Media(Kind.DATA, 1, 0, List.of(Frame.of(Flow.AUDIO, 0, 4)))));
    assertTrue(bad(new byte[3]).startsWith("truncated"));
    byte[] foreign = good.clone();
    foreign[0] = 'X';
    assertTrue(bad(foreign).startsWith("foreign datagram"));
    byte[] kind = good.clone();
    kind[4] = 9;
    assertTrue(bad(kind).startsWith("unknown kind"));
    byte[] flow = good.clone();
    flow[Datagram.HEADER_BYTES] = 5;
    assertTrue(bad(flow).startsWith("unknown flow"));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 2);
    assertTrue(bad(cut).contains("claims 4 bytes"), bad(cut));
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertTrue(bad(longer).contains("after the last frame"));
    byte[] count = good.clone();
    count[Datagram.HEADER_BYTES - 1] = 0;
    assertTrue(bad(count).startsWith("frame count 0"));
    byte[] inside = java.util.Arrays.copyOf(good, Datagram.HEADER_BYTES + 5);
    assertTrue(bad(inside).startsWith("truncated inside"));
  }
}
