package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ServerSettings;
import akka.stream.Materializer;
import akka.stream.SystemMaterializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.wire.MessageId;
import org.sidis.wire.Progress;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The application gateway: lets a program outside the cluster PUT, GET and ACK queue messages,
 * publish to topics, subscribe durably, and send through the broker, over HTTP/1.1 or HTTPS, on
 * Akka HTTP 10.2 (issue 18). Each request becomes one command to the node's
 * {@link QueueManager}, asked at once; the HTTP answer comes only once the queue manager
 * answered, so a 201 for a PUT means what {@link PutAck} means (stored, for a persistent queue).
 *
 * <pre>
 * POST /queues/{q}[?id=origin:n]          body = payload  → 201 {"queue","msgId"}
 * GET  /queues/{q}[?timeout=5s]                           → 200 payload (headers Sidis-Message-Id, Sidis-Deliveries,
 *                                                           Sidis-Delivery-Token) | 204
 * POST /queues/{q}/ack/{msgId}  body = {"token": "..."}   → 200 {"queue","msgId","token"} | 400 no token
 *                                                           | 409 not in flight under that token
 * POST /topics/{t}[?id=origin:n]          body = payload  → 201 {"topic","msgId","subscriptions"}
 * PUT  /topics/{t}/subscriptions/{s}                      → 200 {"topic","subscription","queue"}: then GET/ack /queues/{queue}
 * POST /broker[?id=origin:n]              body = JSON     → 201 {"msgId","rule","to","subscriptions"}
 * </pre>
 *
 * <p>Why Akka HTTP and not the JDK's {@code com.sun.net.httpserver}: a connection here is a
 * stream, not a thread. 40 clients that sent a request line and one header and then waited held
 * all 16 threads of the old gateway, and a normal GET waited 20 s (issue 18). Here a slow client
 * costs a connection (at most {@code max-connections}, closed after {@code idle-timeout}), and a
 * GET that waits for a message is a {@link CompletionStage} of an ask: no thread waits.
 *
 * <p>Before a request reaches the queue manager it passes, in order: the bearer token (401 none,
 * 403 wrong; {@link GatewayLimits#access}), the request rate (429 with {@code Retry-After};
 * {@link GatewayLimits.RateLimit}), the body size (413, {@code sidis.mom.max-message-bytes}), and
 * for a GET that waits, the number of open long-polls (503 with {@code Retry-After}). Statuses of
 * refusals come from their {@link Refusal} kind, never from the reason's words.
 *
 * <p>Bodies are bytes: a body that is not UTF-8 text survives PUT and GET byte for byte
 * ({@link GatewayPayload}). Message ids a client does not give are {@code gw-<node>-<start>:<n>}:
 * unique across restarts of the gateway. The gateway traces {@code put}, {@code get} and
 * {@code ack} as the producer or consumer in the cluster would, so the queue checker sees what
 * outside programs did.
 */
public final class Gateway extends AllDirectives {

  /**
   * The gateway's settings ({@code sidis.mom.gateway}, commented in conf/reference.conf).
   *
   * @param port 0 for any free port (logged, and printed for the launcher as {@code @sidis {"event":"gateway",...}})
   * @param token the bearer token every call must carry; "" for none (allowed on loopback only)
   * @param maxWait the longest {@code timeout} a GET may ask for
   * @param requestTimeout how long a request may take (a GET: its own wait plus this)
   * @param idleTimeout a connection with no traffic for this long is closed
   * @param maxConnections connections open at once; more wait in the OS's accept queue
   * @param maxLongPolls GETs waiting at once (timeout above 0); past it 503 with Retry-After
   * @param requestsPerSecond sustained request rate; past it 429 with Retry-After
   * @param burst requests admitted at once above the rate
   * @param tls HTTPS, when a keystore is configured
   */
  public record Settings(boolean enabled, String host, int port, String token, Duration maxWait, Duration requestTimeout,
                         Duration idleTimeout, int maxConnections, int maxLongPolls, double requestsPerSecond, int burst, Tls tls) {

    /** A PKCS12 (or JKS) keystore holding the gateway's key and certificate; {@code keystore = ""}: plain HTTP. */
    public record Tls(String keystore, String password, String type) {
      public boolean enabled() {
        return !keystore.isEmpty();
      }

      static Tls off() {
        return new Tls("", "", "PKCS12");
      }
    }

    public Settings {
      if (token == null) token = "";
      if (tls == null) tls = Tls.off();
    }

    /**
     * Reads {@code sidis.mom.gateway}. Refuses, naming the setting: a token file that cannot be
     * read, a non-loopback host without both a token and TLS (an open door with plain-text
     * secrets), an idle timeout not longer than the longest GET wait (it would cut long-polls).
     */
    public static Settings fromConfig(Config c) {
      String token = c.getString("token");
      String tokenFile = c.getString("token-file");
      if (!tokenFile.isEmpty()) {
        if (!token.isEmpty()) throw new IllegalArgumentException("sidis.mom.gateway: set token or token-file, not both");
        try {
          token = Files.readString(Path.of(tokenFile)).trim();
        } catch (IOException | java.nio.file.InvalidPathException e) { // a NUL in the name is not a path (ConfigFuzzTest seed 3)
          throw new IllegalArgumentException("sidis.mom.gateway.token-file [" + tokenFile + "] cannot be read: " + e);
        }
        if (token.isEmpty()) throw new IllegalArgumentException("sidis.mom.gateway.token-file [" + tokenFile + "] is empty");
      }
      Config t = c.getConfig("tls");
      Settings s = new Settings(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"), token, c.getDuration("max-wait"),
          c.getDuration("request-timeout"), c.getDuration("idle-timeout"), c.getInt("max-connections"), c.getInt("max-long-polls"),
          c.getDouble("requests-per-second"), c.getInt("burst"),
          new Tls(t.getString("keystore"), t.getString("keystore-password"), t.getString("keystore-type")));
      if (s.enabled()) s.check();
      return s;
    }

    /** The refusal of {@link #fromConfig} for settings that would open an unsafe or broken door. */
    void check() {
      if (!loopback(host) && (token.isEmpty() || !tls.enabled())) {
        throw new IllegalArgumentException("sidis.mom.gateway.host = \"" + host + "\" is not a loopback address: the gateway listens"
            + " beyond this machine only with a token (sidis.mom.gateway.token or token-file) and TLS (sidis.mom.gateway.tls.keystore);"
            + " has token: " + !token.isEmpty() + ", has TLS: " + tls.enabled());
      }
      if (idleTimeout.compareTo(maxWait) <= 0) {
        throw new IllegalArgumentException("sidis.mom.gateway.idle-timeout (" + idleTimeout + ") must be longer than max-wait ("
            + maxWait + "): a GET waiting for a message sends nothing, and the idle timeout would close its connection");
      }
      if (maxLongPolls < 1 || maxConnections < 1 || requestsPerSecond <= 0 || burst < 1) {
        throw new IllegalArgumentException("sidis.mom.gateway: max-long-polls, max-connections, requests-per-second and burst must be"
            + " above 0");
      }
      if (tls.enabled() && !readable(tls.keystore())) {
        throw new IllegalArgumentException("sidis.mom.gateway.tls.keystore [" + tls.keystore() + "] cannot be read");
      }
    }

    /** False for a name that is not a path at all (a NUL in it), so the refusal names the setting. */
    private static boolean readable(String file) {
      try {
        return Files.isReadable(Path.of(file));
      } catch (java.nio.file.InvalidPathException e) {
        return false;
      }
    }

    static boolean loopback(String host) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }

    public static Settings off() {
      return new Settings(false, "127.0.0.1", 0, "", Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60), 1024, 256,
          500, 1000, Tls.off());
    }

    /** On loopback at {@code port}, without a token, with the reference defaults. */
    public static Settings on(int port) {
      return new Settings(true, "127.0.0.1", port, "", Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60), 1024, 256,
          500, 1000, Tls.off());
    }

    public Settings withToken(String t) {
      return new Settings(enabled, host, port, t, maxWait, requestTimeout, idleTimeout, maxConnections, maxLongPolls, requestsPerSecond,
          burst, tls);
    }

    public Settings withLimits(int longPolls, double perSecond, int burstSize) {
      return new Settings(enabled, host, port, token, maxWait, requestTimeout, idleTimeout, maxConnections, longPolls, perSecond,
          burstSize, tls);
    }

    public Settings withTimeouts(Duration wait, Duration request, Duration idle) {
      return new Settings(enabled, host, port, token, wait, request, idle, maxConnections, maxLongPolls, requestsPerSecond, burst, tls);
    }

    public Settings withTls(Tls t) {
      return new Settings(enabled, host, port, token, maxWait, requestTimeout, idleTimeout, maxConnections, maxLongPolls, requestsPerSecond,
          burst, t);
    }

    public Settings withHost(String h) {
      return new Settings(enabled, h, port, token, maxWait, requestTimeout, idleTimeout, maxConnections, maxLongPolls, requestsPerSecond,
          burst, tls);
    }
  }

  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);
  /** A declared oversized body up to this size is read and dropped before the 413, so a client still sending sees the 413, not a reset. */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final ActorRef<QueueProtocol.Command> manager;
  private final Settings settings;
  private final int maxMessageBytes;
  private final String idOrigin;
  private final AtomicLong counter = new AtomicLong();
  private final AtomicInteger openPolls = new AtomicInteger();
  private final GatewayLimits.RateLimit rate;
  private final Map<String, QueueTrace> queueTraces = new HashMap<>();
  private final Map<String, TopicTrace> topicTraces = new HashMap<>();
  private volatile ServerBinding binding;

  private Gateway(ActorSystem<?> system, ActorRef<QueueProtocol.Command> manager, Settings settings, int maxMessageBytes, String node) {
    this.system = system;
    this.materializer = SystemMaterializer.get(system).materializer();
    this.manager = manager;
    this.settings = settings;
    this.maxMessageBytes = maxMessageBytes;
    this.idOrigin = "gw-" + node + "-" + Long.toString(System.currentTimeMillis(), 36);
    this.rate = new GatewayLimits.RateLimit(settings.requestsPerSecond(), settings.burst(), System.nanoTime());
  }

  /** Binds and starts serving; fails (with the address and the reason) when the settings are unsafe or the address cannot be bound. */
  public static Gateway start(ActorSystem<?> system, ActorRef<QueueProtocol.Command> manager, Settings settings, int maxMessageBytes,
                              String node) {
    settings.check();
    Gateway g = new Gateway(system, manager, settings, maxMessageBytes, node);
    ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port()).withSettings(serverSettings(system, settings));
    if (settings.tls().enabled()) server = server.enableHttps(https(settings.tls()));
    try {
      g.binding = server.bind(g.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("the gateway cannot listen on " + settings.host() + ":" + settings.port() + " (" + cause + ")", cause);
    }
    String scheme = settings.tls().enabled() ? "https" : "http";
    system.log().info("gateway listening on {}://{}:{}/ (token {})", scheme, settings.host(), g.port(),
        settings.token().isEmpty() ? "none: loopback only" : "required");
    Progress.print("gateway", Map.of("node", node, "port", g.port(), "scheme", scheme));
    return g;
  }

  /** Akka HTTP's server settings with the gateway's timeouts and connection limit laid over the system's. */
  private static ServerSettings serverSettings(ActorSystem<?> system, Settings s) {
    Config over = ConfigFactory.parseMap(Map.of(
        "akka.http.server.idle-timeout", s.idleTimeout().toMillis() + "ms",
        "akka.http.server.request-timeout", s.requestTimeout().toMillis() + "ms",
        "akka.http.server.max-connections", s.maxConnections(),
        // The route reads bodies itself, under max-message-bytes; this bound is only the parser's backstop.
        "akka.http.server.parsing.max-content-length", DRAIN_LIMIT + "b",
        "akka.http.server.server-header", "sidis-gateway"));
    return ServerSettings.create(over.withFallback(system.settings().config()));
  }

  private static HttpsConnectionContext https(Settings.Tls tls) {
    try (InputStream in = Files.newInputStream(Path.of(tls.keystore()))) {
      KeyStore ks = KeyStore.getInstance(tls.type());
      ks.load(in, tls.password().toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, tls.password().toCharArray());
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, null);
      return ConnectionContext.httpsServer(ssl);
    } catch (Exception e) {
      throw new IllegalStateException("the gateway cannot use keystore [" + tls.keystore() + "] (sidis.mom.gateway.tls): " + e, e);
    }
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Stops accepting connections and ends those open within a second (their requests are answered 503). */
  public void stop() {
    ServerBinding b = binding;
    if (b != null) b.terminate(Duration.ofSeconds(1));
  }

  // ------------------------------------------------------------------ routes

  /** A refusal with its HTTP status: what every check and every typed queue or broker refusal becomes. */
  static final class HttpError extends RuntimeException {
    final int status;
    final Long retryAfter;

    HttpError(int status, String message) {
      this(status, message, null);
    }

    HttpError(int status, String message, Long retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  /** The status of a typed refusal. */
  static int status(Refusal kind) {
    return switch (kind) {
      case INVALID -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNPROCESSABLE -> 422;
      case UNAVAILABLE -> 504;
    };
  }

  private static final String USAGE = " (POST|GET /queues/{q}, POST /queues/{q}/ack/{id}, POST /topics/{t}, PUT /topics/{t}/subscriptions/{s},"
      + " POST /broker)";

  /** The documented API as Akka HTTP's Java DSL; every leaf hands its request on at once and answers with a CompletionStage. */
  Route route() {
    return admitted(() -> concat(
        pathPrefix("queues", () -> pathPrefix(PathMatchers.segment(), q -> named("queue", q, () -> concat(
            pathEnd(() -> concat(
                post(() -> answer(req -> put(q, req))),
                get(() -> extractRequest(req -> attempt(() -> {
                  Duration wait = timeout(req);
                  if (wait.isZero()) return answer(r -> get(q, wait));
                  // A GET that waits may take its wait on top of the request timeout.
                  Duration total = wait.plus(settings.requestTimeout());
                  return withRequestTimeout(scala.concurrent.duration.FiniteDuration.create(total.toMillis(), TimeUnit.MILLISECONDS),
                      () -> answer(r -> longPoll(q, wait)));
                }))),
                notAllowed())),
            path(PathMatchers.segment("ack").slash(PathMatchers.segment()), id -> named("message id", id, () -> concat(
                post(() -> answer(req -> ack(q, id, req))),
                notAllowed()))),
            notFound())))),
        pathPrefix("topics", () -> pathPrefix(PathMatchers.segment(), t -> named("topic", t, () -> concat(
            pathEnd(() -> concat(post(() -> answer(req -> publish(t, req))), notAllowed())),
            path(PathMatchers.segment("subscriptions").slash(PathMatchers.segment()), s -> named("subscription", s, () -> concat(
                put(() -> answer(req -> subscribe(t, s))),
                notAllowed()))),
            notFound())))),
        path("broker", () -> concat(
            post(() -> answer(this::send)),
            extractRequest(req -> complete(error(new HttpError(405, req.method().value()
                + " is not allowed on /broker (POST a JSON message)")))))),
        notFound()));
  }

  /** The token, then the rate: a caller without the token does not spend the others' rate. */
  private Route admitted(Supplier<Route> inner) {
    return extractRequest(req -> {
      String authorization = req.getHeader("Authorization").map(HttpHeader::value).orElse(null);
      switch (GatewayLimits.access(settings.token(), authorization)) {
        case MISSING:
          return complete(error(new HttpError(401, "this gateway needs the header Authorization: Bearer <token> (sidis.mom.gateway.token)"))
              .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"sidis\"")));
        case WRONG:
          return complete(error(new HttpError(403, "the bearer token is not this gateway's")));
        default:
          break;
      }
      Duration wait = rate.take(System.nanoTime());
      if (!wait.isZero()) {
        return complete(error(new HttpError(429, "more than sidis.mom.gateway.requests-per-second = " + settings.requestsPerSecond()
            + " (burst " + settings.burst() + "); try again later", GatewayLimits.retryAfterSeconds(wait))));
      }
      return inner.get();
    });
  }

  /**
   * A name from the path, refused (400) when it is no text a client meant: Akka HTTP decodes
   * %-escapes of bytes that are not UTF-8 (an overlong '/', a lone continuation byte) leniently,
   * into U+FFFD, and would let {@code /queues/%C0%AF} name a queue "\uFFFD"; a control character
   * (NUL, a line break) is no part of a name either.
   */
  static String badName(String kind, String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\uFFFD') return kind + " name is not valid UTF-8 once its %-escapes are decoded: " + name;
      if (Character.isISOControl(c)) return kind + " name contains control character U+" + String.format("%04X", (int) c);
    }
    return null;
  }

  private Route named(String kind, String name, Supplier<Route> inner) {
    String bad = badName(kind, name);
    return bad == null ? inner.get() : complete(error(new HttpError(400, bad)));
  }

  private Route notAllowed() {
    return extractRequest(req -> complete(error(new HttpError(405, req.method().value() + " is not allowed on " + req.getUri().path()))));
  }

  private Route notFound() {
    return extractRequest(req -> complete(error(new HttpError(404, "no such resource: " + req.getUri().path() + USAGE))));
  }

  /** A route built from the request, whose refusals (thrown while building it) become their answers. */
  private Route attempt(Supplier<Route> make) {
    try {
      return make.get();
    } catch (HttpError e) {
      return complete(error(e));
    }
  }

  /** Answers with {@code make}'s stage: nothing waits on a thread; any refusal becomes its response. */
  private Route answer(Function<HttpRequest, CompletionStage<HttpResponse>> make) {
    return extractRequest(req -> completeWithFuture(recover(() -> make.apply(req))));
  }

  /** Runs {@code make}, turning any refusal (thrown at once or failing the stage) into its response. */
  private CompletionStage<HttpResponse> recover(Supplier<CompletionStage<HttpResponse>> make) {
    CompletionStage<HttpResponse> stage;
    try {
      stage = make.get();
    } catch (HttpError e) {
      return CompletableFuture.completedFuture(error(e));
    }
    return stage.exceptionally(this::failure);
  }

  private HttpResponse failure(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof HttpError h) return error(h);
    if (e instanceof TimeoutException) return error(new HttpError(504, "the queue manager did not answer in time"));
    system.log().warn("gateway: a request failed: {}", e.toString());
    return error(new HttpError(500, e.toString()));
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  private static HttpResponse error(HttpError e) {
    HttpResponse r = HttpResponse.create().withStatus(e.status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
        BrokerRules.JSON.createObjectNode().put("error", e.getMessage()).toString()));
    return e.retryAfter == null ? r : r.addHeader(RawHeader.create("Retry-After", String.valueOf(e.retryAfter)));
  }

  private static HttpResponse json(int status, ObjectNode body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  // ------------------------------------------------------------------ operations

  private CompletionStage<HttpResponse> put(String queue, HttpRequest req) {
    String msgId = id(req);
    return readBody(req.entity()).thenCompose(body -> ask(ref -> new Put(queue, msgId, GatewayPayload.fromBody(body), ref), Reply.class,
        ANSWER_MARGIN)).thenApply(r -> {
          if (r instanceof PutAck) {
            traceQueue(queue, t -> t.put(msgId));
            return json(201, BrokerRules.JSON.createObjectNode().put("queue", queue).put("msgId", msgId));
          }
          throw refused(r);
        });
  }

  /** A GET that waits: counted against max-long-polls from the ask to its answer, whatever the answer is. */
  private CompletionStage<HttpResponse> longPoll(String queue, Duration wait) {
    if (openPolls.incrementAndGet() > settings.maxLongPolls()) {
      openPolls.decrementAndGet();
      throw new HttpError(503, settings.maxLongPolls() + " GETs are waiting already (sidis.mom.gateway.max-long-polls); try again"
          + " later, or GET with timeout=0s", 1L);
    }
    CompletionStage<HttpResponse> answer;
    try {
      answer = get(queue, wait);
    } catch (RuntimeException e) {
      openPolls.decrementAndGet();
      throw e;
    }
    return answer.whenComplete((r, e) -> openPolls.decrementAndGet());
  }

  /** How many GETs are waiting now (for tests and logs). */
  int openLongPolls() {
    return openPolls.get();
  }

  private CompletionStage<HttpResponse> get(String queue, Duration wait) {
    return ask(ref -> new Get(queue, wait, ref), Reply.class, wait.plus(ANSWER_MARGIN)).thenApply(r -> {
      if (r instanceof Delivery d) {
        traceQueue(queue, t -> t.get(d.msgId(), d.deliveries()));
        return HttpResponse.create().withStatus(200)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, GatewayPayload.toBody(d.payload())))
            .addHeaders(List.of(RawHeader.create("Sidis-Message-Id", d.msgId()),
                RawHeader.create("Sidis-Deliveries", String.valueOf(d.deliveries())),
                RawHeader.create("Sidis-Delivery-Token", d.token())));
      }
      if (r instanceof Empty) return HttpResponse.create().withStatus(204);
      throw refused(r);
    });
  }

  private CompletionStage<HttpResponse> ack(String queue, String msgId, HttpRequest req) {
    Optional<String> inQuery = req.getUri().query().get("token");
    CompletionStage<String> token = inQuery.isPresent() ? CompletableFuture.completedFuture(inQuery.get())
        : readBody(req.entity()).thenApply(Gateway::token);
    return token.thenCompose(t -> {
      if (t == null || t.isBlank()) {
        throw new HttpError(400, "an ack names its delivery: send {\"token\": \"<the Sidis-Delivery-Token header of the GET>\"}");
      }
      return ask(ref -> new Ack(queue, msgId, t, ref), Reply.class, ANSWER_MARGIN).thenApply(r -> {
        if (r instanceof Acked) {
          traceQueue(queue, tr -> tr.ack(msgId));
          return json(200, BrokerRules.JSON.createObjectNode().put("queue", queue).put("msgId", msgId).put("token", t));
        }
        throw refused(r);
      });
    });
  }

  /** The delivery token an ack's body carries, JSON {"token": "..."}; null for an empty body. */
  private static String token(byte[] body) {
    if (body.length == 0) return null;
    try {
      JsonNode t = BrokerRules.JSON.readTree(body).get("token");
      return t != null && t.isTextual() ? t.asText() : null;
    } catch (IOException | RuntimeException notJson) {
      throw new HttpError(400, "an ack's body is JSON {\"token\": \"<the Sidis-Delivery-Token of its GET>\"}");
    }
  }

  private CompletionStage<HttpResponse> publish(String topic, HttpRequest req) {
    String msgId = id(req);
    return readBody(req.entity()).thenCompose(body -> ask(ref -> new BrokerProtocol.Publish(topic, msgId, GatewayPayload.fromBody(body), ref),
        BrokerProtocol.Reply.class, ANSWER_MARGIN)).thenApply(r -> {
          if (r instanceof BrokerProtocol.Published p) {
            topicTrace(topic).put(msgId, p.subscriptions());
            ObjectNode body = BrokerRules.JSON.createObjectNode().put("topic", topic).put("msgId", msgId);
            p.subscriptions().forEach(body.putArray("subscriptions")::add);
            return json(201, body);
          }
          throw rejected(r);
        });
  }

  private CompletionStage<HttpResponse> subscribe(String topic, String subscription) {
    return ask(ref -> new BrokerProtocol.Subscribe(topic, subscription, true, null, ref), BrokerProtocol.Reply.class, ANSWER_MARGIN)
        .thenApply(r -> {
          if (r instanceof BrokerProtocol.Subscribed s) {
            return json(200, BrokerRules.JSON.createObjectNode().put("topic", topic).put("subscription", subscription).put("queue", s.queue()));
          }
          throw rejected(r);
        });
  }

  private CompletionStage<HttpResponse> send(HttpRequest req) {
    String msgId = id(req);
    return readBody(req.entity()).thenCompose(body -> ask(ref -> new BrokerProtocol.Send(msgId, GatewayPayload.fromBody(body), ref),
        BrokerProtocol.Reply.class, ANSWER_MARGIN.multipliedBy(2))).thenApply(r -> {
          if (r instanceof BrokerProtocol.Routed routed) {
            BrokerRules.Destination to = BrokerRules.Destination.parse(routed.to());
            if (to.kind() == BrokerRules.Destination.Kind.QUEUE) traceQueue(to.name(), t -> t.put(msgId));
            else topicTrace(to.name()).put(msgId, routed.subscriptions());
            ObjectNode body = BrokerRules.JSON.createObjectNode().put("msgId", msgId).put("rule", routed.rule()).put("to", routed.to());
            routed.subscriptions().forEach(body.putArray("subscriptions")::add);
            return json(201, body);
          }
          throw rejected(r);
        });
  }

  /** A queue's typed refusal as its HTTP error. */
  private static HttpError refused(Reply r) {
    if (r instanceof Refused f) return new HttpError(status(f.kind()), f.reason());
    return new HttpError(500, "unexpected answer " + r);
  }

  /** A broker's or topic's typed refusal as its HTTP error. */
  private static HttpError rejected(BrokerProtocol.Reply r) {
    if (r instanceof BrokerProtocol.Rejected f) return new HttpError(status(f.kind()), f.reason());
    return new HttpError(500, "unexpected answer " + r);
  }

  /** Hands the command to the queue manager at once; the stage completes with its answer, or fails with a TimeoutException. */
  private <T> CompletionStage<T> ask(Function<ActorRef<T>, QueueProtocol.Command> make, Class<T> type, Duration timeout) {
    return AskPattern.ask(manager, make::apply, timeout, system.scheduler());
  }

  // ------------------------------------------------------------------ request parts

  /**
   * Reads the body, at most max-message-bytes. A body declared larger is refused without being
   * kept (drained first, up to {@link #DRAIN_LIMIT}, so a client still sending reads the 413
   * instead of a reset connection); a chunked body that grows past the limit fails the read: 413.
   */
  private CompletionStage<byte[]> readBody(HttpEntity entity) {
    java.util.OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > maxMessageBytes) {
      HttpError tooLarge = tooLarge(declared.getAsLong());
      if (declared.getAsLong() > DRAIN_LIMIT) return CompletableFuture.failedFuture(tooLarge);
      return entity.discardBytes(materializer).completionStage().thenApply(done -> {
        throw tooLarge;
      });
    }
    return entity.withSizeLimit(maxMessageBytes).toStrict(settings.requestTimeout().toMillis(), materializer)
        .thenApply(strict -> strict.getData().toArray())
        .exceptionally(t -> {
          Throwable e = unwrap(t);
          if (e instanceof akka.http.scaladsl.model.EntityStreamSizeException) throw tooLarge(-1);
          if (e instanceof HttpError h) throw h;
          throw new HttpError(400, "the body could not be read: " + e);
        });
  }

  private HttpError tooLarge(long declared) {
    return new HttpError(413, "message of " + (declared < 0 ? "more than " + maxMessageBytes : String.valueOf(declared))
        + " bytes exceeds sidis.mom.max-message-bytes = " + maxMessageBytes);
  }

  private String id(HttpRequest req) {
    Optional<String> id = req.getUri().query().get("id");
    if (id.isEmpty()) return idOrigin + ":" + counter.incrementAndGet();
    if (MessageId.parse(id.get()).isEmpty()) throw new HttpError(400, "id [" + id.get() + "] is not a message id <origin>:<n> (n >= 1)");
    return id.get();
  }

  private Duration timeout(HttpRequest req) {
    String t = req.getUri().query().get("timeout").orElse("0s");
    Duration d;
    try {
      d = ConfigFactory.parseMap(Map.of("t", t)).getDuration("t");
    } catch (RuntimeException e) {
      throw new HttpError(400, "timeout [" + t + "] is not a duration like 5s or 500ms");
    }
    if (d.isNegative()) throw new HttpError(400, "timeout [" + t + "] is negative");
    if (d.compareTo(settings.maxWait()) > 0) {
      throw new HttpError(400, "timeout [" + t + "] is longer than sidis.mom.gateway.max-wait = " + settings.maxWait());
    }
    return d;
  }

  /** One trace per queue; a QueueTrace owns an lseq, so answers completing on different threads take turns on it. */
  private void traceQueue(String queue, java.util.function.Consumer<QueueTrace> event) {
    QueueTrace t;
    synchronized (this) {
      t = queueTraces.computeIfAbsent(queue, q -> new QueueTrace(system, "gateway/" + q, q));
    }
    synchronized (t) {
      event.accept(t);
    }
  }

  private synchronized TopicTrace topicTrace(String topic) {
    return topicTraces.computeIfAbsent(topic, t -> new TopicTrace(system, "gateway/" + t, t));
  }
}
