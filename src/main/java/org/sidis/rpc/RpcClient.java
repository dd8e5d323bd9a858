package org.sidis.rpc;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.server.ServerProtocol;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's RPC client: makes stubs, and owns the one long-lived requester actor every stub's
 * requests name as {@code replyTo}. The requester completes the caller's future from a
 * concurrent map by request id — cheaper than an ask (a temporary actor per call), and safe
 * for any number of calling threads.
 */
public final class RpcClient {

  record Pending(CompletableFuture<ServerProtocol.Response> reply, CompletableFuture<Void> acked) {}

  private static final AtomicLong CLIENTS = new AtomicLong();

  private final ActorSystem<?> system;
  private final RpcSettings settings;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ActorRef<ServerProtocol.Response> requester;
  private final String prefix = UUID.randomUUID().toString().substring(0, 8) + ":";
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong stubs = new AtomicLong();

  public static RpcClient create(ActorSystem<?> system) {
    return new RpcClient(system, RpcSettings.fromConfig(system.settings().config().getConfig("sidis.rpc")));
  }

  public RpcClient(ActorSystem<?> system, RpcSettings settings) {
    this.system = system;
    this.settings = settings;
    this.requester = system.systemActorOf(Behaviors.receive(ServerProtocol.Response.class)
        .onMessage(ServerProtocol.Received.class, r -> {
          Pending p = pending.get(r.id());
          if (p != null && p.acked() != null) p.acked().complete(null);
          return Behaviors.same();
        })
        .onMessage(ServerProtocol.Response.class, r -> {
          Pending p = pending.remove(r.id());
          if (p != null) p.reply().complete(r);
          return Behaviors.same();
        })
        .build(), "rpc-requester-" + CLIENTS.incrementAndGet(), Props.empty());
  }

  public RpcSettings settings() {
    return settings;
  }

  /** A stub for the service registered as {@code service} in the Receptionist. */
  public <T> T stub(Class<T> api, String service) {
    return stub(api, Endpoints.registry(system, service), settings);
  }

  /** A stub for these replicas. */
  public <T> T stub(Class<T> api, List<ActorRef<ServerProtocol.Command>> replicas) {
    return stub(api, Endpoints.fixed(api.getSimpleName(), replicas), settings);
  }

  public <T> T stub(Class<T> api, Endpoints endpoints, RpcSettings settings) {
    if (!api.isInterface()) throw new IllegalArgumentException(api + " is not an interface");
    for (var m : api.getMethods()) CallMode.of(m); // a wrongly declared method fails here, not on first call
    RpcTrace trace = new RpcTrace(system, requester.path().toStringWithoutAddress() + "/stub-" + stubs.incrementAndGet(),
        endpoints.name());
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
        new Stub(api, endpoints, settings, this, trace)));
  }

  String newId() {
    return prefix + ids.incrementAndGet();
  }

  /** Sends one request and completes with its answer, or fails after {@code timeoutMillis}. */
  CompletableFuture<ServerProtocol.Response> send(ActorRef<ServerProtocol.Command> to, String id, String payload,
                                                  boolean idempotent, CompletableFuture<Void> acked, long timeoutMillis) {
    Pending p = new Pending(new CompletableFuture<>(), acked);
    pending.put(id, p);
    to.tell(new ServerProtocol.Request(id, payload, acked != null, idempotent, requester));
    return p.reply().orTimeout(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> pending.remove(id, p));
  }

  /** Fire and forget: the server's reply, if any, finds no one waiting and is dropped. */
  void tell(ActorRef<ServerProtocol.Command> to, String payload) {
    to.tell(new ServerProtocol.Request(newId(), payload, false, requester));
  }
}
