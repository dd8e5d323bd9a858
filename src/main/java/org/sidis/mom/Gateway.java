package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import org.sidis.mom.QueueProtocol.*;
import org.sidis.wire.Progress;
import org.sidis.wire.MessageId;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The application gateway: lets a program outside the cluster PUT, GET and ACK queue messages,
 * publish to topics, subscribe durably, and send through the broker, over plain HTTP/1.1 (the
 * JDK's {@code com.sun.net.httpserver}: no new dependency). Each request becomes one command to
 * the node's {@link QueueManager}; the HTTP answer comes only once the queue manager answered,
 * so a 201 for a PUT means what {@link PutAck} means (stored, for a persistent queue).
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
 * Errors are JSON {@code {"error": "..."}}: 400 malformed request, 404 unknown path or missing
 * queue/topic (create-on-demand off), 405 wrong method, 409 ack of a message not held, 413
 * payload over {@code sidis.mom.max-message-bytes}, 422 the broker refused the message (not JSON,
 * no rule matched, a transform failed), 504 the queue manager did not answer in time.
 *
 * <p>An ack names the delivery it answers: GET hands out the delivery's token in the
 * {@code Sidis-Delivery-Token} header, and the ack carries it back as JSON {@code {"token": …}}
 * (or {@code ?token=}). A message nobody was given cannot be acknowledged by guessing its id,
 * and an ack after the visibility timeout is refused (409) — the message may be in flight at
 * another consumer, which acks it with its own token.
 *
 * <p>Message ids a client does not give are {@code gw-<node>-<start>:<n>}: unique across restarts
 * of the gateway, so a new message is never taken for a retry of an old one. The gateway traces
 * {@code put}, {@code get} and {@code ack} as the producer or consumer in the cluster would, so
 * the queue checker sees what outside programs did.
 */
public final class Gateway {

  /**
   * @param enabled whether a queue manager starts the gateway
   * @param port 0 for any free port (logged, and printed for the launcher as {@code @sidis {"event":"gateway",...}})
   * @param threads requests served at once (a GET waiting for a message holds one)
   * @param maxWait the longest {@code timeout} a GET may ask for
   */
  public record Settings(boolean enabled, String host, int port, int threads, Duration maxWait) {
    public static Settings fromConfig(Config c) {
      return new Settings(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"), c.getInt("threads"), c.getDuration("max-wait"));
    }

    public static Settings off() {
      return new Settings(false, "127.0.0.1", 0, 16, Duration.ofSeconds(30));
    }

    public static Settings on(int port) {
      return new Settings(true, "127.0.0.1", port, 16, Duration.ofSeconds(30));
    }
  }

  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService pool;
  private final ActorSystem<?> system;
  private final ActorRef<QueueProtocol.Command> manager;
  private final Settings settings;
  private final int maxMessageBytes;
  private final String idOrigin;
  private final AtomicLong counter = new AtomicLong();
  private final Map<String, QueueTrace> queueTraces = new HashMap<>();
  private final Map<String, TopicTrace> topicTraces = new HashMap<>();

  private Gateway(HttpServer server, ExecutorService pool, ActorSystem<?> system, ActorRef<QueueProtocol.Command> manager,
                  Settings settings, int maxMessageBytes, String node) {
    this.server = server;
    this.pool = pool;
    this.system = system;
    this.manager = manager;
    this.settings = settings;
    this.maxMessageBytes = maxMessageBytes;
    this.idOrigin = "gw-" + node + "-" + Long.toString(System.currentTimeMillis(), 36);
  }

  /** Binds and starts serving; fails (with the port and the reason) when the address cannot be bound. */
  public static Gateway start(ActorSystem<?> system, ActorRef<QueueProtocol.Command> manager, Settings settings, int maxMessageBytes,
                              String node) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
    } catch (IOException e) {
      throw new IllegalStateException("the gateway cannot listen on " + settings.host() + ":" + settings.port() + " (" + e.getMessage() + ")", e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
      Thread t = new Thread(r, "sidis-gateway");
      t.setDaemon(true);
      return t;
    });
    Gateway g = new Gateway(server, pool, system, manager, settings, maxMessageBytes, node);
    server.createContext("/", g::handle);
    server.setExecutor(pool);
    server.start();
    system.log().info("gateway listening on http://{}:{}/", settings.host(), g.port());
    Progress.print("gateway", Map.of("node", node, "port", g.port()));
    return g;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------ requests

  /** An HTTP answer: status, body, extra headers. */
  private record Answer(int status, String body, Map<String, String> headers) {
    static Answer json(int status, ObjectNode body) {
      return new Answer(status, body.toString(), Map.of());
    }

    static Answer error(int status, String message) {
      return new Answer(status, BrokerRules.JSON.createObjectNode().put("error", message).toString(), Map.of());
    }
  }

  private static final class BadRequest extends RuntimeException {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    Answer a;
    try {
      a = route(ex);
    } catch (BadRequest e) {
      a = Answer.error(e.status, e.getMessage());
    } catch (TimeoutException e) {
      a = Answer.error(504, "the queue manager did not answer in time");
    } catch (RuntimeException | IOException e) {
      system.log().warn("gateway: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
      a = Answer.error(500, e.toString());
    }
    byte[] body = a.body() == null ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    if (a.status() != 200 || !a.headers().containsKey("Sidis-Message-Id")) {
      ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    }
    ex.sendResponseHeaders(a.status(), a.status() == 204 ? -1 : body.length);
    if (a.status() != 204) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  private Answer route(HttpExchange ex) throws IOException, TimeoutException {
    String path = ex.getRequestURI().getRawPath();
    List<String> parts = java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    String method = ex.getRequestMethod();
    if (parts.size() >= 2 && parts.get(0).equals("queues")) {
      String q = parts.get(1);
      if (parts.size() == 2 && method.equals("POST")) return put(q, payload(ex), id(query));
      if (parts.size() == 2 && method.equals("GET")) return get(q, timeout(query));
      if (parts.size() == 4 && parts.get(2).equals("ack") && method.equals("POST")) return ack(q, parts.get(3), token(ex, query));
      if (parts.size() == 2 || (parts.size() == 4 && parts.get(2).equals("ack"))) throw new BadRequest(405, method + " is not allowed on " + path);
    } else if (parts.size() >= 2 && parts.get(0).equals("topics")) {
      String t = parts.get(1);
      if (parts.size() == 2 && method.equals("POST")) return publish(t, payload(ex), id(query));
      if (parts.size() == 4 && parts.get(2).equals("subscriptions") && method.equals("PUT")) return subscribe(t, parts.get(3));
      if (parts.size() == 2 || (parts.size() == 4 && parts.get(2).equals("subscriptions"))) {
        throw new BadRequest(405, method + " is not allowed on " + path);
      }
    } else if (parts.size() == 1 && parts.get(0).equals("broker")) {
      if (method.equals("POST")) return send(payload(ex), id(query));
      throw new BadRequest(405, method + " is not allowed on " + path + " (POST a JSON message)");
    }
    throw new BadRequest(404, "no such resource: " + path
        + " (POST|GET /queues/{q}, POST /queues/{q}/ack/{id}, POST /topics/{t}, PUT /topics/{t}/subscriptions/{s}, POST /broker)");
  }

  private Answer put(String queue, String payload, String msgId) throws TimeoutException {
    Reply r = ask(ref -> new Put(queue, msgId, payload, ref), Reply.class, ANSWER_MARGIN);
    if (r instanceof PutAck) {
      traceQueue(queue, t -> t.put(msgId));
      return Answer.json(201, BrokerRules.JSON.createObjectNode().put("queue", queue).put("msgId", msgId));
    }
    return refused(r);
  }

  private Answer get(String queue, Duration timeout) throws TimeoutException {
    Reply r = ask(ref -> new Get(queue, timeout, ref), Reply.class, timeout.plus(ANSWER_MARGIN));
    if (r instanceof Delivery d) {
      traceQueue(queue, t -> t.get(d.msgId(), d.deliveries()));
      return new Answer(200, d.payload(), Map.of("Sidis-Message-Id", d.msgId(), "Sidis-Deliveries", String.valueOf(d.deliveries()),
          "Sidis-Delivery-Token", d.token(), "Content-Type", "application/octet-stream"));
    }
    if (r instanceof Empty) return new Answer(204, null, Map.of());
    return refused(r);
  }

  private Answer ack(String queue, String msgId, String token) throws TimeoutException {
    Reply r = ask(ref -> new Ack(queue, msgId, token, ref), Reply.class, ANSWER_MARGIN);
    if (r instanceof Acked) {
      traceQueue(queue, t -> t.ack(msgId));
      return Answer.json(200, BrokerRules.JSON.createObjectNode().put("queue", queue).put("msgId", msgId).put("token", token));
    }
    if (r instanceof Refused f && f.reason().startsWith("not in flight")) return Answer.error(409, f.reason());
    return refused(r);
  }

  private Answer publish(String topic, String payload, String msgId) throws TimeoutException {
    BrokerProtocol.Reply r = ask(ref -> new BrokerProtocol.Publish(topic, msgId, payload, ref), BrokerProtocol.Reply.class, ANSWER_MARGIN);
    if (r instanceof BrokerProtocol.Published p) {
      topicTrace(topic).put(msgId, p.subscriptions());
      ObjectNode body = BrokerRules.JSON.createObjectNode().put("topic", topic).put("msgId", msgId);
      p.subscriptions().forEach(body.putArray("subscriptions")::add);
      return Answer.json(201, body);
    }
    return rejected((BrokerProtocol.Rejected) r);
  }

  private Answer subscribe(String topic, String subscription) throws TimeoutException {
    BrokerProtocol.Reply r = ask(ref -> new BrokerProtocol.Subscribe(topic, subscription, true, null, ref), BrokerProtocol.Reply.class,
        ANSWER_MARGIN);
    if (r instanceof BrokerProtocol.Subscribed s) {
      return Answer.json(200, BrokerRules.JSON.createObjectNode().put("topic", topic).put("subscription", subscription).put("queue", s.queue()));
    }
    return rejected((BrokerProtocol.Rejected) r);
  }

  private Answer send(String payload, String msgId) throws TimeoutException {
    BrokerProtocol.Reply r = ask(ref -> new BrokerProtocol.Send(msgId, payload, ref), BrokerProtocol.Reply.class, ANSWER_MARGIN.multipliedBy(2));
    if (r instanceof BrokerProtocol.Routed routed) {
      BrokerRules.Destination to = BrokerRules.Destination.parse(routed.to());
      if (to.kind() == BrokerRules.Destination.Kind.QUEUE) traceQueue(to.name(), t -> t.put(msgId));
      else topicTrace(to.name()).put(msgId, routed.subscriptions());
      ObjectNode body = BrokerRules.JSON.createObjectNode().put("msgId", msgId).put("rule", routed.rule()).put("to", routed.to());
      routed.subscriptions().forEach(body.putArray("subscriptions")::add);
      return Answer.json(201, body);
    }
    BrokerProtocol.Rejected rej = (BrokerProtocol.Rejected) r;
    // Refused by the rules themselves (no destination chosen): the message is what is wrong.
    if (rej.destination() == null && !rej.reason().contains("max-message-bytes") && !rej.reason().contains("has no rules")) {
      return Answer.error(422, rej.reason());
    }
    return rejected(rej);
  }

  // A queue's refusals are sentences (QueueProtocol.Refused); their beginnings say which kind.
  private static Answer refused(Reply r) {
    if (r instanceof Refused f) return Answer.error(status(f.reason()), f.reason());
    return Answer.error(500, "unexpected answer " + r);
  }

  private static Answer rejected(BrokerProtocol.Rejected r) {
    return Answer.error(status(r.reason()), r.reason());
  }

  private static int status(String reason) {
    if (reason.contains("max-message-bytes")) return 413;
    if (reason.startsWith("no queue") || reason.startsWith("no topic") || reason.startsWith("no subscription")) return 404;
    if (reason.startsWith("not in flight")) return 409;
    if (reason.contains("is blank or contains") || reason.startsWith("only PUT is routed")) return 400;
    if (reason.contains("did not answer")) return 504;
    return 409;
  }

  private <T> T ask(Function<ActorRef<T>, QueueProtocol.Command> make, Class<T> type, Duration timeout) throws TimeoutException {
    CompletionStage<T> answer = AskPattern.ask(manager, make::apply, timeout, system.scheduler());
    try {
      return answer.toCompletableFuture().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof TimeoutException t) throw t;
      throw new IllegalStateException("the queue manager failed to answer: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ------------------------------------------------------------------ request parts

  private String payload(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      // Read one byte past the limit: enough to know it is too big without holding a huge body.
      byte[] body = in.readNBytes(maxMessageBytes + 1);
      if (body.length > maxMessageBytes) {
        // Read on (up to a bound) before answering: a client still sending would otherwise see
        // the connection reset instead of the 413.
        long skipped = 0;
        byte[] sink = new byte[64 * 1024];
        for (int n; skipped < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) skipped += n;
        throw new BadRequest(413, "message of more than " + maxMessageBytes + " bytes exceeds sidis.mom.max-message-bytes = " + maxMessageBytes);
      }
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The delivery token an ack carries back: JSON body {"token": "..."}, or ?token=. */
  private String token(HttpExchange ex, Map<String, String> query) throws IOException {
    String token = query.get("token");
    if (token == null) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(64 * 1024);
      }
      if (body.length > 0) {
        try {
          com.fasterxml.jackson.databind.JsonNode t = BrokerRules.JSON.readTree(body).get("token");
          if (t != null && t.isTextual()) token = t.asText();
        } catch (IOException | RuntimeException notJson) {
          throw new BadRequest(400, "an ack's body is JSON {\"token\": \"<the Sidis-Delivery-Token of its GET>\"}");
        }
      }
    }
    if (token == null || token.isBlank()) {
      throw new BadRequest(400, "an ack names its delivery: send {\"token\": \"<the Sidis-Delivery-Token header of the GET>\"}");
    }
    return token;
  }

  private String id(Map<String, String> query) {
    String id = query.get("id");
    if (id == null) return idOrigin + ":" + counter.incrementAndGet();
    if (MessageId.parse(id).isEmpty()) throw new BadRequest(400, "id [" + id + "] is not a message id <origin>:<n> (n >= 1)");
    return id;
  }

  private Duration timeout(Map<String, String> query) {
    String t = query.getOrDefault("timeout", "0s");
    Duration d;
    try {
      d = com.typesafe.config.ConfigFactory.parseMap(Map.of("t", t)).getDuration("t");
    } catch (RuntimeException e) {
      throw new BadRequest(400, "timeout [" + t + "] is not a duration like 5s or 500ms");
    }
    if (d.isNegative()) throw new BadRequest(400, "timeout [" + t + "] is negative");
    if (d.compareTo(settings.maxWait()) > 0) throw new BadRequest(400, "timeout [" + t + "] is longer than sidis.mom.gateway.max-wait = " + settings.maxWait());
    return d;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  /** One trace per queue; a QueueTrace owns an lseq, so the request threads take turns on it. */
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
