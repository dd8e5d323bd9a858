package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.net.NetworkModel;
import org.sidis.node.Service;

import java.util.List;

/**
 * Service {@code stream}: this node's end of the stream {@code sidis.stream} describes. A sink
 * first puts its contract to admission control against the configured link: a contract the link
 * cannot keep is refused with the reason and the node does not start — never admitted and then
 * silently degraded. Only isochronous sinks are built; a synchronous or asynchronous contract is
 * refused saying so. Datagrams are impaired at the socket edge by {@code sidis.net}.
 */
public final class StreamService implements Service {

  public static final String NAME = "stream";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    StreamSettings s = StreamSettings.fromConfig(node.config().getConfig("sidis.stream"));
    NetworkModel edge = NetworkModel.fromConfig(node.config().getConfig("sidis.net"), node.seed() ^ 0x5743);
    if (s.role() == StreamSettings.Role.SOURCE) return List.of(Spawn.of("stream-source-" + s.id(), StreamSource.create(s.sourceSettings(), edge)));
    return List.of(Spawn.of("stream-sink-" + s.id(), sink(s, edge)));
  }

  /** The sink, once its contract is admitted; an {@link IllegalArgumentException} with the reason when it is not. */
  static Behavior<StreamSink.Command> sink(StreamSettings s, NetworkModel edge) {
    if (s.contract().mode() != Mode.ISOCHRONOUS)
      throw new IllegalArgumentException("sidis.stream.contract.mode " + s.contract().mode().word() + ": only isochronous sinks are built so far");
    if (Admission.of(s.link()).admit(s.contract(), s.bufferingUs()) instanceof Admission.Refused r)
      throw new IllegalArgumentException("stream " + s.id() + " refused at setup: " + r.reason());
    return Behaviors.setup(ctx -> {
      ActorRef<StreamSink.Event> reporter = ctx.spawn(Behaviors.receive(StreamSink.Event.class)
          .onMessage(StreamSink.Finished.class, f -> {
            ctx.getLog().info("[{}] QoS report against [{}]: {}", s.id(), s.contract(), f.report());
            return Behaviors.same();
          })
          .onMessage(StreamSink.Bound.class, b -> Behaviors.same())
          .build(), "report");
      return StreamSink.create(s.sinkSettings(), edge, reporter);
    });
  }
}
