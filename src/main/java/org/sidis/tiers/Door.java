package org.sidis.tiers;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ServerSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.Document;
import org.sidis.tiers.TiersProtocol.Redirect;
import org.sidis.tiers.TiersProtocol.Refused;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What the front door and an application server's own endpoint share: reading a document key
 * from the path, turning an {@link Answer} into an HTTP response, and a clear status with a JSON
 * reason (and a log line) for every bad input — a key that is not a number (400), a path that
 * does not exist (404), a method the path does not take (405), a body on a read (413 beyond
 * {@code max-body}). Malformed HTTP is answered 400 by Akka HTTP's parser before any route runs.
 */
abstract class Door extends AllDirectives {

  static final ObjectMapper JSON = new ObjectMapper();

  protected final ActorSystem<?> system;
  protected final TiersSettings settings;

  Door(ActorSystem<?> system, TiersSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** Akka HTTP's server settings with the body bound as the parser's limit (a larger body is 413 before it is read). */
  static ServerSettings serverSettings(ActorSystem<?> system, TiersSettings s, String header) {
    Config over = ConfigFactory.parseMap(Map.of(
        "akka.http.server.parsing.max-content-length", s.maxBody() + "b",
        "akka.http.server.request-timeout", s.requestTimeout().plusSeconds(5).toMillis() + "ms",
        "akka.http.server.server-header", header));
    return ServerSettings.create(over.withFallback(system.settings().config()));
  }

  /** {@code GET /doc/{key}}: the key checked, then {@code fetch}; any other method on it 405. */
  protected Route documents(IntFunction<Route> fetch) {
    return pathPrefix("doc", () -> path(akka.http.javadsl.server.PathMatchers.segment(), k -> concat(
        get(() -> bodyChecked(() -> {
          int key;
          try {
            key = Integer.parseInt(k);
          } catch (NumberFormatException e) {
            return refuse(400, "bad key [" + k + "]: a document key is an integer 0.." + (settings.documents() - 1));
          }
          if (key < 0) return refuse(400, "bad key [" + k + "]: a document key is an integer 0.." + (settings.documents() - 1));
          return fetch.apply(key);
        })),
        notAllowed("GET"))));
  }

  /** A request whose declared body is larger than {@code max-body} is refused 413 without reading it. */
  protected Route bodyChecked(Supplier<Route> inner) {
    return extractRequest(req -> {
      long length = req.entity().getContentLengthOption().orElse(0L);
      if (length > settings.maxBody()) {
        return refuse(413, "a body of " + length + " bytes: at most sidis.tiers.max-body = " + settings.maxBody() + " bytes");
      }
      return inner.get();
    });
  }

  protected Route notAllowed(String allow) {
    return extractRequest(req -> {
      log(req, 405);
      return complete(error(405, req.method().value() + " is not allowed on " + req.getUri().path() + " (only " + allow + ")")
          .addHeader(RawHeader.create("Allow", allow)));
    });
  }

  protected Route notFound(String usage) {
    return extractRequest(req -> {
      log(req, 404);
      return complete(error(404, "no such path: " + req.getUri().path() + " (" + usage + ")"));
    });
  }

  protected Route refuse(int status, String reason) {
    return extractRequest(req -> {
      system.log().info("tiers door: {} {} answered {}: {}", req.method().value(), req.getUri().path(), status, reason);
      return complete(error(status, reason));
    });
  }

  private void log(HttpRequest req, int status) {
    system.log().info("tiers door: {} {} answered {}", req.method().value(), req.getUri().path(), status);
  }

  /** An answer as HTTP: the document as text, a 307 to the server, or the refusal's status and reason. */
  HttpResponse response(Answer a) {
    if (a instanceof Document d) {
      return HttpResponse.create().withStatus(200).withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, d.body()))
          .addHeader(RawHeader.create("Sidis-Server", d.server()));
    }
    if (a instanceof Redirect r) {
      return HttpResponse.create().withStatus(307).addHeader(RawHeader.create("Location", r.location()))
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.createObjectNode().put("location", r.location()).toString()));
    }
    Refused r = (Refused) a;
    system.log().info("tiers door: request [{}] answered {}: {}", r.id(), r.status(), r.reason());
    return error(r.status(), r.reason());
  }

  /** A failed ask: a timeout is 504, anything else 500 with its reason. */
  HttpResponse failure(Throwable t) {
    Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (e instanceof TimeoutException) {
      system.log().warn("tiers door: a request timed out: {}", e.getMessage());
      return error(504, "no answer within " + settings.requestTimeout());
    }
    system.log().warn("tiers door: a request failed: {}", e.toString());
    return error(500, e.toString());
  }

  HttpResponse error(int status, String reason) {
    ObjectNode body = JSON.createObjectNode().put("error", reason).put("status", status);
    HttpResponse r = HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    if (status == 503) r = r.addHeader(RawHeader.create("Retry-After", String.valueOf(Math.max(1, settings.retryAfter().toSeconds()))));
    return r;
  }
}
