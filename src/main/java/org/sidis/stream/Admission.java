package org.sidis.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Admission control on one link: a stream is set up only when the link can keep its
 * {@link QosContract} beside the contracts already admitted; otherwise it is refused with the
 * reason — never admitted and silently degraded (as RSVP's admission control and the notes'
 * QoS negotiation at setup do). The link is what configuration says of it: its capacity, its
 * one-way delay and jitter, and the round trip a setup takes. The rules, in the order they are
 * checked:
 * <ol>
 *   <li>the bit rate fits in the capacity the admitted streams leave free;</li>
 *   <li>setup, one round trip, is within the maximum setup delay;</li>
 *   <li>synchronous: the worst delay, {@code delay + jitter}, is within the maximum delay, and the
 *       link's jitter — which a synchronous sink passes on — within the maximum jitter;</li>
 *   <li>isochronous: the playout delay that absorbs the jitter and the stream's own buffering
 *       (interleaving, repair), {@code delay + jitter + buffering}, is within the maximum delay.
 *       The playout clock then removes the jitter, so the link's jitter may exceed the
 *       contract's.</li>
 * </ol>
 * Asynchronous streams bound no delay and need only rules 1 and 2. Immutable.
 */
public record Admission(Link link, List<QosContract> admitted) {

  /** One link as configured: capacity in bit/s, one-way delay and jitter, setup round trip, µs. */
  public record Link(long capacityBps, long delayUs, long jitterUs, long setupRttUs) {
    public Link {
      if (capacityBps <= 0) throw new IllegalArgumentException("link capacity must be positive, got [" + capacityBps + "] bit/s");
      if (delayUs < 0 || jitterUs < 0 || setupRttUs < 0) throw new IllegalArgumentException("link delay, jitter and setup round trip must not be negative");
    }
  }

  /** The outcome of asking for a contract. */
  public sealed interface Decision permits Admitted, Refused {}

  /** Admitted: the admission with the contract counted in. */
  public record Admitted(Admission next) implements Decision {}

  /** Refused, and why, in words a user can act on. */
  public record Refused(String reason) implements Decision {}

  public Admission {
    admitted = List.copyOf(admitted);
  }

  public static Admission of(Link link) {
    return new Admission(link, List.of());
  }

  /** Capacity the admitted streams leave free, bit/s. */
  public long freeBps() {
    return link.capacityBps() - admitted.stream().mapToLong(QosContract::bitRateBps).sum();
  }

  /** Whether this link can keep {@code c}, whose sink buffers {@code bufferingUs} beyond the jitter. */
  public Decision admit(QosContract c, long bufferingUs) {
    if (c.bitRateBps() > freeBps())
      return new Refused("bit rate " + kbit(c.bitRateBps()) + " exceeds the link's free capacity " + kbit(freeBps()) + " (capacity "
          + kbit(link.capacityBps()) + ", " + admitted.size() + " stream(s) admitted)");
    if (link.setupRttUs() > c.maxSetupDelayUs())
      return new Refused("max setup delay " + ms(c.maxSetupDelayUs()) + " is shorter than the setup round trip " + ms(link.setupRttUs()));
    switch (c.mode()) {
      case ASYNC -> { }
      case SYNC -> {
        long worst = link.delayUs() + link.jitterUs();
        if (worst > c.maxDelayUs())
          return new Refused("max delay " + ms(c.maxDelayUs()) + " is below the link's worst delay " + ms(worst) + " (delay " + ms(link.delayUs()) + " + jitter " + ms(link.jitterUs()) + ")");
        if (link.jitterUs() > c.maxJitterUs())
          return new Refused("max jitter " + ms(c.maxJitterUs()) + " is below the link's jitter " + ms(link.jitterUs()) + ", which synchronous delivery passes on (ask for isochronous)");
      }
      case ISOCHRONOUS -> {
        long playout = link.delayUs() + link.jitterUs() + bufferingUs;
        if (playout > c.maxDelayUs())
          return new Refused("max delay " + ms(c.maxDelayUs()) + " is below the playout delay " + ms(playout) + " the link needs (delay " + ms(link.delayUs())
              + " + jitter " + ms(link.jitterUs()) + " + buffering " + ms(bufferingUs) + ")");
      }
    }
    List<QosContract> next = new ArrayList<>(admitted);
    next.add(c);
    return new Admitted(new Admission(link, next));
  }

  /** The admission after {@code c}'s stream ended: its capacity is free again. */
  public Admission release(QosContract c) {
    List<QosContract> next = new ArrayList<>(admitted);
    next.remove(c);
    return new Admission(link, next);
  }

  private static String kbit(long bps) {
    return bps / 1000 + " kbit/s";
  }

  private static String ms(long us) {
    return us % 1000 == 0 ? us / 1000 + " ms" : String.format(java.util.Locale.ROOT, "%.1f ms", us / 1000.0);
  }
}
