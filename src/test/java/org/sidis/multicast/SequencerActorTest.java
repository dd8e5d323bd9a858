package org.sidis.multicast;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sidis.fault.FaultInjector;
import org.sidis.node.TestKits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequencer actor under its supervisor, with a probe as its member: failures are injected
 * into it while it numbers, it is restarted, and the numbers go on from its state — no gseq
 * given twice, none skipped, and nothing numbered between a restart and its state's return.
 */
class SequencerActorTest {

  private ActorTestKit kit;

  @BeforeEach
  void start() {
    kit = TestKits.local("sequencer", Map.of("sidis.node.name", "n1", "sidis.fault.inject.sequencer", 0.2, "sidis.fault.inject.seed", 7));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /**
   * What the member takes from its sequencer, checked as it comes: each number is one past the
   * last (no duplicate, no gap) and each message gets one number.
   */
  static final class Taken {
    final long epoch;
    long last;
    final List<Long> gseqs = new ArrayList<>();
    final Set<TotalOrder.Key> unnumbered = new LinkedHashSet<>();
    final Set<TotalOrder.Key> numbered = new java.util.HashSet<>();

    Taken(long epoch) {
      this.epoch = epoch;
    }

    void take(TotalOrder.Ordered o) {
      for (TotalOrder.Assignment a : o.assignments()) {
        if (a.gseq() != last + 1) throw new AssertionError("gseq " + a.gseq() + " after " + last + " (duplicate or gap): " + gseqs);
        if (!numbered.add(a.key())) throw new AssertionError(a.msgId() + " numbered twice, again as gseq " + a.gseq());
        last = a.gseq();
        gseqs.add(a.gseq());
        unnumbered.remove(a.key());
      }
    }

    TotalOrder.SequencerState state() {
      return new TotalOrder.SequencerState(epoch, last + 1, List.copyOf(unnumbered), last);
    }
  }

  @Test
  void aSequencerRestartedAfterAnInjectedFailureNumbersOnWithNoDuplicateAndNoGap() {
    TestProbe<SequencerActor.Outcome> member = kit.createTestProbe("member");
    FaultInjector faults = FaultInjector.fromConfig(kit.system().settings().config(), FaultInjector.Target.SEQUENCER,
        "/user/sequencer-test-1");
    ActorRef<SequencerActor.Command> sequencer = kit.spawn(SequencerActor.create(member.getRef(), faults), "sequencer-1");
    Taken taken = new Taken(1);
    int starts = 0;
    int messages = 120;
    for (int i = 1; i <= messages; i++) {
      TotalOrder.Key key = new TotalOrder.Key("n2~a", i);
      taken.unnumbered.add(key);
      sequencer.tell(new SequencerActor.Number(1, List.of(key), taken.last));
      while (!taken.unnumbered.isEmpty()) {
        SequencerActor.Outcome out = member.receiveMessage(Duration.ofSeconds(10));
        if (out instanceof SequencerActor.NeedState need) {
          starts++;
          assertEquals(sequencer, need.replyTo(), "the same address before and after a restart");
          // Asked again while it waits for its state: it must number nothing yet.
          need.replyTo().tell(new SequencerActor.Number(1, List.copyOf(taken.unnumbered), taken.last));
          member.expectNoMessage(Duration.ofMillis(100));
          need.replyTo().tell(new SequencerActor.Resume(taken.state()));
        } else {
          taken.take(((SequencerActor.Numbered) out).ordered());
        }
      }
    }
    List<Long> expected = new ArrayList<>();
    for (long g = 1; g <= messages; g++) expected.add(g);
    assertEquals(expected, taken.gseqs);
    assertTrue(faults.struck() >= 3, "the test injected too few failures to show anything: " + faults.struck());
    assertEquals(faults.struck() + 1, starts, "one start, then one restart per injected failure");
    member.expectNoMessage(Duration.ofMillis(100));
  }

  /** Its state back, it numbers first what its member holds unnumbered: the request lost in the crash. */
  @Test
  void aRestartedSequencerNumbersWhatItsMemberHoldsUnnumberedBeforeAnythingNew() {
    TestProbe<SequencerActor.Outcome> member = kit.createTestProbe("member");
    ActorRef<SequencerActor.Command> sequencer = kit.spawn(SequencerActor.create(member.getRef(), FaultInjector.never()), "sequencer-2");
    ActorRef<SequencerActor.Command> replyTo = member.expectMessageClass(SequencerActor.NeedState.class).replyTo();
    sequencer.tell(new SequencerActor.Number(4, List.of(new TotalOrder.Key("n3", 1)), 0)); // before its state: waits
    member.expectNoMessage(Duration.ofMillis(100));
    replyTo.tell(new SequencerActor.Resume(new TotalOrder.SequencerState(4, 11, List.of(new TotalOrder.Key("n2", 5)), 10)));
    SequencerActor.Numbered first = member.expectMessageClass(SequencerActor.Numbered.class);
    assertEquals(List.of(new TotalOrder.Assignment(4, 11, "n2", 5)), first.ordered().assignments());
    SequencerActor.Numbered second = member.expectMessageClass(SequencerActor.Numbered.class);
    assertEquals(List.of(new TotalOrder.Assignment(4, 12, "n3", 1)), second.ordered().assignments());
    sequencer.tell(new SequencerActor.Number(3, List.of(new TotalOrder.Key("n3", 2)), 0)); // another epoch: void
    member.expectNoMessage(Duration.ofMillis(100));
  }

  /**
   * The negative control: the check above does fail on a sequencer that came back without its
   * state (numbering from 1 again, as a restart that kept nothing would).
   */
  @Test
  void theCheckSeesTheDuplicateOfASequencerThatCameBackWithoutItsState() {
    Taken taken = new Taken(1);
    Sequencer before = new Sequencer(1, 1);
    taken.take(TotalOrder.Ordered.of(1, before.number(List.of(new TotalOrder.Key("n2", 1), new TotalOrder.Key("n2", 2)), 0)));
    Sequencer amnesiac = new Sequencer(1, 1);
    AssertionError e = assertThrows(AssertionError.class,
        () -> taken.take(TotalOrder.Ordered.of(1, amnesiac.number(List.of(new TotalOrder.Key("n2", 3)), 0))));
    assertTrue(e.getMessage().contains("gseq 1 after 2"), e.getMessage());
  }
}
