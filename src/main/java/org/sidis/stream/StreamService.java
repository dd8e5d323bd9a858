package org.sidis.stream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.net.NetworkModel;
import org.sidis.node.Service;
import org.sidis.wire.Progress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Service {@code stream}: this node's end of the stream {@code sidis.stream} describes, set up
 * through the cluster ({@link StreamSetup}). A source offers the stream and admits a sink's
 * contract against its configured link, or refuses it with the reason — never admitted and then
 * silently degraded; a sink asks for it and, admitted, plays it in its contract's mode. The sink
 * prints its outcome as a progress line for the demo launcher ({@code admitted}, then
 * {@code done} with the QoS report and the contract's breaches, or {@code done} with the refusal).
 * Datagrams are impaired at the socket edge by {@code sidis.net}.
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
    if (s.role() == StreamSettings.Role.SOURCE) return List.of(Spawn.of("stream-offer-" + s.id(), StreamOffer.create(s.sourceSettings(), s.link(), edge)));
    return List.of(Spawn.of("stream-request-" + s.id(), sink(s, edge, node.node())));
  }

  /** The sink's request, with a listener that logs its outcome and prints it for the launcher. */
  static Behavior<StreamRequest.Command> sink(StreamSettings s, NetworkModel edge, String node) {
    return Behaviors.setup(ctx -> {
      ActorRef<StreamRequest.Outcome> outcome = ctx.spawn(Behaviors.setup(own -> Behaviors.receive(StreamRequest.Outcome.class)
          .onMessage(StreamRequest.Admitted.class, a -> {
            Progress.print("admitted", Map.of("node", node, "stream", a.streamId(), "setup_us", a.setupUs()));
            return Behaviors.same();
          })
          .onMessage(StreamRequest.Refused.class, r -> {
            Progress.print("done", Map.of("node", node, "stream", r.streamId(), "refused", r.reason()));
            return Behaviors.same();
          })
          .onMessage(StreamRequest.Failed.class, r -> {
            Progress.print("done", Map.of("node", node, "stream", r.streamId(), "failed", r.reason()));
            return Behaviors.same();
          })
          .onMessage(StreamRequest.Ended.class, e -> {
            List<String> breaches = e.report().breaches(e.contract(), e.setupUs(), s.onTimeTarget());
            own.getLog().info("[{}] QoS report against [{}]: {}; {}", s.id(), e.contract(), e.report(),
                breaches.isEmpty() ? "contract kept" : "contract broken: " + String.join("; ", breaches));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("node", node);
            f.put("stream", e.streamId());
            f.put("setup_us", e.setupUs());
            f.putAll(e.report().fields());
            f.put("kept", breaches.isEmpty());
            f.put("breaches", String.join("; ", breaches));
            Progress.print("done", f);
            return Behaviors.same();
          })
          .build()), "outcome");
      return StreamRequest.create(s.id(), s.contract(), s.sinkBufferingUs(), s.retransmit(),
          ok -> s.sinkSettings(ok.frames(), ok.holdUs()), edge, s.setupTimeout(), outcome);
    });
  }
}
