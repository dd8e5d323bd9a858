package org.sidis.multicast;

import org.junit.jupiter.api.Test;
import org.sidis.clock.VectorClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sidis.multicast.MulticastCoreTest.causal;
import static org.sidis.multicast.MulticastCoreTest.fifo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each ordering stage alone, as a value driven by hand: no reliable layer, no actor. A stand-in
 * member records what the stage delivers and answers what it asks (what was delivered, which
 * origins are closed), so each test says what the stage is handed and what it must deliver.
 */
class OrderingStageTest {

  /** The member below and above a stage: it records deliveries and counts them per origin. */
  static final class Below implements OrderingStage.Member {
    final List<String> delivered = new ArrayList<>();
    final List<Long> gseqs = new ArrayList<>();
    final Map<String, Long> count = new HashMap<>();
    final Set<String> peers = new TreeSet<>(MemberNames.ORDER);
    final Set<String> closed = new HashSet<>();
    final Set<String> neverOurs = new HashSet<>();
    final List<String> unreleased = new ArrayList<>();
    final List<String> rejects = new ArrayList<>();
    int announced;

    @Override public void deliver(Data data, Long gseq) {
      delivered.add(data.msgId());
      gseqs.add(gseq);
      count.put(data.origin(), data.seq());
    }
    @Override public long deliveredOf(String origin) { return count.getOrDefault(origin, 0L); }
    @Override public VectorClock delivered() { return VectorClock.of(count); }
    @Override public Map<String, Long> deliveredMap() { return Map.copyOf(count); }
    @Override public boolean neverOurs(String k, String citing, long seq) { return neverOurs.contains(k); }
    @Override public boolean closed(String origin) { return closed.contains(origin); }
    @Override public long released(String origin) { return deliveredOf(origin); }
    @Override public void unrelease(String origin, long seq) { unreleased.add(origin + " from " + seq); }
    @Override public Set<String> peers() { return peers; }
    @Override public void announce() { announced++; }
    @Override public void reject(String reason) { rejects.add(reason); }
  }

  private final Below below = new Below();
  private final MulticastCoreTest.Recorder fx = new MulticastCoreTest.Recorder();

  private OrderingStage stage(String self, Order order) {
    return OrderingStage.of(self, MulticastSettings.defaults("g", order), fx, below);
  }

  @Test
  void theFactoryPicksOneStagePerOrder() {
    assertTrue(stage("n1", Order.FIFO) instanceof FifoStage);
    assertTrue(stage("n1", Order.CAUSAL) instanceof CausalStage);
    assertTrue(stage("n1", Order.TOTAL) instanceof TotalStage);
    for (Order o : Order.values()) assertEquals(o, stage("n1", o).order());
  }

  // ------------------------------------------------------------------ FIFO

  @Test
  void fifoDeliversWhatTheReliableLayerReleasesAsItIsReleased() {
    OrderingStage fifo = stage("n1", Order.FIFO);
    fifo.onReleased(fifo("n2", 1));
    fifo.onOwn(fifo("n1", 1));
    fifo.onReleased(fifo("n2", 2));
    assertEquals(List.of("n2:1", "n1:1", "n2:2"), below.delivered);
    assertEquals(0, fifo.held());
    assertNull(fifo.stamp("n1", 2), "a FIFO message carries no clock");
    assertNull(fifo.helloCut());
  }

  @Test
  void fifoRefusesTotalOrderTraffic() {
    OrderingStage fifo = stage("n1", Order.FIFO);
    fifo.onOrdering("n2", new TotalOrder.OrderNack(1, 1, 2), 0);
    fifo.onNumbered(new TotalOrder.Ordered(1, List.of()));
    assertEquals(2, below.rejects.size(), below.rejects.toString());
    assertTrue(below.delivered.isEmpty());
  }

  // ------------------------------------------------------------------ causal

