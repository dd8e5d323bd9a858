package org.sidis.stream;

import java.util.Arrays;
import java.util.Locale;

/**
 * The transmission modes of the seed notes (Tanenbaum &amp; van Steen, continuous media):
 * asynchronous — no bound on when a frame is delivered; synchronous — a maximum end-to-end delay,
 * a frame later than that is dropped; isochronous — a maximum and a minimum delay, so frames are
 * delivered on a fixed clock, their jitter bounded.
 */
public enum Mode {
  ASYNC, SYNC, ISOCHRONOUS;

  /** {@code async}, {@code sync} or {@code isochronous}; anything else is an error naming the choices. */
  public static Mode parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Mode m : values()) if (m.word().equals(t)) return m;
    throw new IllegalArgumentException("stream mode must be one of " + Arrays.stream(values()).map(Mode::word).toList() + ", got [" + text + "]");
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
