package org.sidis.migration.code;

import akka.actor.typed.ActorRef;
import org.sidis.wire.CborSerializable;

import java.util.Objects;

/**
 * The messages of weak mobility, in one place. The application talks to its node's
 * {@link CodeHost} with {@link Publish}, {@link Ship} (sender-initiated: push a unit to another
 * node's host) and {@link Fetch} (receiver-initiated: get a unit this node lacks from a member
 * that has it), and hears an {@link Outcome}: the job {@link Running} where it was loaded, or
 * {@link Refused} with the reason. Between nodes: a {@link CodeShipper} sends an {@link Offer}
 * (name, announced digest, size), the host answers {@link Proceed} or refuses, then the
 * {@link Part}s follow and the host answers with the outcome; a fetching host sends
 * {@link Want} and hears a shipment or {@link Lack}.
 */
public interface CodeProtocol {

  /** What a {@link CodeHost} accepts. */
  interface Command {}

  /** What a {@link CodeShipper} hears from the host it ships to. */
  interface Answer {}

  /** What the application hears back from a ship or a fetch. */
  interface Outcome extends CborSerializable {
    String unit();
  }

  /** Keep {@code unit} here, so members can fetch it from this node. Local only. */
  record Publish(CodeUnit unit) implements Command {
    public Publish {
      Objects.requireNonNull(unit);
    }
  }

  /** Sender-initiated: push {@code unit} to the host {@code to}, which loads and runs it. Local only. */
  record Ship(CodeUnit unit, ActorRef<Command> to, ActorRef<Outcome> replyTo) implements Command {
    public Ship {
      Objects.requireNonNull(unit);
      Objects.requireNonNull(to);
      Objects.requireNonNull(replyTo);
    }
  }

  /**
   * Receiver-initiated: run the unit named {@code unit} on this node, fetching it from a member
   * that has it when this node does not. {@code expected}, when not null, is the digest the
   * caller requires. Local only.
   */
  record Fetch(String unit, CodeDigest expected, ActorRef<Outcome> replyTo) implements Command {
    public Fetch {
      Objects.requireNonNull(unit);
      Objects.requireNonNull(replyTo);
    }
  }

  /** A shipper announces a unit: its name, the SHA-256 of its encoding, its size and number of parts. */
  record Offer(String unit, String digest, int bytes, int parts, String node, ActorRef<Answer> shipper) implements Command, CborSerializable {}

  /** Part {@code index} of the unit {@code shipper} offered. */
  record Part(ActorRef<Answer> shipper, int index, byte[] bytes) implements Command, CborSerializable {}

  /** A host that lacks {@code unit} asks another for it. */
  record Want(String unit, String node, ActorRef<Command> requester) implements Command, CborSerializable {}

  /** The answer to {@link Want} from a host that does not have the unit. */
  record Lack(String unit, String node) implements Command, CborSerializable {}

  /** The host accepted the offer: send the parts. */
  record Proceed(String unit) implements Answer, CborSerializable {}

  /** The unit was loaded at {@code node} and runs there as {@code job}. */
  record Running(String unit, String digest, String node, ActorRef<MobileJob.Run> job) implements Answer, Outcome {}

  /** The unit was not run, and why. */
  record Refused(String unit, String digest, Refusal reason, String detail) implements Answer, Outcome {}
}
