package org.sidis.multicast;


import java.util.Collection;

/**
 * FIFO order ("Ordem FIFO" in the notes; Tanenbaum &amp; van Steen, FIFO-ordered multicast): if a
 * member multicasts m1 and then m2, every member delivers m1 before m2. The reliable layer
 * already releases each origin's messages in its sequence-number order through its per-origin
 * hold-back queue ({@link org.sidis.clock.HoldbackQueue}), which is this order's hold-back: the
 * stage's delivery rule is to deliver each message as it is released, and holds nothing itself.
 */
final class FifoStage implements OrderingStage {

  private final Member member;

  FifoStage(Member member) {
    this.member = member;
  }

  @Override
  public Order order() {
    return Order.FIFO;
  }

  /** The origin delivers its own message at once: it is the next of its own stream. */
  @Override
  public void onOwn(Data data) {
    member.deliver(data, null);
  }

  @Override
  public void onReleased(Data data) {
    member.deliver(data, null);
  }

  @Override
  public Collection<String> waitedFor() {
    return member.peers();
  }

  @Override
  public int held() {
    return 0;
  }

  @Override
  public void onOrdering(String from, TotalOrder.Message message, long now) {
    member.reject("ordering message from [" + from + "] in a fifo group");
  }

  @Override
  public void onNumbered(TotalOrder.Ordered numbered) {
    member.reject("numbers from a sequencer in a fifo group: " + numbered);
  }
}
