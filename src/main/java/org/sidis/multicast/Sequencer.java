package org.sidis.multicast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sequencer of one epoch of a total-order group: it gives each message the group's next
 * global sequence number ({@code gseq}) and nothing else — a plain core, no actor, no I/O.
 *
 * <p>This is the <em>fixed sequencer</em> of Défago, Schiper and Urbán ("Total order broadcast
 * and multicast algorithms: taxonomy and survey", ACM Computing Surveys 36(4), 2004, §4.1), in
 * its broadcast-broadcast form: every origin multicasts its message to all members, and one
 * process, the sequencer, multicasts only the numbers; members deliver in number order. Amoeba's
 * group communication (Kaashoek, "Group Communication in Distributed Computer Systems", PhD
 * thesis, Vrije Universiteit, 1992) is the classic system built this way; like Amoeba, sidis
 * elects a new sequencer when it fails — that is {@link TotalOrder}'s epoch change, which opens
 * a new Sequencer numbering on from the cut the survivors agree on.
 *
 * <p>The one rule it keeps: within its epoch no number is given twice and no message gets two
 * numbers. So it numbers from {@code next} on, and remembers which messages it numbered until
 * the member it serves has delivered them (a request for a message asked twice — after a
 * restart, the member names again what it holds unnumbered — is answered by nothing).
 */
public final class Sequencer {

  private final long epoch;
  private long next;
  /** What it numbered and the member has not yet delivered: duplicates of these are not numbered again. */
  private final Map<TotalOrder.Key, Long> given = new HashMap<>();
  private final TreeMap<Long, TotalOrder.Key> byGseq = new TreeMap<>();

  /** The sequencer of {@code epoch}, whose first number is {@code next}. */
  public Sequencer(long epoch, long next) {
    if (epoch < 1) throw new IllegalArgumentException("a sequencer numbers for an epoch >= 1, got [" + epoch + "]");
    if (next < 1) throw new IllegalArgumentException("gseqs start at 1, got next [" + next + "]");
    this.epoch = epoch;
    this.next = next;
  }

  public long epoch() {
    return epoch;
  }

  /** The gseq the next message will get. */
  public long next() {
    return next;
  }

  /**
   * Numbers {@code messages}, in the given order, skipping any it numbered already; the member
   * has delivered everything up to {@code deliveredGseq}, which it need not remember any more.
   */
  public List<TotalOrder.Assignment> number(List<TotalOrder.Key> messages, long deliveredGseq) {
    forget(deliveredGseq);
    List<TotalOrder.Assignment> out = new ArrayList<>(messages.size());
    for (TotalOrder.Key k : messages) {
      if (given.containsKey(k)) continue;
      long g = next++;
      given.put(k, g);
      byGseq.put(g, k);
      out.add(new TotalOrder.Assignment(epoch, g, k.origin(), k.seq()));
    }
    return out;
  }

  private void forget(long deliveredGseq) {
    for (Iterator<Map.Entry<Long, TotalOrder.Key>> it = byGseq.headMap(deliveredGseq, true).entrySet().iterator(); it.hasNext(); ) {
      given.remove(it.next().getValue());
      it.remove();
    }
  }

  /** How many numbered messages it still remembers. */
  int remembered() {
    return given.size();
  }
}
