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
   * {@code requester} is the sink node's actor whose end — stopped, or its node removed from the
   * cluster (left, or crashed and downed) — ends the stream and gives its capacity back.
   */
  public record Ask(long streamId, QosContract contract, long sinkBufferingUs, boolean retransmit, ActorRef<Answer> replyTo,
      ActorRef<StreamRequest.Command> requester) implements Command {}

  /** The admitted sink {@code replyTo}'s socket is bound at {@code host:port}: start sending. */
  public record Start(long streamId, String host, int port, ActorRef<Answer> replyTo) implements Command {}

  /** The stream of the admitted sink {@code replyTo} ended at the sink (every frame fell due, or the sink failed): its capacity is free. */
  public record End(long streamId, ActorRef<Answer> replyTo) implements Command {}

  /** The offer's own notice (DeathWatch) that the requester of {@code sink}'s stream, or the source sending it, is gone; never sent by a peer. */
  record Gone(ActorRef<Answer> sink, String why) implements Command {}

  /** Admitted: the stream's frames per flow and, per flow, the longest a frame waits at the source for its interleaving block. */
  public record Admitted(long streamId, Map<Flow, Long> frames, Map<Flow, Long> holdUs) implements Answer {}

  /** Refused at setup, and why. */
  public record Refused(long streamId, String reason) implements Answer {}

  /** The Receptionist key of stream {@code id}'s offer. */
  public static ServiceKey<Command> key(long id) {
    return ServiceKey.create(Command.class, "stream-" + id);
  }
}
