package org.sidis.stream;

import org.sidis.stream.Datagram.Media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The source's outgoing packets, in the order they may take the link: audio before video (the
 * notes: packets "priorizados por ferramentas na camada de rede" — a listener notices a gap in
 * sound sooner than a frozen picture), and within a flow repairs before first sends, because a
 * repair's frame is due sooner. Within one class, first in first out. When the token bucket holds
 * the packets back, this order decides who waits. Immutable.
 */
public record SendQueue(List<Media> packets) {

  public static final SendQueue EMPTY = new SendQueue(List.of());

  public SendQueue {
    packets = List.copyOf(packets);
  }

  public SendQueue add(Media p) {
    List<Media> next = new ArrayList<>(packets);
    next.add(p);
    return new SendQueue(next);
  }

  /** The packet to send next, if any. */
  public Optional<Media> head() {
    Media best = null;
    for (Media p : packets) if (best == null || rank(p) < rank(best)) best = p;
    return Optional.ofNullable(best);
  }

  /** The queue without its head. */
  public SendQueue pop() {
    Optional<Media> h = head();
    if (h.isEmpty()) return this;
    List<Media> next = new ArrayList<>(packets);
    next.remove(h.get());
    return new SendQueue(next);
  }

  public boolean isEmpty() {
    return packets.isEmpty();
  }

  public int size() {
    return packets.size();
  }

  private static int rank(Media p) {
    Flow flow = p.frames().get(0).id().flow();
    return flow.ordinal() * 2 + (p.isRepair() ? 0 : 1);
  }
}
