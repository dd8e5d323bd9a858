package org.sidis.multicast;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import org.sidis.fault.FaultInjector;
import org.sidis.fault.Supervision;

import java.util.List;

/**
 * The sequencer of a total-order group as an actor of its own: the thin shell around the
 * {@link Sequencer} core (the fixed sequencer of Défago, Schiper and Urbán 2004; Amoeba's,
 * Kaashoek 1992), spawned by the {@link GroupMember} of the node whose member leads the current
 * epoch, as its child, and stopped when that member leads no more.
 *
 * <p>Its member asks it to {@link Number} the messages it holds, and takes the answers
 * ({@link Numbered}) as the epoch's leader: it keeps them, multicasts them to the group and
 * delivers by them. The sequencer keeps nothing the member does not also keep, so the member's
 * state is where it comes back from: on every start — the first one and each restart by its
 * supervisor — it asks the member for its {@link TotalOrder.SequencerState} ({@link NeedState})
 * and numbers <em>nothing</em> until that comes ({@link Resume}); what arrives meanwhile waits in
 * its stash. The member answers from what it has taken, and what this actor numbered before it
 * crashed reached the member before the request for state did (one sender, one receiver: Akka
 * keeps their order), so the restarted sequencer numbers on from one past the last gseq it gave
 * — never one number twice — and numbers every message the member still holds without a number
 * — a request lost in the crash leaves no gap.
 */
public final class SequencerActor {

  /** What the sequencer takes. */
  public sealed interface Command permits Number, Resume {}

  /** Number {@code messages} for {@code epoch}; the member has delivered up to {@code deliveredGseq}. */
  public record Number(long epoch, List<TotalOrder.Key> messages, long deliveredGseq) implements Command {}

  /** The state to number on from (null: the member leads nothing; the sequencer numbers nothing). */
  public record Resume(TotalOrder.SequencerState state) implements Command {}

  /** What the sequencer tells its member. */
  public sealed interface Outcome permits NeedState, Numbered {}

  /** The sequencer (re)started: it waits for its state. */
  public record NeedState(ActorRef<Command> replyTo) implements Outcome {}

  /** Numbers given, in gseq order. */
  public record Numbered(TotalOrder.Ordered ordered) implements Outcome {}

  /** Most requests it holds while it waits for its state; more are dropped (the state names them all again). */
  static final int STASH = 10_000;

  private SequencerActor() {}

  /**
   * A sequencer for {@code member}, restarted by its supervisor when it throws; {@code injector}
   * (kept outside the restarted behavior, so a restart does not draw the same crash again) may
   * throw on a request before it changes anything, to show the restart at work.
   */
  public static Behavior<Command> create(ActorRef<Outcome> member, FaultInjector injector) {
    Behavior<Command> sequencer = Behaviors.setup(ctx -> Behaviors.withStash(STASH, stash -> {
      member.tell(new NeedState(ctx.getSelf()));
      return waitingForState(member, injector, stash);
    }));
    return Behaviors.supervise(Supervision.traced(sequencer)).onFailure(Exception.class, SupervisorStrategy.restart());
  }

  /** Numbers nothing until its state is back: a sequencer that guessed its next gseq could give one twice. */
  private static Behavior<Command> waitingForState(ActorRef<Outcome> member, FaultInjector injector, StashBuffer<Command> stash) {
    return Behaviors.receive(Command.class)
        .onMessage(Resume.class, r -> {
          if (r.state() == null) return Behaviors.stopped(); // its member leads no more
          Sequencer core = new Sequencer(r.state().epoch(), r.state().next());
          List<TotalOrder.Assignment> owed = core.number(r.state().unnumbered(), r.state().deliveredGseq());
          if (!owed.isEmpty()) member.tell(new Numbered(TotalOrder.Ordered.of(core.epoch(), owed)));
          return stash.unstashAll(numbering(member, injector, core));
        })
        .onMessage(Number.class, n -> {
          if (!stash.isFull()) stash.stash(n);
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> numbering(ActorRef<Outcome> member, FaultInjector injector, Sequencer core) {
    return Behaviors.receive(Command.class)
        .onMessage(Number.class, n -> {
          injector.strike("numbering " + n.messages().size() + " messages of epoch " + n.epoch());
          if (n.epoch() != core.epoch()) return Behaviors.same(); // for an epoch it does not serve: void
          List<TotalOrder.Assignment> numbered = core.number(n.messages(), n.deliveredGseq());
          if (!numbered.isEmpty()) member.tell(new Numbered(TotalOrder.Ordered.of(core.epoch(), numbered)));
          return Behaviors.same();
        })
        .onMessage(Resume.class, r -> Behaviors.same()) // an answer to an earlier start's request: it has its state
        .build();
  }
}
