package org.sidis.multicast;


import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Total order ("Ordem Total" in the notes: if a member delivers m1 before m2, every member
 * delivers them in that order) by a sequencer: the fixed sequencer of Défago, Schiper and Urbán
 * ("Total order broadcast and multicast algorithms: taxonomy and survey", ACM Computing Surveys
 * 36(4), 2004, §4.1), broadcast-broadcast variant, as in Amoeba (Kaashoek, "Group Communication in
 * Distributed Computer Systems", 1992), with safe delivery and a sequencer elected anew when the
 * view changes.
 *
 * <p>The stage is the member's role, {@link TotalOrder}: it holds what the reliable layer
 * released until the sequencer has numbered it and every member is ready up to that number, and
 * delivers in number order (its hold-back is keyed by gseq). The numbers come from the
 * {@link Sequencer} of the epoch this member leads — its own actor ({@link SequencerActor}) when
 * the shell runs one, otherwise a core called in place — and {@link EpochChange} hands the group
 * from one sequencer to the next. This class wires those roles to the member around them.
 */
final class TotalStage implements OrderingStage {

  private final MulticastCore.Effects fx;
  private final Member member;
  private final TotalOrder total;
  /** The sequencer called in place, when the shell runs no actor for it. */
  private Sequencer inPlace;

  TotalStage(String self, MulticastSettings settings, MulticastCore.Effects fx, Member member) {
    this.fx = fx;
    this.member = member;
    this.total = new TotalOrder(self, settings, new Roles());
  }

  /** What the member role may do through the member around it. */
  private final class Roles implements TotalOrder.Host {
    @Override
    public void openSequencer(long epoch) {
      if (fx.sequencerIsAnActor()) {
        fx.openSequencer(epoch);
        return;
      }
      inPlace = new Sequencer(epoch, total.sequencerState().next());
    }

    @Override
    public void sequence(long epoch, List<TotalOrder.Key> messages, long deliveredGseq) {
      if (fx.sequencerIsAnActor()) {
        fx.sequence(epoch, messages, deliveredGseq);
        return;
      }
      if (inPlace == null || inPlace.epoch() != epoch) return; // it leads no more: nothing to number
      List<TotalOrder.Assignment> numbered = inPlace.number(messages, deliveredGseq);
      if (!numbered.isEmpty()) total.onNumbered(TotalOrder.Ordered.of(epoch, numbered));
    }

    @Override
    public void closeSequencer() {
      if (fx.sequencerIsAnActor()) fx.closeSequencer();
      inPlace = null;
    }

    @Override
    public Set<String> peers() {
      return member.peers();
    }

    @Override
    public void deliverOrdered(Data data, long gseq) {
      member.deliver(data, gseq);
    }

    @Override
    public void sendOrdering(String peer, TotalOrder.Message message) {
      fx.sendOrdering(peer, message);
    }

    @Override
    public void trace(String event, String msgId, Long gseq, Map<String, ?> extra) {
      fx.trace(event, msgId, null, gseq, extra);
    }

    @Override
    public void reject(String reason) {
      fx.reject(reason);
    }

    @Override
    public void announce() {
      member.announce();
    }

    @Override
    public void notAdmitted(String reason) {
      fx.notAdmitted(reason);
    }
  }

  @Override
  public Order order() {
    return Order.TOTAL;
  }

  /** Not even the origin delivers its own message before the sequencer numbered it. */
  @Override
  public void onOwn(Data data) {
    total.onReleased(data);
  }

  @Override
  public void onReleased(Data data) {
    total.onReleased(data);
  }

  /** A member refused as a late joiner delivers nothing: it is not waited for. */
  @Override
  public Collection<String> waitedFor() {
    return total.orderingPeers();
  }

  @Override
  public boolean deliversNothing() {
    return total.notAdmitted();
  }

  @Override
  public int held() {
    return total.heldCount();
  }

  @Override
  public void onPeerProgress(String from, long gseq) {
    total.onPeerProgress(from, gseq);
  }

  /**
   * The epoch's members: each delivers only what every one of them is ready for, so a member
   * whose view lags (it answered the flush and holds the data and the numbers, yet its view
   * names only itself) still says how far it is ready, or nobody delivers until its view
   * catches up (issue 15).
   */
  @Override
  public Collection<String> toldBeyondView() {
    return total.epochMembers();
  }

  @Override
  public long readyGseq() {
    return total.readyGseq();
  }

  @Override
  public void onView(Set<String> members, Collection<String> departed, long now) {
    for (String peer : departed) total.forget(peer);
    total.onView(members, now);
  }

  @Override
  public void tick(long now) {
    total.tick(now);
  }

  @Override
  public void onOrdering(String from, TotalOrder.Message message, long now) {
    total.onMessage(from, message, now);
  }

  @Override
  public void onNumbered(TotalOrder.Ordered numbered) {
    if (numbered == null || numbered.runs() == null) {
      fx.reject("numbers from a sequencer, or none: " + numbered);
      return;
    }
    total.onNumbered(numbered);
  }

  @Override
  public TotalOrder.SequencerState sequencerState() {
    return total.sequencerState();
  }

  @Override
  public String sequencing() {
    return "epoch " + total.epoch() + " sequencer " + total.sequencer() + (total.leading() ? " (leading)" : "");
  }
}
