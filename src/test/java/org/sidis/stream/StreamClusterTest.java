package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Leave;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.StreamPlayout;
import org.sidis.check.Verdict;
import org.sidis.net.NetworkModel;
import org.sidis.node.TestClusters;
import org.sidis.trace.Traces;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams set up through an Akka Cluster of ActorSystems in one JVM, over real UDP on loopback:
 * the offer on n1 finds its sinks through the Receptionist, admits them against its link, and the
 * sink on another node plays the stream out. A stream whose sink's node leaves or crashes gives
 * its capacity back (the offer watches the sink's requester; the cluster's removal of the node
 * ends the watch).
 */
@org.junit.jupiter.api.Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class StreamClusterTest {

  @TempDir
  Path traces;

  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stop() {
    TestClusters.shutdownAll(kits);
  }

  private static Map<String, Object> stream(String role, String length, long capacityBps) {
    Map<String, Object> s = new HashMap<>();
    s.put("sidis.stream.id", 7);
    s.put("sidis.stream.role", role);
    s.put("sidis.stream.sink-port", 0);
    s.put("sidis.stream.length", length);
    // a repair budget and playout delay far beyond the loopback path's, so a stall of the loaded machine
    // delays frames without losing them; admission's maximum delay follows
    s.put("sidis.stream.repair-budget", "800ms");
    s.put("sidis.stream.max-playout-delay", "2s");
    s.put("sidis.stream.contract.max-delay", "3s");
    s.put("sidis.stream.link.capacity", capacityBps);
    return s;
  }

  private static StreamSettings settings(ActorTestKit kit) {
    return StreamSettings.fromConfig(kit.system().settings().config().getConfig("sidis.stream"));
  }

  private static TestProbe<StreamRequest.Outcome> request(ActorTestKit kit) {
    StreamSettings s = settings(kit);
    TestProbe<StreamRequest.Outcome> out = kit.createTestProbe();
    kit.spawn(StreamRequest.create(s.id(), s.contract(), s.sinkBufferingUs(), s.retransmit(), ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, out.getRef()));
    return out;
  }

  @Test
  void aSinkOnOneNodePlaysOutTheStreamOfASourceOnAnotherOverUdp() {
    kits.add(ActorTestKit.create("sidis", TestClusters.tracedNodeConfig("n1", traces, stream("source", "3s", 10_000_000))));
    kits.add(ActorTestKit.create("sidis", TestClusters.tracedNodeConfig("n2", traces, stream("sink", "3s", 10_000_000))));
    TestClusters.joinAndAwaitUp(kits);
    StreamSettings src = settings(kits.get(0));
    kits.get(0).spawn(StreamOffer.create(src.sourceSettings(), src.link(), NetworkModel.PERFECT), "stream-offer-7");

    TestProbe<StreamRequest.Outcome> out = request(kits.get(1));
    StreamRequest.Admitted admitted = out.expectMessageClass(StreamRequest.Admitted.class, Duration.ofSeconds(30));
    StreamRequest.Ended ended = out.expectMessageClass(StreamRequest.Ended.class, Duration.ofSeconds(60));
    QosReport r = ended.report();
    System.out.println("stream 7 n1 -> n2 over loopback UDP, setup " + admitted.setupUs() + " us: " + r);

    // 3 s: 150 audio frames of 20 ms and 75 video frames of 40 ms, each due once
    assertEquals(Mode.ISOCHRONOUS, r.mode());
    assertEquals(225, r.played() + r.missed(), "every frame falls due once: " + r);
    assertEquals(0, r.missed(), "nothing lost on loopback with repairs on and an 800 ms repair budget: " + r);
    assertEquals(0, r.late(), r.toString());
    assertEquals(0, r.badDatagrams(), r.toString());
    assertTrue(r.recovered() <= r.framesAsked(), "a repair answers an ask: " + r);
    assertTrue(r.maxSkewUs() <= QosReport.LIP_SYNC_US, "lip sync within ±20 ms: " + r);

    for (ActorTestKit k : kits) Traces.get(k.system()).stop();
    Report report = Inspection.of(traces);
    System.out.println(report.table());
    assertEquals(Verdict.Outcome.HELD, report.verdict("7", StreamPlayout.ACCOUNTED).outcome(), report.table());
    assertTrue(report.passed(), report.table());
  }

  /** Asks from {@code kit} until admitted (the offer frees the capacity once the cluster removed the old sink's node). */
  private static void awaitAdmitted(ActorTestKit kit, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> refusals = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      StreamRequest.Outcome o = request(kit).receiveMessage(Duration.ofSeconds(30));
      if (o instanceof StreamRequest.Admitted) return;
      refusals.add(o.toString());
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError(what + ": not admitted within 60 s; refusals: " + refusals);
  }

  @Test
  void aStreamWhoseSinkNodeLeavesOrCrashesGivesItsCapacityBack() {
    // the link carries one 400 kbit/s stream; each stream would last a minute
    for (String n : List.of("n1", "n2", "n3", "n4"))
      kits.add(ActorTestKit.create("sidis", TestClusters.nodeConfig(n, stream(n.equals("n1") ? "source" : "sink", "60s", 500_000))));
    TestClusters.joinAndAwaitUp(kits);
    StreamSettings src = settings(kits.get(0));
    kits.get(0).spawn(StreamOffer.create(src.sourceSettings(), src.link(), NetworkModel.PERFECT), "stream-offer-7");
    ActorTestKit n2 = kits.get(1), n3 = kits.get(2), n4 = kits.get(3);

    request(n2).expectMessageClass(StreamRequest.Admitted.class, Duration.ofSeconds(30));
    StreamRequest.Refused full = request(n3).expectMessageClass(StreamRequest.Refused.class, Duration.ofSeconds(30));
    assertTrue(full.reason().contains("exceeds the link's free capacity 100 kbit/s"), full.reason());

    // n2 leaves the cluster: its stream ends and n3's ask is admitted
    Cluster.get(n2.system()).manager().tell(Leave.create(Cluster.get(n2.system()).selfMember().address()));
    awaitAdmitted(n3, "after n2 left");
    StreamRequest.Refused again = request(n4).expectMessageClass(StreamRequest.Refused.class, Duration.ofSeconds(30));
    assertTrue(again.reason().contains("1 stream(s) admitted"), again.reason());

    // n3 crashes: what the split-brain resolver decides for a crashed node, downing it, is done here at once
    Cluster.get(kits.get(0).system()).manager().tell(new Down(Cluster.get(n3.system()).selfMember().address()));
    awaitAdmitted(n4, "after n3 was downed");
  }
}
