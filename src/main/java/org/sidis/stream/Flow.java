package org.sidis.stream;

import java.util.Locale;
import java.util.Optional;

/**
 * One flow of a stream (seed notes, "Comunicacao orientada a fluxo": a simple stream is one flow,
 * audio <em>or</em> video; a complex stream several synchronized flows, audio <em>and</em> video).
 * Each flow produces a frame every {@link #periodUs}; frame {@code n}'s nominal presentation time
 * on the stream's clock is {@code n × period}, so a frame that never arrives still has a time.
 * The order of the constants is the priority on a congested link: audio before video (the notes:
 * packets "priorizados por ferramentas na camada de rede").
 */
public enum Flow {
  AUDIO(20_000),
  VIDEO(40_000);

  private final long periodUs;

  Flow(long periodUs) {
    this.periodUs = periodUs;
  }

  public long periodUs() {
    return periodUs;
  }

  /** Frame {@code number}'s nominal presentation time, µs on the stream's clock. */
  public long ptsOf(long number) {
    return number * periodUs;
  }

  /** The name traces use: {@code audio}, {@code video}. */
  public String traceName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The flow with this wire code ({@link #ordinal()}), empty for a code no flow has. */
  public static Optional<Flow> ofCode(int code) {
    Flow[] all = values();
    return code >= 0 && code < all.length ? Optional.of(all[code]) : Optional.empty();
  }
}
