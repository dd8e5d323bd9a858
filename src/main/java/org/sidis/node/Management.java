package org.sidis.node;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.management.javadsl.AkkaManagement;
import org.sidis.wire.Progress;

import java.util.Map;

/**
 * The node's operations door, when {@code sidis.node.management} is on: Akka Management's HTTP
 * endpoints — liveness ({@code /alive}), readiness ({@code /ready}: the node is Up in the
 * cluster) and the cluster's membership ({@code /cluster/members}, read-only) — on
 * {@code akka.management.http.hostname:port} (the node's own host by default; port 8558, or 0
 * for a free one). What a load balancer, Kubernetes or an operator's curl asks; see
 * docs/deploy.md. An endpoint that cannot bind stops the node with the reason: an operator who
 * asked for it would otherwise probe a port nobody listens on.
 */
final class Management {

  /** The setting that turns the endpoints on. */
  static final String ENABLED = "sidis.node.management";

  private Management() {}

  static void startIfEnabled(ActorSystem<?> system, String node) {
    if (!system.settings().config().getBoolean(ENABLED)) return;
    AkkaManagement.get(Adapter.toClassic(system)).start().whenComplete((uri, failure) -> {
      if (failure != null) {
        String what = "node [" + node + "]: the management endpoint could not start: " + failure.getMessage();
        system.log().error("{}; the node stops", what);
        System.err.println("error: " + what + "; the node stops");
        CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(NodeGuardian.ServiceFailed.INSTANCE);
        return;
      }
      system.log().info("management endpoint of node [{}] at {} (/alive, /ready, /cluster/members)", node, uri);
      Progress.print("management", Map.of("node", node, "url", uri.toString()));
    });
  }
}
