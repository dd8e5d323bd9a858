package org.sidis.rpc;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import org.sidis.server.ServerProtocol;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's RPC client: makes stubs, and owns the one long-lived {@link Requester} every stub's
 * requests name as {@code replyTo}. The requester completes the caller's future from a
 * concurrent map by request id — cheaper than an ask (a temporary actor per call), and safe
 * for any number of calling threads. A synchronous call's future is completed on the thread
 * that delivers the answer (no mailbox hop, so the parked caller is woken one thread-hop
 * sooner); a future handed to the application (deferred and polling calls, whose callbacks are
 * the application's code) is completed on the system's dispatcher, never on the remoting thread.
 */
public final class RpcClient {

  /** A call waiting for its answer; {@code direct}: complete it on the delivering thread (only the stub waits on it). */
  record Pending(CompletableFuture<ServerProtocol.Response> reply, CompletableFuture<Void> acked, boolean direct) {}

  private static final AtomicLong CLIENTS = new AtomicLong();
  /** Its own logger, not the system's: akka's loggers are at WARN in most configurations. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RpcClient.class);

  private final ActorSystem<?> system;
  private final RpcSettings settings;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ActorRef<ServerProtocol.Response> requester;
  /** The requester's name in traces (docs/trace-contract.md), kept from when it was an actor. */
  private final String traceName;
  private final java.util.concurrent.Executor dispatcher;
  private final String prefix = UUID.randomUUID().toString().substring(0, 8) + ":";
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong stubs = new AtomicLong();
  private final AtomicLong lateAnswers = new AtomicLong();

  public static RpcClient create(ActorSystem<?> system) {
    return new RpcClient(system, RpcSettings.fromConfig(system.settings().config().getConfig("sidis.rpc")));
  }

  public RpcClient(ActorSystem<?> system, RpcSettings settings) {
    this.system = system;
    this.settings = settings;
    this.dispatcher = system.executionContext();
    long k = CLIENTS.incrementAndGet();
    this.traceName = "/system/rpc-requester-" + k;
    this.requester = akka.actor.typed.javadsl.Adapter.toTyped(
        Requester.register(akka.actor.typed.javadsl.Adapter.toClassic(system), "rpc-requester-" + k, this::answered));
  }

  /** The requester's work, on the thread that delivers {@code r}: cheap, never blocking. */
  private void answered(ServerProtocol.Response r) {
    if (r instanceof ServerProtocol.Received) {
      Pending p = pending.get(r.id());
      if (p != null && p.acked() != null) p.acked().complete(null);
      return;
    }
    Pending p = pending.remove(r.id());
    if (p == null) {
      late(r);
      return;
    }
    if (p.direct()) p.reply().complete(r);
    else dispatcher.execute(() -> p.reply().complete(r));
  }

  /**
   * An answer no one waits for: its call passed its deadline (the caller got its timeout), or it is
   * a retransmitted call's second answer. Nothing is lost — the caller already has its outcome —
   * but it is said, not dropped: counted, and logged the first time and every 1,000th, so a
   * server that answers after its clients give up shows in the log without flooding it.
   */
  private void late(ServerProtocol.Response r) {
    long n = lateAnswers.incrementAndGet();
    if (n == 1 || n % 1000 == 0) {
      LOG.info("RPC answer to call {} came after its caller stopped waiting (deadline passed, or a retransmitted "
          + "call's second answer); {} such answer(s) so far", r.id(), n);
    }
  }

  /** How many answers came after their caller stopped waiting ({@link #late}). */
  public long lateAnswers() {
    return lateAnswers.get();
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
    RpcTrace trace = new RpcTrace(system, traceName + "/stub-" + stubs.incrementAndGet(),
        endpoints.name());
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
        new Stub(api, endpoints, settings, this, trace)));
  }

  String newId() {
    return prefix + ids.incrementAndGet();
  }

  /**
   * Sends one request and completes with its answer, or fails after {@code timeoutMillis}.
   * {@code direct}: the caller only waits for the answer and chains cheap steps to it, so the
   * answer may complete it on the remoting thread; otherwise it is completed on the dispatcher.
   */
  CompletableFuture<ServerProtocol.Response> send(ActorRef<ServerProtocol.Command> to, String id, String payload,
                                                  boolean idempotent, CompletableFuture<Void> acked, long timeoutMillis,
                                                  boolean direct) {
    Pending p = new Pending(new CompletableFuture<>(), acked, direct);
    pending.put(id, p);
    to.tell(new ServerProtocol.Request(id, payload, acked != null, idempotent, requester));
    return within(p.reply(), timeoutMillis).whenComplete((r, e) -> pending.remove(id, p));
  }

  /**
   * {@code f}, failed with a {@link java.util.concurrent.TimeoutException} if not done within
   * {@code millis} (as {@link CompletableFuture#orTimeout} does). The timer is Akka's scheduler,
   * as ask's is, not {@code orTimeout}'s: that one's single delay thread is woken by every new
   * earliest deadline, so one call at a time woke it on every call, a thread wake-up per call on
   * the caller's path; Akka's timer wheel takes a task without waking anyone (at its tick's
   * precision, 10 ms by default, well inside a call's deadline).
   */
  <X> CompletableFuture<X> within(CompletableFuture<X> f, long millis) {
    if (f.isDone()) return f;
    akka.actor.Cancellable timer = system.scheduler().scheduleOnce(java.time.Duration.ofMillis(Math.max(1, millis)),
        () -> f.completeExceptionally(new java.util.concurrent.TimeoutException()), system.executionContext());
    f.whenComplete((r, e) -> timer.cancel());
    return f;
  }

  /** Fire and forget: the server's reply, if any, finds no one waiting and is dropped. */
  void tell(ActorRef<ServerProtocol.Command> to, String payload) {
    to.tell(new ServerProtocol.Request(newId(), payload, false, requester));
  }
}
