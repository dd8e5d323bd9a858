package org.sidis.gossip;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a store spreads its updates (the notes' "Disseminacao de dados"; Demers et al. 1987). */
public enum Mode {
  /** Anti-entropy, push: P sends Q what Q lacks, without Q having asked for it. */
  PUSH("push"),
  /** Anti-entropy, pull: P asks Q only for the updates P lacks. */
  PULL("pull"),
  /** Anti-entropy, push-pull: P and Q send each other what the other lacks. */
  PUSH_PULL("push-pull"),
  /** Rumor mongering: a node with a hot update pushes it to random peers until it loses interest. */
  RUMOR("rumor"),
  /** Flooding: a node forwards what it had not seen before to its neighbours in an overlay. */
  FLOOD("flood");

  private final String id;

  Mode(String id) {
    this.id = id;
  }

  /** The name used in config, on the command line and in traces. */
  public String id() {
    return id;
  }

  public boolean antiEntropy() {
    return this == PUSH || this == PULL || this == PUSH_PULL;
  }

  public static Mode parse(String s) {
    for (Mode m : values()) if (m.id.equalsIgnoreCase(s.trim())) return m;
    throw new IllegalArgumentException("unknown gossip mode [" + s + "]; expected one of "
        + Arrays.stream(values()).map(Mode::id).collect(Collectors.joining(", ")));
  }
}
