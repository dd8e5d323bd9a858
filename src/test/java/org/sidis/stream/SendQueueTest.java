package org.sidis.stream;

import org.junit.jupiter.api.Test;
import org.sidis.stream.Datagram.Kind;
import org.sidis.stream.Datagram.Media;
import org.sidis.stream.JitterBuffer.Frame;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Priorities on the link: audio before video, repairs before first sends, else first in first out. */
class SendQueueTest {

  private static Media media(Kind kind, Flow flow, long n) {
    return new Media(kind, 1, 0, List.of(Frame.of(flow, n, 10)));
  }

  @Test
  void audioGoesBeforeVideoAndRepairsBeforeFirstSends() {
    SendQueue q = SendQueue.EMPTY
        .add(media(Kind.DATA, Flow.VIDEO, 0))
        .add(media(Kind.DATA, Flow.AUDIO, 0))
        .add(media(Kind.DATA, Flow.AUDIO, 1))
        .add(media(Kind.REPAIR, Flow.VIDEO, 7))
        .add(media(Kind.REPAIR, Flow.AUDIO, 9));
    List<String> order = new ArrayList<>();
    while (!q.isEmpty()) {
      Media m = q.head().get();
      order.add((m.isRepair() ? "repair " : "") + m.frames().get(0).id());
      q = q.pop();
    }
    assertEquals(List.of("repair audio:9", "audio:0", "audio:1", "repair video:7", "video:0"), order);
    assertTrue(SendQueue.EMPTY.head().isEmpty());
    assertEquals(SendQueue.EMPTY, SendQueue.EMPTY.pop());
  }
}
