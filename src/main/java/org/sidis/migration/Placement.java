package org.sidis.migration;

/**
 * A placement policy's decision: move {@code actor} from {@code from} to {@code to}, for
 * {@code reason} (the notes' reasons to migrate, ch. 3 "Migracao de codigo": load distribution
 * and locality), with {@code detail} saying what in the view led to it.
 */
public record Placement(String actor, String from, String to, Reason reason, String detail) {

  /** Why to migrate. */
  public enum Reason {
    /** From the most to the least loaded node. */
    LOAD,
    /** Next to the peer that calls the actor most. */
    LOCALITY;

    /** The policy's word, as {@code sidis.migration.placement.policies} and the trace's {@code policy} name it. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The reason a policy's word names: {@code load} or {@code locality}. */
    public static Reason parse(String word) {
      for (Reason r : values()) if (r.word().equals(word)) return r;
      throw new IllegalArgumentException("unknown placement policy [" + word + "]: expected load, locality");
    }
  }

  public Placement {
    if (actor == null || from == null || to == null || reason == null) throw new IllegalArgumentException("a placement names an actor, two nodes and a reason");
    if (from.equals(to)) throw new IllegalArgumentException("a placement moves " + actor + " somewhere else than " + from);
  }
}
