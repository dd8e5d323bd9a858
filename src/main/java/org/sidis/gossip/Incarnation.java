package org.sidis.gossip;

/**
 * One start of a gossip node: what makes its update ids its own. A replica keeps nothing on
 * disk, so its update counter starts at 1 on every start; were the ids {@code <node>:<n>}, a
 * node restarted under its name would reuse them — peers would drop its new writes as
 * duplicates and it would refuse its own old ones as forged (review 2026-12-reliability, F10).
 * So the origin of a cluster node's updates is its name qualified by its incarnation,
 * {@code <node>~<id>}, where the id is the start time in milliseconds in base 36: a later
 * start has another id (a restart takes at least the supervisor's backoff, hundreds of
 * milliseconds), and ids of one node sort by start. Akka identifies the incarnations of a
 * cluster member the same way, by a fresh uid per start; the trace contract's {@code msg}
 * {@code <origin>:<n>} holds, with the qualified origin.
 *
 * <p>The incarnation also starts the Lamport clock at the start time in microseconds
 * ({@link #clockFloor}), so that a restarted node's first writes are newer than what its
 * earlier incarnation wrote (unless that one stamped more than one write per microsecond of
 * its life on average): otherwise a write made after the restart would lose, under
 * last-writer-wins, to the same key's older value when that came back from a peer.
 *
 * @param node       the node's name (the cluster member, the view, the keepers)
 * @param id         this start's id, or null for a replica that never restarts under its name
 *                   (the in-process simulation, probe tests): its origin is its bare name
 * @param clockFloor where its Lamport clock starts
 */
public record Incarnation(String node, String id, long clockFloor) {

  /** Separates the node's name from the incarnation in an update's origin. */
  public static final char SEPARATOR = '~';

  public Incarnation {
    if (!Entry.validName(node) || node.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("a gossip node needs a name without ':', '" + SEPARATOR + "' or white space, got [" + node + "]");
    }
    if (id != null && !Entry.validName(id)) throw new IllegalArgumentException("incarnation id [" + id + "] is not a valid name");
    if (clockFloor < 0) throw new IllegalArgumentException("a clock floor cannot be negative, got " + clockFloor);
  }

  /** A new incarnation of {@code node}, starting now. */
  public static Incarnation startingNow(String node) {
    long millis = System.currentTimeMillis();
    return new Incarnation(node, Long.toString(millis, 36), millis * 1000);
  }

  /** The origin of this incarnation's updates: {@code <node>~<id>}, or the bare name without an id. */
  public String origin() {
    return id == null ? node : node + SEPARATOR + id;
  }

  /** The node an update origin belongs to: the origin without its incarnation. */
  public static String nodeOf(String origin) {
    int at = origin.indexOf(SEPARATOR);
    return at < 0 ? origin : origin.substring(0, at);
  }
}
