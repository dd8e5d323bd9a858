package org.sidis.multicast;

import org.sidis.clock.VectorClock;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The ordering stage of a group member: the layer between the reliable layer below (which hands
 * each origin's messages up in that origin's order, exactly once) and the application above. Each
 * order the notes name ("Ordem FIFO", "Ordem Causal", "Ordem Total") is one class, owning its
 * hold-back and its delivery rule — {@link FifoStage}, {@link CausalStage}, {@link TotalStage} —
 * and {@link #of} is the one place that picks it from the group's {@link Order}. The reliable
 * layer ({@link MulticastCore}) asks the stage, never the order, what to do: it does not know which
 * order it carries.
 */
interface OrderingStage {

  /** What a stage may ask of the member around it: the reliable layer below, the application above. */
  interface Member {
    /** Hands {@code data} to the application; {@code gseq} is its global number, or null outside total order. */
    void deliver(Data data, Long gseq);

    /** Per origin, the highest sequence number delivered here (the member's vector clock in BSS's sense). */
    long deliveredOf(String origin);

    /** The delivered vector as a value. */
    VectorClock delivered();

    /** The delivered vector as a map (what a causal Hello carries as its cut). */
    Map<String, Long> deliveredMap();

    /**
     * Whether message {@code k:seq}, a cause named by a message of {@code citing}, was never
     * addressed to this member (see {@link MulticastCore}'s joins): then it is not waited for.
     */
    boolean neverOurs(String k, String citing, long seq);

    /** Whether {@code origin} departed and its stream was closed at its first gap. */
    boolean closed(String origin);

    /** The highest sequence number of {@code origin} the reliable layer released. */
    long released(String origin);

    /** The reliable layer takes back its release of {@code origin}'s messages from {@code seq} on: as if never released. */
    void unrelease(String origin, long seq);

    /** The current view's peers (this member not among them). */
    Set<String> peers();

    /** Tell the peers our progress now, not only at the next tick. */
    void announce();

    /** Input that breaks the protocol's form: refused, nothing delivered from it. */
    void reject(String reason);
  }

  /** The stage for {@code settings.order()}: the one switch over the order. */
  static OrderingStage of(String self, MulticastSettings settings, MulticastCore.Effects fx, Member member) {
    return switch (settings.order()) {
      case FIFO -> new FifoStage(member);
      case CAUSAL -> new CausalStage(member, fx);
      case TOTAL -> new TotalStage(self, settings, fx, member);
    };
  }

  /** The order this stage keeps. */
  Order order();

  // Only causal order keeps a vector clock; the defaults are the answers of the orders without one.

  /** Why {@code data} breaks this order's form (a causal message without its clock), or null. */
  default String defect(Data data) {
    return null;
  }

  /** The timestamp a message of ours numbered {@code seq} carries: its vector clock in causal groups, else null. */
  default VectorClock stamp(String self, long seq) {
    return null;
  }

  /** The clock a {@code deliver} trace line shows: the delivered vector in causal groups, else null. */
  default VectorClock deliveryClock() {
    return null;
  }

  /** What a Hello to a new peer carries as its cut: the delivered vector in causal groups, else null. */
  default Map<String, Long> helloCut() {
    return null;
  }

  /** This member multicast {@code data}: the origin's own message. */
  void onOwn(Data data);

  /** The reliable layer released {@code data}, the next of its origin. */
  void onReleased(Data data);

  /**
   * A Hello, a view change or a closed stream may have settled a cause something waits for. Only
   * an order that holds messages for their causes (causal) has any: the others do nothing.
   */
  default void causesSettled() {}

  /**
   * How far messages of {@code origin} were taken as never addressed here ({@link #causesSettled}
   * records it): a Hello that names them after all must not have them delivered after their
   * effects. 0 for an order without causes.
   */
  default long settledUnaddressed(String origin) {
    return 0;
  }

  /**
   * {@code origin}'s stream was closed: what can now never be delivered in this order is dropped
   * (traced). An order that holds nothing per origin beyond the reliable layer does nothing.
   */
  default void onClosed(String origin) {}

  /** The peers whose delivery makes a message stable. */
  Collection<String> waitedFor();

  /** Whether this member delivers nothing of the group (a total group's late joiner): its own messages are not waited on. */
  default boolean deliversNothing() {
    return false;
  }

  /** How many messages wait in this stage's hold-back. */
  int held();

  // ------------------------------------------------------------------ total order's own traffic

  /** A peer's status: in total groups, the gseq it is ready up to. */
  default void onPeerProgress(String from, long gseq) {}

  /**
   * Members this member tells its progress to though its view does not name them (yet): in
   * total groups the installed epoch's members, whose safe delivery waits for this member's
   * readiness even while its own view lags theirs. None elsewhere.
   */
  default Collection<String> toldBeyondView() {
    return java.util.List.of();
  }

  /** The gseq this member is ready up to (total groups; 0 elsewhere). */
  default long readyGseq() {
    return 0;
  }

  /** The view is now {@code members} (this member included); {@code departed} left it. */
  default void onView(Set<String> members, Collection<String> departed, long now) {}

  default void tick(long now) {}

  /** A total-order message from a peer: refused outside total groups. */
  void onOrdering(String from, TotalOrder.Message message, long now);

  /** This member's sequencer actor numbered messages: refused outside total groups. */
  void onNumbered(TotalOrder.Ordered numbered);

  /** What this member's sequencer comes back from, or null when it leads nothing (always, outside total groups). */
  default TotalOrder.SequencerState sequencerState() {
    return null;
  }

  /** The stage's view of itself, for tests: in total groups epoch, sequencer, whether it leads. */
  default String sequencing() {
    return "none";
  }
}
