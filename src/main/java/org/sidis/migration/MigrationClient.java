package org.sidis.migration;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import org.sidis.migration.MigrationProtocol.MoveOutcome;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's side of a moving actor: call it by name and move it, blocking or not. Behind
 * it a {@link Locator} finds the actor wherever it runs; a call returns the value the actor
 * applied, whatever moves happen meanwhile.
 */
public final class MigrationClient {

  private static final AtomicLong LOCATORS = new AtomicLong();

  private final ActorSystem<?> system;
  private final ActorRef<Locator.Command> locator;

  public MigrationClient(ActorSystem<?> system, String node, MigrationSettings settings) {
    this.system = system;
    this.locator = system.systemActorOf(Locator.create(node, settings), "migration-client-" + settings.name() + "-" + LOCATORS.incrementAndGet(),
        akka.actor.typed.Props.empty());
  }

  public CompletionStage<Long> callAsync(Duration timeout) {
    return AskPattern.ask(locator, Locator.Call::new, timeout, system.scheduler());
  }

  /** Increments the counter and returns its new value (waits at most {@code timeout}). */
  public long call(Duration timeout) {
    return callAsync(timeout).toCompletableFuture().join();
  }

  public CompletionStage<MoveOutcome> moveAsync(String targetNode, MoveMode mode, Duration timeout) {
    return AskPattern.ask(locator, r -> new Locator.Move(targetNode, mode, r), timeout, system.scheduler());
  }

  /** Moves the actor to {@code targetNode} and returns how the move ended. */
  public MoveOutcome move(String targetNode, MoveMode mode, Duration timeout) {
    return moveAsync(targetNode, mode, timeout).toCompletableFuture().join();
  }

  public ActorRef<Locator.Command> locator() {
    return locator;
  }
}
