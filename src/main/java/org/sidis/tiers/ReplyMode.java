package org.sidis.tiers;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a reply travels back to the client (the notes' three-tier cluster): {@code RELAY} through
 * the front end (its bottleneck), {@code HANDOFF} straight from the server to the front door's
 * per-request actor (TCP handoff in actor terms: the front end passes the client's reply path
 * on and never touches the reply), {@code REDIRECT} by an HTTP 307 to the chosen server's own
 * endpoint, so the client talks to the server directly.
 */
public enum ReplyMode {
  RELAY("relay"),
  HANDOFF("handoff"),
  REDIRECT("redirect");

  private final String word;

  ReplyMode(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }

  public static ReplyMode parse(String s) {
    for (ReplyMode m : values()) if (m.word.equals(s)) return m;
    throw new IllegalArgumentException("reply mode [" + s + "]: expected one of "
        + Arrays.stream(values()).map(ReplyMode::word).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return word;
  }
}
