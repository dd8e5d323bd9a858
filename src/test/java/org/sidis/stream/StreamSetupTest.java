package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.node.TestKits;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Setup through the Receptionist, with probes: the offer admits a contract its link can keep and
 * refuses one it cannot, with the reason; the request starts a sink in the mode its contract
 * names. Synchronous sinks drop frames later than the maximum delay and count them; asynchronous
 * ones deliver every frame however late; isochronous ones keep audio and video within ±20 ms.
 */
class StreamSetupTest {

  private static final ActorTestKit kit = TestKits.local("stream-setup", Map.of("akka.scheduler.tick-duration", "1ms"));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static StreamSettings settings(long id, String overrides) {
    return StreamSettings.fromConfig(ConfigFactory.parseString("id = " + id + "\nsink-port = 0\nlength = 2s\n" + overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("sidis.stream")));
  }

  private static NetworkModel jitter(long seed, long maxMillis) {
    return new NetworkModel(new NetworkModel.Link(0, maxMillis, 0.0, 0.0), Map.of(), Partitions.none(), new Random(seed));
  }

  @Test
  void theOfferAdmitsAContractItsLinkCanKeepAndAnswersARepeatedAskTheSame() {
    StreamSettings s = settings(11, "");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    offer.tell(new StreamSetup.Ask(11, s.contract(), s.sinkBufferingUs(), true, sink.getRef()));
    StreamSetup.Admitted ok = assertInstanceOf(StreamSetup.Admitted.class, sink.receiveMessage());
    assertEquals(Map.of(Flow.AUDIO, 100L, Flow.VIDEO, 50L), ok.frames());
    assertEquals(140_000L, ok.holdUs().get(Flow.AUDIO), "a block of 8 audio frames holds 7 periods");
    offer.tell(new StreamSetup.Ask(11, s.contract(), s.sinkBufferingUs(), true, sink.getRef()));
    assertEquals(ok, sink.receiveMessage(), "asked again, the same admission");
    TestProbe<StreamSetup.Answer> second = kit.createTestProbe();
    offer.tell(new StreamSetup.Ask(11, s.contract(), s.sinkBufferingUs(), true, second.getRef()));
    assertTrue(assertInstanceOf(StreamSetup.Refused.class, second.receiveMessage()).reason().contains("already has a sink"));
  }

  @Test
  void anImpossibleContractIsRefusedAtSetupWithItsReason() {
    StreamSettings s = settings(12, "");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    QosContract tooFast = new QosContract(20_000_000, 700_000, 30_000, 2_000_000, Mode.ISOCHRONOUS);
    offer.tell(new StreamSetup.Ask(12, tooFast, s.sinkBufferingUs(), true, sink.getRef()));
    String why = assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason();
    assertTrue(why.contains("bit rate 20000 kbit/s exceeds the link's free capacity 10000 kbit/s"), why);
    QosContract tooTight = new QosContract(400_000, 100_000, 30_000, 2_000_000, Mode.ISOCHRONOUS);
    offer.tell(new StreamSetup.Ask(12, tooTight, s.sinkBufferingUs(), true, sink.getRef()));
    why = assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason();
    assertTrue(why.contains("below the playout delay 441 ms"), why);
    offer.tell(new StreamSetup.Ask(99, s.contract(), 0, true, sink.getRef()));
    assertTrue(assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason().contains("no stream 99 is offered here"));
  }

  @Test
  void aRefusedRequestStartsNoSinkAndSaysWhy() {
    StreamSettings src = settings(13, "link.capacity = 100000");
    kit.spawn(StreamOffer.create(src.sourceSettings(), src.link(), NetworkModel.PERFECT));
    StreamSettings s = settings(13, "");
    TestProbe<StreamRequest.Outcome> out = kit.createTestProbe();
    kit.spawn(StreamRequest.create(13, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, out.getRef()));
    StreamRequest.Refused r = out.expectMessageClass(StreamRequest.Refused.class, Duration.ofSeconds(10));
    assertTrue(r.reason().contains("exceeds the link's free capacity 100 kbit/s"), r.reason());
  }

  private static QosReport run(long id, String mode, long jitterMillis) {
    StreamSettings s = settings(id, "contract.mode = " + mode + "\ncontract.max-delay = 700ms\nlink.jitter = 0ms\n");
    kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamRequest.Outcome> out = kit.createTestProbe();
    kit.spawn(StreamRequest.create(id, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        jitter(id, jitterMillis), out.getRef()));
    out.expectMessageClass(StreamRequest.Admitted.class, Duration.ofSeconds(10));
    StreamRequest.Ended e = out.expectMessageClass(StreamRequest.Ended.class, Duration.ofSeconds(30));
    System.out.println("stream " + id + " " + mode + " jitter 0-" + jitterMillis + " ms: " + e.report());
    assertEquals(Mode.parse(mode), e.report().mode());
    assertEquals(150, e.report().played() + e.report().missed(), "every frame falls due once: " + e.report());
    return e.report();
  }

  @Test
  void asynchronousDeliversEveryFrameHoweverLateAndSynchronousDropsAndCountsTheLateOnes() {
    QosReport async = run(14, "async", 60);
    assertEquals(0, async.missed(), "no loss, no time limit: every frame delivered: " + async);
    // a deadline of 700 ms minus the 1 ms link delay over the shortest transit, and the interleaving hold of up to 140 ms: none late
    QosReport sync = run(15, "sync", 60);
    assertEquals(0, sync.late(), sync.toString());
    StreamSettings tight = settings(16, "contract.mode = sync\ncontract.max-delay = 60ms\ncontract.max-jitter = 30ms\nlink.jitter = 0ms\n");
    assertEquals(59_000, tight.sinkSettings().buffer().baseDelayUs(), "the deadline is the maximum delay beyond the link's own");
    kit.spawn(StreamOffer.create(tight.sourceSettings(), tight.link(), NetworkModel.PERFECT));
    TestProbe<StreamRequest.Outcome> out = kit.createTestProbe();
    kit.spawn(StreamRequest.create(16, tight.contract(), 0, false, ok -> tight.sinkSettings(ok.frames(), ok.holdUs()),
        jitter(16, 60), out.getRef()));
    out.expectMessageClass(StreamRequest.Admitted.class, Duration.ofSeconds(10));
    QosReport late = out.expectMessageClass(StreamRequest.Ended.class, Duration.ofSeconds(30)).report();
    System.out.println("stream 16 sync, 60 ms bound, jitter 0-60 ms, 140 ms interleaving hold: " + late);
    assertTrue(late.late() > 0 && late.missed() > 0, "frames past the maximum delay are dropped and counted: " + late);
  }

  @Test
  void isochronousKeepsLipSyncUnderJitter() {
    QosReport iso = run(17, "isochronous", 30);
    assertTrue(iso.maxSkewUs() <= QosReport.LIP_SYNC_US, "lip sync within ±20 ms: " + iso);
  }
}
