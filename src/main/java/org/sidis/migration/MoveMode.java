package org.sidis.migration;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The two ways to move a running actor, the notes' VM-migration trade-off (ch. 3,
 * "Virtualizacao"): stop it and copy everything, or copy while it runs and stop only for what
 * changed since (Clark et al., "Live Migration of Virtual Machines", NSDI 2005).
 */
public enum MoveMode {
  /** Stop, transfer the whole state, resume at the target: downtime grows with the state. */
  STOP_AND_COPY("stop-and-copy"),
  /** Copy while serving, repeat for the dirty pages, stop only for the small remainder. */
  PRE_COPY("pre-copy");

  private final String word;

  MoveMode(String word) {
    this.word = word;
  }

  /** The word on the command line, in config and in traces. */
  public String word() {
    return word;
  }

  public static MoveMode parse(String text) {
    for (MoveMode m : values()) if (m.word.equals(text)) return m;
    throw new IllegalArgumentException("unknown move mode [" + text + "]: expected one of "
        + Arrays.stream(values()).map(MoveMode::word).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return word;
  }
}
