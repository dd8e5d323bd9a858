package org.sidis.migration;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.wire.CborSerializable;

import java.util.Map;

/**
 * The messages of strong mobility, in one place: a client's request and its answer, the order to
 * move, and the move protocol between the source and the target (prepare, pages in chunks with
 * acks, switch, switched — or abort). Every node that may host the actor runs one
 * {@link Migratable} for its name; the source's turns into a forwarding pointer once the actor
 * left (Tanenbaum &amp; van Steen, ch. 3 "Migracao de codigo"; ch. 5's forwarding pointers).
 */
public interface MigrationProtocol {

  /** What a {@link Migratable} understands (from clients, movers and its peers). */
  interface Command extends CborSerializable {}

  /** The answers a client gets. */
  interface Reply extends CborSerializable {}

  /** Increment the counter; {@code msg} is {@code <client>:<n>}, one in flight per client. */
  record Increment(String msg, ActorRef<Reply> replyTo) implements Command {}

  /** The value after applying {@code msg}, and where the actor runs (the client goes there next). */
  record Applied(String msg, long value, ActorRef<Command> at, String node) implements Reply {}

  /** Not answered here ({@code reason}); the client finds the actor again and resends. */
  record Refused(String msg, String reason) implements Reply {}

  /** Move the actor to {@code target} (the {@link Migratable} of the same name on {@code targetNode}). */
  record MoveTo(ActorRef<Command> target, String targetNode, MoveMode mode, ActorRef<MoveOutcome> replyTo) implements Command {}

  /** How a move ended: moved, or not (with {@code reason}) and still serving at {@code from}. */
  record MoveOutcome(long move, boolean moved, String from, String to, String mode, double downtimeMs, double totalMs,
                     int rounds, long pagesSent, int held, String reason) implements CborSerializable {}

  /** Source → target: get ready for a state of {@code pageCount} pages. */
  record Prepare(long move, ActorRef<Command> source, String sourceNode, int pageSize, int pageCount) implements Command {}

  /** Target → source. */
  record Prepared(long move, ActorRef<Command> target) implements Command {}

  /** Target → source: it will not take the actor (it serves it already, or another move is under way). */
  record Declined(long move, String reason) implements Command {}

  /** Source → target: pages {@code pages}, their bytes one after another in {@code data}. */
  record Pages(long move, long chunk, int[] pages, byte[] data) implements Command {}

  /** Target → source: chunk {@code chunk} is installed. */
  record PagesAck(long move, long chunk) implements Command {}

  /**
   * Source → target, after the last pages: the counter and its per-client memory; the target runs
   * the actor from now on. {@code stoppedForMs} is how long the source has held requests so far.
   */
  record Switch(long move, long value, Map<String, Counter.Last> last, double stoppedForMs) implements Command {}

  /** Target → source: the actor runs at the target. */
  record Switched(long move) implements Command {}

  /** Source → target: forget the move. */
  record Abort(long move, String reason) implements Command {}

  /** Where the actor of {@code name} is registered while it serves (clients' fallback). */
  static ServiceKey<Command> servingKey(String name) {
    return ServiceKey.create(Command.class, "migration-" + name);
  }

  /** The {@link Migratable} of {@code name} on {@code node}: where a move can go. */
  static ServiceKey<Command> hostKey(String name, String node) {
    return ServiceKey.create(Command.class, "migration-host-" + name + "-" + node);
  }
}
