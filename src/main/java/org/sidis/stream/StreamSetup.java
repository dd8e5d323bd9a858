package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.wire.CborSerializable;

import java.util.Map;

/**
 * Setting a stream up through the cluster (seed notes: the QoS is negotiated when the stream is
 * set up, before the application may send). The source node's {@link StreamOffer} offers stream
 * {@code id} in the Receptionist under {@link #key}; the sink node's {@link StreamRequest} finds it
 * and {@link Ask}s for it with its {@link QosContract}. The offer puts the contract to
 * {@link Admission} on its configured link and answers {@link Refused} with the reason, or
 * {@link Admitted} with what the sink must know of the stream (its flows' lengths and the
 * source's interleaving hold). The sink then binds its UDP socket and says where with
 * {@link Start}; only then does the source send. Messages cross JVMs, hence CBOR.
 */
public final class StreamSetup {

  private StreamSetup() {}

  public sealed interface Command extends CborSerializable {}

  public sealed interface Answer extends CborSerializable {}

  /**
   * A sink asks for stream {@code streamId} under {@code contract}; {@code sinkBufferingUs} is what
   * it will buffer beyond the path's jitter for repairs (the source adds its interleaving hold).
   */
  public record Ask(long streamId, QosContract contract, long sinkBufferingUs, boolean retransmit, ActorRef<Answer> replyTo) implements Command {}

  /** The sink's socket is bound at {@code host:port}: start sending. */
  public record Start(long streamId, String host, int port) implements Command {}

  /** Admitted: the stream's frames per flow and, per flow, the longest a frame waits at the source for its interleaving block. */
  public record Admitted(long streamId, Map<Flow, Long> frames, Map<Flow, Long> holdUs) implements Answer {}

  /** Refused at setup, and why. */
  public record Refused(long streamId, String reason) implements Answer {}

  /** The Receptionist key of stream {@code id}'s offer. */
  public static ServiceKey<Command> key(long id) {
    return ServiceKey.create(Command.class, "stream-" + id);
  }
}