  @Test
  void causalHoldsAReplyBackUntilItsCauseIsDelivered() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    // n3's reply names n2:1 as its cause; it overtook n2:1.
    c.onReleased(causal("n3", 1, "n2", 1));
    assertEquals(List.of(), below.delivered, "n3:1 must wait for n2:1");
    assertEquals(1, c.held());
    c.onReleased(causal("n2", 1));
    assertEquals(List.of("n2:1", "n3:1"), below.delivered);
    assertEquals(0, c.held());
  }

  @Test
  void causalReleasesAWholeRunOfOneOriginOnceItsCauseCame() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    c.onReleased(causal("n3", 1, "n2", 2));
    c.onReleased(causal("n3", 2, "n2", 2));
    c.onReleased(causal("n3", 3, "n2", 2));
    c.onReleased(causal("n2", 1));
    assertEquals(List.of("n2:1"), below.delivered, "n3's run waits for n2:2");
    c.onReleased(causal("n2", 2));
    assertEquals(List.of("n2:1", "n2:2", "n3:1", "n3:2", "n3:3"), below.delivered);
  }

  @Test
  void causalDoesNotWaitForACauseNeverAddressedHereAndRemembersIt() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    below.neverOurs.add("n4");
    c.onReleased(causal("n3", 1, "n4", 5));
    assertEquals(List.of("n3:1"), below.delivered);
    assertEquals(5, c.settledUnaddressed("n4"), "should n4's Hello come late, n4:1..5 must be skipped");
    assertEquals(0, c.settledUnaddressed("n2"));
  }

  @Test
  void causalWaitsAgainWhenTheCauseBecomesAddressed() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    c.onReleased(causal("n3", 1, "n4", 1));
    assertEquals(List.of(), below.delivered);
    below.neverOurs.add("n4"); // n4 left without ever addressing us
    c.causesSettled();
    assertEquals(List.of("n3:1"), below.delivered);
  }

  @Test
  void causalDropsWhatWaitsForACauseLostWithAClosedOriginButNeverALiveOnes() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    c.onReleased(causal("n3", 1, "n2", 1));
    c.onReleased(causal("n3", 2, "n2", 1));
    below.closed.add("n2");
    c.onClosed("n2");
    assertEquals(2, c.held(), "n3 is live: it delivered n2:1 and still holds it");
    assertTrue(fx.traced("drop").isEmpty(), fx.traces.toString());
    below.closed.add("n3");
    c.onClosed("n3");
    assertEquals(0, c.held());
    assertEquals(2, fx.traced("drop").size(), fx.traces.toString());
    assertEquals(List.of("n3 from 1"), below.unreleased, "the dropped ones are as if never released");
    assertEquals(List.of(), below.delivered, "nothing is delivered before its cause");
  }

  @Test
  void causalStampsItsOwnMessageWithWhatItDelivered() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    c.onReleased(causal("n2", 1));
    VectorClock stamp = c.stamp("n1", 1);
    assertEquals(1, stamp.get("n1"));
    assertEquals(1, stamp.get("n2"));
    assertEquals(Map.of("n2", 1L), c.helloCut());
  }

  @Test
  void causalRefusesAMessageWithoutItsClock() {
    OrderingStage c = stage("n1", Order.CAUSAL);
    assertNotNull(c.defect(fifo("n2", 1)));
    assertNotNull(c.defect(new Data("n2", 1, VectorClock.EMPTY.with("n2", 2), "x")), "a clock that does not count the message at its origin");
    assertNull(c.defect(causal("n2", 1)));
    assertNull(stage("n1", Order.FIFO).defect(fifo("n2", 1)));
  }

  // ------------------------------------------------------------------ total

  @Test
  void totalDeliversNothingBeforeTheSequencerNumberedIt() {
    OrderingStage t = stage("n1", Order.TOTAL);
    t.onOwn(fifo("n1", 1));
    t.onReleased(fifo("n2", 1));
    assertEquals(List.of(), below.delivered, "not even the origin's own message goes up unnumbered");
    assertEquals(2, t.held());
    assertEquals("epoch 0 sequencer null", t.sequencing());
  }

  @Test
  void totalAloneFormsItsGroupAndDeliversInTheSequencersOrder() {
    OrderingStage t = stage("n1", Order.TOTAL);
    t.onView(Set.of("n1"), List.of(), 0); // a group of one: n1 asks itself, and leads epoch 1
    t.onReleased(fifo("n2", 1));
    t.onOwn(fifo("n1", 1));
    t.onReleased(fifo("n2", 2));
    assertTrue(t.sequencing().contains("(leading)"), t.sequencing());
    assertEquals(List.of("n2:1", "n1:1", "n2:2"), below.delivered, fx.traces.toString());
    assertEquals(List.of(1L, 2L, 3L), below.gseqs);
    assertEquals(0, t.held());
  }

  @Test
  void totalRefusesNumbersThatAreNone() {
    OrderingStage t = stage("n1", Order.TOTAL);
    t.onNumbered(null);
    assertEquals(1, fx.rejects.size(), fx.rejects.toString());
  }

  // ------------------------------------------------------------------ the reliable layer does not branch on the order

  @Test
  void theReliableLayerNeverAsksWhichOrderItCarries() throws IOException {
    Path dir = Path.of("src/main/java/org/sidis/multicast");
    String core = Files.readString(dir.resolve("MulticastCore.java"));
    assertFalse(Pattern.compile("\\bOrder\\.").matcher(core).find(), "MulticastCore names an order");
    assertFalse(core.contains(".order()"), "MulticastCore reads the order");
    // The one switch over the order is the stage factory's.
    int switches = 0;
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("switch \\(settings\\.order\\(\\)\\)|order\\(\\) == Order\\.").matcher(Files.readString(f));
        while (m.find()) switches++;
      }
    }
    assertEquals(1, switches, "branches on the order outside OrderingStage.of");
  }
}
