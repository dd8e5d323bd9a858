package org.sidis.stream;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;
import org.sidis.net.Partitions;
import org.sidis.node.TestKits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /** A requester whose end (stopped, or its node gone) ends its stream at the offer. */
  private static ActorRef<StreamRequest.Command> requester() {
    return kit.spawn(Behaviors.<StreamRequest.Command>empty());
  }

  private static StreamSetup.Ask ask(long id, QosContract c, StreamSettings s, TestProbe<StreamSetup.Answer> sink, ActorRef<StreamRequest.Command> requester) {
    return new StreamSetup.Ask(id, c, s.sinkBufferingUs(), true, sink.getRef(), requester);
  }

  @Test
  void theOfferAdmitsAContractItsLinkCanKeepAndAnswersARepeatedAskTheSame() {
    StreamSettings s = settings(11, "");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    ActorRef<StreamRequest.Command> requester = requester();
    offer.tell(ask(11, s.contract(), s, sink, requester));
    StreamSetup.Admitted ok = assertInstanceOf(StreamSetup.Admitted.class, sink.receiveMessage());
    assertEquals(Map.of(Flow.AUDIO, 100L, Flow.VIDEO, 50L), ok.frames());
    assertEquals(140_000L, ok.holdUs().get(Flow.AUDIO), "a block of 8 audio frames holds 7 periods");
    offer.tell(ask(11, s.contract(), s, sink, requester));
    assertEquals(ok, sink.receiveMessage(), "asked again, the same admission");
    TestProbe<StreamSetup.Answer> second = kit.createTestProbe();
    offer.tell(ask(11, s.contract(), s, second, requester()));
    assertInstanceOf(StreamSetup.Admitted.class, second.receiveMessage(), "a second sink fits in the link's 10 Mbit/s as well");
  }

  @Test
  void streamsAreAdmittedUntilTheLinkIsFullAndEachEndFreesItsCapacity() {
    // 1000 kbit/s carries two 400 kbit/s streams, not three
    StreamSettings s = settings(19, "link.capacity = 1000000");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    List<TestProbe<StreamSetup.Answer>> sinks = new ArrayList<>();
    List<ActorRef<StreamRequest.Command>> requesters = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sinks.add(kit.createTestProbe());
      requesters.add(requester());
      offer.tell(ask(19, s.contract(), s, sinks.get(i), requesters.get(i)));
      assertInstanceOf(StreamSetup.Admitted.class, sinks.get(i).receiveMessage(), "stream " + (i + 1) + " fits");
    }
    TestProbe<StreamSetup.Answer> third = kit.createTestProbe();
    ActorRef<StreamRequest.Command> thirdRequester = requester();
    offer.tell(ask(19, s.contract(), s, third, thirdRequester));
    String why = assertInstanceOf(StreamSetup.Refused.class, third.receiveMessage()).reason();
    assertTrue(why.contains("free capacity 200 kbit/s") && why.contains("2 stream(s) admitted"), why);

    // the first sink says its stream ended: the third is admitted, and a fourth refused again
    offer.tell(new StreamSetup.End(19, sinks.get(0).getRef()));
    offer.tell(ask(19, s.contract(), s, third, thirdRequester));
    assertInstanceOf(StreamSetup.Admitted.class, third.receiveMessage(), "the ended stream's capacity is free");
    TestProbe<StreamSetup.Answer> fourth = kit.createTestProbe();
    ActorRef<StreamRequest.Command> fourthRequester = requester();
    offer.tell(ask(19, s.contract(), s, fourth, fourthRequester));
    assertInstanceOf(StreamSetup.Refused.class, fourth.receiveMessage());
    offer.tell(ask(19, s.contract(), s, sinks.get(0), requesters.get(0)));
    assertTrue(assertInstanceOf(StreamSetup.Refused.class, sinks.get(0).receiveMessage()).reason().contains("already ended for this sink"),
        "a late repeated ask of an ended stream is not a new stream");

    // the second sink's requester dies (as when its node leaves or crashes): DeathWatch frees its capacity
    kit.stop(requesters.get(1));
    fourth.awaitAssert(Duration.ofSeconds(10), () -> {
      offer.tell(ask(19, s.contract(), s, fourth, fourthRequester));
      return assertInstanceOf(StreamSetup.Admitted.class, fourth.receiveMessage(), "the dead requester's capacity is free");
    });
  }

  @Test
  void aSourceThatSentEveryFrameGivesItsCapacityBack() {
    StreamSettings s = settings(20, "length = 200ms\nlink.capacity = 500000");
    StreamSource.Settings src = s.sourceSettings();
    StreamSource.Settings shortKeep = new StreamSource.Settings(src.streamId(), src.sink(), src.frames(), src.frameBytes(), src.interleavers(),
        src.rateBytesPerSec(), src.burstBytes(), src.tick(), Duration.ofMillis(100));
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(shortKeep, s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    offer.tell(ask(20, s.contract(), s, sink, requester()));
    assertInstanceOf(StreamSetup.Admitted.class, sink.receiveMessage());
    // nobody listens on the discard port's datagrams here; the source sends, keeps 100 ms, and stops
    offer.tell(new StreamSetup.Start(20, "127.0.0.1", 9, sink.getRef()));
    TestProbe<StreamSetup.Answer> next = kit.createTestProbe();
    ActorRef<StreamRequest.Command> nextRequester = requester();
    next.awaitAssert(Duration.ofSeconds(10), () -> {
      offer.tell(ask(20, s.contract(), s, next, nextRequester));
      return assertInstanceOf(StreamSetup.Admitted.class, next.receiveMessage(), "the finished source's capacity is free");
    });
  }

  @Test
  void anImpossibleContractIsRefusedAtSetupWithItsReason() {
    StreamSettings s = settings(12, "");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    QosContract tooFast = new QosContract(20_000_000, 700_000, 30_000, 2_000_000, Mode.ISOCHRONOUS);
    ActorRef<StreamRequest.Command> requester = requester();
    offer.tell(ask(12, tooFast, s, sink, requester));
    String why = assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason();
    assertTrue(why.contains("bit rate 20000 kbit/s exceeds the link's free capacity 10000 kbit/s"), why);
    QosContract tooTight = new QosContract(400_000, 100_000, 30_000, 2_000_000, Mode.ISOCHRONOUS);
    offer.tell(ask(12, tooTight, s, sink, requester));
    why = assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason();
    assertTrue(why.contains("below the playout delay 441 ms"), why);
    offer.tell(new StreamSetup.Ask(99, s.contract(), 0, true, sink.getRef(), requester));
    assertTrue(assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason().contains("no stream 99 is offered here"));
  }

  @Test
  void aStreamThatEndedGivesItsCapacityBackSoTheNextAskIsAdmitted() {
    // the link carries one 400 kbit/s stream at a time
    StreamSettings s = settings(18, "length = 1s\nlink.capacity = 500000");
    kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamRequest.Outcome> first = kit.createTestProbe();
    kit.spawn(StreamRequest.create(18, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, first.getRef()));
    first.expectMessageClass(StreamRequest.Admitted.class, Duration.ofSeconds(10));
    first.expectMessageClass(StreamRequest.Ended.class, Duration.ofSeconds(30));
    TestProbe<StreamRequest.Outcome> next = kit.createTestProbe();
    kit.spawn(StreamRequest.create(18, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, next.getRef()));
    StreamRequest.Outcome o = next.receiveMessage(Duration.ofSeconds(10));
    assertInstanceOf(StreamRequest.Admitted.class, o, "the first stream ended, its capacity is free again: " + o);
    assertInstanceOf(StreamRequest.Ended.class, next.receiveMessage(Duration.ofSeconds(30)));
  }

  @Test
  void badAsksStartsAndEndsAreAnsweredWithTheirReasonAndTheOfferKeepsServing() {
    StreamSettings s = settings(21, "link.capacity = 500000");
    ActorRef<StreamSetup.Command> offer = kit.spawn(StreamOffer.create(s.sourceSettings(), s.link(), NetworkModel.PERFECT));
    TestProbe<StreamSetup.Answer> sink = kit.createTestProbe();
    ActorRef<StreamRequest.Command> requester = requester();
    offer.tell(new StreamSetup.Ask(21, null, 0, true, sink.getRef(), requester));
    assertReason(sink, "without a QoS contract");
    offer.tell(new StreamSetup.Ask(21, s.contract(), -1, true, sink.getRef(), requester));
    assertReason(sink, "the sink's buffering must not be negative, got -1 us");
    offer.tell(new StreamSetup.Ask(21, s.contract(), 0, true, sink.getRef(), null));
    assertReason(sink, "without its requester");
    offer.tell(new StreamSetup.Start(21, "127.0.0.1", 47000, sink.getRef()));
    assertReason(sink, "no admitted stream 21 for this sink: ask first");
    offer.tell(new StreamSetup.End(21, sink.getRef()));
    offer.tell(new StreamSetup.End(77, null));
    sink.expectNoMessage(Duration.ofMillis(200));

    // admitted, then a start with a port no socket has: refused, and the capacity it held is free again
    offer.tell(ask(21, s.contract(), s, sink, requester));
    assertInstanceOf(StreamSetup.Admitted.class, sink.receiveMessage());
    offer.tell(new StreamSetup.Start(21, "127.0.0.1", 0, sink.getRef()));
    assertReason(sink, "the sink's address [127.0.0.1:0] is not a UDP address");
    TestProbe<StreamSetup.Answer> next = kit.createTestProbe();
    offer.tell(ask(21, s.contract(), s, next, requester()));
    assertInstanceOf(StreamSetup.Admitted.class, next.receiveMessage(), "the refused start's capacity is free on this one-stream link");
  }

  private static void assertReason(TestProbe<StreamSetup.Answer> sink, String expected) {
    String why = assertInstanceOf(StreamSetup.Refused.class, sink.receiveMessage()).reason();
    assertTrue(why.contains(expected), "expected a reason with [" + expected + "], got: " + why);
  }

  @Test
  void aRequestForAStreamNobodyOffersIsRefusedSayingSo() {
    StreamSettings s = settings(4242, "");
    TestProbe<StreamRequest.Outcome> out = kit.createTestProbe();
    kit.spawn(StreamRequest.create(4242, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, Duration.ofSeconds(1), out.getRef()));
    StreamRequest.Refused r = out.expectMessageClass(StreamRequest.Refused.class, Duration.ofSeconds(10));
    assertTrue(r.reason().contains("no node offers stream 4242: none found in the cluster within 1 s"), r.reason());

    // an offer that never answers (its node stalled, or it cannot read the ask): refused, naming it
    kit.system().receptionist().tell(akka.actor.typed.receptionist.Receptionist.register(StreamSetup.key(4243),
        kit.spawn(Behaviors.<StreamSetup.Command>ignore(), "mute-offer-4243")));
    TestProbe<StreamRequest.Outcome> mute = kit.createTestProbe();
    kit.spawn(StreamRequest.create(4243, s.contract(), s.sinkBufferingUs(), true, ok -> s.sinkSettings(ok.frames(), ok.holdUs()),
        NetworkModel.PERFECT, Duration.ofSeconds(2), mute.getRef()));
    r = mute.expectMessageClass(StreamRequest.Refused.class, Duration.ofSeconds(10));
    assertTrue(r.reason().contains("the offer of stream 4243 at [") && r.reason().contains("did not answer"), r.reason());
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
