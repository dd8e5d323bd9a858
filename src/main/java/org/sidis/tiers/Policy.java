package org.sidis.tiers;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the front end chooses an application server: a transport-level switch that looks only at
 * the servers (round-robin, least-loaded) or a content-aware distributor that also looks at what
 * the request asks for (the notes' "Aglomerados de servidores": switch vs distributor).
 */
public enum Policy {
  ROUND_ROBIN("round-robin"),
  LEAST_LOADED("least-loaded"),
  CONTENT_AWARE("content-aware");

  private final String word;

  Policy(String word) {
    this.word = word;
  }

  /** The word that names the policy in config and on the command line. */
  public String word() {
    return word;
  }

  public static Policy parse(String s) {
    for (Policy p : values()) if (p.word.equals(s)) return p;
    throw new IllegalArgumentException("policy [" + s + "]: expected one of "
        + Arrays.stream(values()).map(Policy::word).collect(Collectors.joining(", ")));
  }

  /** A fresh distribution of this policy ({@code marks} is used by the content-aware one only). */
  public <S> Distribution<S> newDistribution(LoadMarks marks) {
    return switch (this) {
      case ROUND_ROBIN -> new RoundRobinSwitch<>();
      case LEAST_LOADED -> new LeastLoadedSwitch<>();
      case CONTENT_AWARE -> new ContentAwareDistributor<>(marks);
    };
  }

  @Override
  public String toString() {
    return word;
  }
}
