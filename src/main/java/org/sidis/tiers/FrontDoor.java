package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.Completed;
import org.sidis.tiers.TiersProtocol.Document;
import org.sidis.tiers.TiersProtocol.Fetch;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;
import org.sidis.tiers.TiersProtocol.Refused;
import org.sidis.tiers.TiersProtocol.Status;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The front door: the HTTP endpoint real clients call, on Akka HTTP. Each request is handed at
 * once to the {@link FrontEnd} with a per-request actor (the ask's) as its reply path; nothing
 * waits on a thread. {@code GET /doc/{key}} answers the document ({@code ?mode=relay|handoff|
 * redirect} and {@code ?policy=round-robin|least-loaded|content-aware} override the configured
 * ones, for measuring side by side), {@code GET /status} the front end's counters as JSON,
 * {@code POST /caches/clear} empties the servers' caches.
 *
 * <p>In handoff the server's reply reaches the per-request actor without passing the front end
 * actor; the HTTP connection still ends here, so the reply's bytes still cross this JVM's
 * sockets (Artery in, HTTP out) — what handoff removes is the front end actor and its mailbox
 * from the reply's path. Only redirect takes the reply out of this JVM altogether.
 */
public final class FrontDoor extends Door {

  static final String USAGE = "GET /doc/{key}, GET /status, POST /caches/clear";

  private final ActorRef<FrontEndCommand> frontEnd;
  private final String node;
  private final AtomicLong ids = new AtomicLong();
  private final TiersTrace trace;
  private volatile ServerBinding binding;

  private FrontDoor(ActorSystem<?> system, ActorRef<FrontEndCommand> frontEnd, TiersSettings settings, String node) {
    super(system, settings);
    this.frontEnd = frontEnd;
    this.node = node;
    this.trace = TiersTrace.of(system, frontEnd);
  }

  /** Binds the front door at {@code front-host:front-port}; the stage fails with the address and the reason. */
  public static CompletionStage<FrontDoor> bind(ActorSystem<?> system, ActorRef<FrontEndCommand> frontEnd, TiersSettings settings,
                                                String node) {
    FrontDoor door = new FrontDoor(system, frontEnd, settings, node);
    return Http.get(system).newServerAt(settings.frontHost(), settings.frontPort())
        .withSettings(serverSettings(system, settings, "sidis-front-door"))
        .bind(door.route())
        .thenApply(b -> {
          door.binding = b;
          return door;
        });
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public String url() {
    return "http://" + settings.frontHost() + ":" + port();
  }

  public void stop() {
    ServerBinding b = binding;
    if (b != null) b.terminate(Duration.ofSeconds(1));
  }

  Route route() {
    return concat(
        documents(this::fetch),
        path("status", () -> concat(get(() -> completeWithFuture(status())), notAllowed("GET"))),
        path(akka.http.javadsl.server.PathMatchers.segment("caches").slash("clear"), () -> concat(
            post(() -> completeWithFuture(AskPattern.<FrontEndCommand, TiersProtocol.Done>ask(frontEnd,
                    TiersProtocol.ClearCaches::new, settings.requestTimeout(), system.scheduler())
                .thenApply(d -> HttpResponse.create().withStatus(204))
                .exceptionally(this::failure))),
            notAllowed("POST"))),
        notFound(USAGE));
  }

  private Route fetch(int key) {
    return parameterOptional("mode", mode -> parameterOptional("policy", policy -> {
      ReplyMode m;
      Policy p;
      try {
        m = mode.map(ReplyMode::parse).orElse(null);
        p = policy.map(Policy::parse).orElse(null);
      } catch (IllegalArgumentException e) {
        return refuse(400, e.getMessage());
      }
      String id = node + ":" + ids.incrementAndGet();
      // A little longer than the front end's own timeout, so it is the front end that answers 504 and forgets the request.
      Duration wait = settings.requestTimeout().plusSeconds(2);
      CompletionStage<HttpResponse> answer = AskPattern.<FrontEndCommand, Answer>ask(frontEnd, r -> new Fetch(id, key, m, p, r), wait,
              system.scheduler())
          .handle((a, t) -> {
            HttpResponse response = t == null ? response(a) : failure(t);
            trace.reply(id, t == null ? a : null, response.status().intValue());
            if (a instanceof Document || a instanceof Refused) frontEnd.tell(new Completed(id));
            return response;
          });
      return completeWithFuture(answer);
    }));
  }

  private CompletionStage<HttpResponse> status() {
    return AskPattern.<FrontEndCommand, Status>ask(frontEnd, TiersProtocol.GetStatus::new, settings.requestTimeout(), system.scheduler())
        .thenApply(s -> {
          try {
            return HttpResponse.create().withStatus(200).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
                JSON.writeValueAsString(s)));
          } catch (JsonProcessingException e) {
            return error(500, e.toString());
          }
        })
        .exceptionally(this::failure);
  }
}
