package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.Serve;
import org.sidis.tiers.TiersProtocol.ServerCommand;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application server's own HTTP endpoint, where the front door redirects clients: {@code GET
 * /doc/{key}} served by this server alone, its reply never near the front end's JVM.
 */
public final class ServerDoor extends Door {

  private final ActorRef<ServerCommand> server;
  /** How the ids of requests that came to a server's own endpoint (after a redirect) begin. */
  static final String DIRECT = "direct-";

  private final AtomicLong ids = new AtomicLong();
  private final String prefix;
  private volatile ServerBinding binding;

  private ServerDoor(ActorSystem<?> system, ActorRef<ServerCommand> server, TiersSettings settings) {
    super(system, settings);
    this.server = server;
    // <origin>:<n>, as the trace contract's message ids: the origin names this endpoint's start.
    this.prefix = DIRECT + server.path().name() + "-" + Long.toString(System.nanoTime(), 36) + ":";
  }

  public static CompletionStage<ServerDoor> bind(ActorSystem<?> system, ActorRef<ServerCommand> server, TiersSettings settings) {
    ServerDoor door = new ServerDoor(system, server, settings);
    return Http.get(system).newServerAt(settings.serverHost(), settings.serverPort())
        .withSettings(serverSettings(system, settings, "sidis-app-server"))
        .bind(door.route())
        .thenApply(b -> {
          door.binding = b;
          return door;
        });
  }

  public String url() {
    return "http://" + settings.serverHost() + ":" + binding.localAddress().getPort();
  }

  public void stop() {
    ServerBinding b = binding;
    if (b != null) b.terminate(Duration.ofSeconds(1));
  }

  Route route() {
    return concat(documents(this::fetch), notFound("GET /doc/{key}"));
  }

  private Route fetch(int key) {
    if (key >= settings.documents()) {
      return refuse(404, "no document " + key + ": keys are 0.." + (settings.documents() - 1));
    }
    String id = prefix + ids.incrementAndGet();
    CompletionStage<HttpResponse> answer = AskPattern.<ServerCommand, Answer>ask(server, r -> new Serve(id, key, r),
            settings.requestTimeout(), system.scheduler())
        .thenApply(this::response)
        .exceptionally(this::failure);
    return completeWithFuture(answer);
  }
}
