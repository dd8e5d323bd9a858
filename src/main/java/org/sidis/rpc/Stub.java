package org.sidis.rpc;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JavaType;
import org.sidis.server.ServerProtocol;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client stub behind a {@link java.lang.reflect.Proxy} of the service's interface: it
 * marshals the call, and hides where the service is and how many copies of it exist
 * (Tanenbaum &amp; van Steen's distribution transparency):
 * <ul>
 *   <li>location and migration: the replicas come from {@link Endpoints} (the registry), and
 *   the stub keeps calling the one that answered last;</li>
 *   <li>replication: {@code SINGLE} calls one replica, {@code FIRST} calls all and takes the
 *   first answer, {@code MAJORITY} calls all and takes the answer most of them gave;</li>
 *   <li>failure: an {@link Idempotent} call that fails or times out is retried with exponential
 *   backoff on the next replica; any other call is only retransmitted to the same replica under
 *   the same request id, which that server answers from its reply cache rather than run twice.
 *   When nothing is left to try the caller gets one exception naming what each replica did.</li>
 * </ul>
 */
final class Stub implements InvocationHandler {

  /** What a method's declaration says, worked out once: calls pay no reflection beyond the Proxy's. */
  private record MethodInfo(CallMode mode, String signature, String name, long deadlineMillis, boolean idempotent,
                            JavaType resultType) {}

  private final Class<?> api;
  private final Endpoints endpoints;
  private final RpcSettings settings;
  private final RpcClient client;
  private final RpcTrace trace;
  private final Map<Method, MethodInfo> methods = new ConcurrentHashMap<>();
  /** The cached endpoint: the replica that answered last. */
  private volatile ActorRef<ServerProtocol.Command> preferred;

  Stub(Class<?> api, Endpoints endpoints, RpcSettings settings, RpcClient client, RpcTrace trace) {
    this.api = api;
    this.endpoints = endpoints;
    this.settings = settings;
    this.client = client;
    this.trace = trace;
  }

  private MethodInfo info(Method m) {
    MethodInfo info = methods.get(m);
    if (info != null) return info;
    Deadline d = m.getAnnotation(Deadline.class);
    info = new MethodInfo(CallMode.of(m), Marshalling.signature(m), api.getSimpleName() + "." + m.getName(),
        d != null ? d.millis() : settings.deadline().toMillis(), m.isAnnotationPresent(Idempotent.class),
        Marshalling.resultType(m));
    methods.put(m, info);
    return info;
  }

  @Override
  public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
    if (m.getDeclaringClass() == Object.class) {
      return switch (m.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "stub of " + api.getSimpleName() + " for service [" + endpoints.name() + "]";
      };
    }
    MethodInfo info = info(m);
    String callId = trace.enabled() ? trace.newCallId() : null;
    if (callId != null) trace.call(callId, info.name(), info.mode(), info.idempotent(), settings.replication());
    try {
      Object result = invoke(m, info, callId, args);
      if (callId != null && result instanceof CompletionStage<?> stage) {
        stage.whenComplete((r, e) -> trace.returned(callId, e));
      } else if (callId != null && result instanceof Polled<?> polled) {
        polled.future().whenComplete((r, e) -> trace.returned(callId, e));
      } else if (callId != null) {
        trace.returned(callId, null);
      }
      return result;
    } catch (RuntimeException e) {
      if (callId != null) trace.returned(callId, e);
      throw e;
    }
  }

  private Object invoke(Method m, MethodInfo info, String callId, Object[] args) {
    CallMode mode = info.mode();
    String payload = Marshalling.marshalCall(m, info.signature(), callId, args, settings.maxPayloadBytes());
    long deadlineMillis = info.deadlineMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    String call = info.name();

    if (mode == CallMode.ONE_WAY) {
      List<ActorRef<ServerProtocol.Command>> replicas = join(endpoints.await(Duration.ofMillis(deadlineMillis)));
      client.tell(pick(replicas), payload);
      return null;
    }
    CompletableFuture<Void> acked = mode == CallMode.ASYNC ? new CompletableFuture<>() : null;
    // Only a blocking caller waits on these futures: its answer may complete them on the remoting thread.
    boolean direct = mode == CallMode.SYNC || mode == CallMode.ASYNC;
    CompletableFuture<String> answer = call(call, payload, info.idempotent(), acked, deadline, deadlineMillis, direct);
    switch (mode) {
      case ASYNC -> {
        answer.whenComplete((r, e) -> {
          if (e != null) acked.completeExceptionally(e);
        });
        try {
          acked.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          throw new RpcException.DeadlineExceededException(call + ": no acknowledgement of receipt within " + deadlineMillis + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
          throw RpcException.unwrap(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RpcException(call + ": interrupted while waiting for the acknowledgement of receipt");
        }
        return null;
      }
      case DEFERRED -> {
        return answer.thenApply(s -> Marshalling.unmarshalResult(s, m, info.resultType()));
      }
      case POLLING -> {
        return new Polled<>(answer.thenApply(s -> Marshalling.unmarshalResult(s, m, info.resultType())));
      }
      default -> {
        return Marshalling.unmarshalResult(join(answer), m, info.resultType());
      }
    }
  }

  private static <X> X join(CompletableFuture<X> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      throw RpcException.unwrap(e);
    }
  }

  private ActorRef<ServerProtocol.Command> pick(List<ActorRef<ServerProtocol.Command>> replicas) {
    ActorRef<ServerProtocol.Command> p = preferred;
    return p != null && replicas.contains(p) ? p : replicas.get(0);
  }

  /** The answer envelope, or an {@link RpcException}; always done by the deadline. */
  private CompletableFuture<String> call(String call, String payload, boolean idempotent, CompletableFuture<Void> acked,
                                         long deadline, long deadlineMillis, boolean direct) {
    CompletableFuture<String> result = endpoints.await(Duration.ofMillis(deadlineMillis)).thenCompose(replicas ->
        switch (settings.replication()) {
          case SINGLE -> single(call, payload, idempotent, acked, deadline, replicas, 0, idempotent ? null : client.newId(),
              Collections.synchronizedList(new ArrayList<>()), direct);
          case FIRST, MAJORITY -> all(call, payload, idempotent, acked, deadline, replicas, direct);
        });
    return client.within(result, deadlineMillis + 50).exceptionallyCompose(e -> {
      Throwable t = RpcException.unwrap(e);
      if ((t instanceof TimeoutException || e instanceof TimeoutException) && endpoints.now().isEmpty()) {
        // The deadline fired before the registry's own wait did (a loaded machine): the cause is the same.
        t = new RpcException.ServiceUnavailableException("no replica of service [" + endpoints.name() + "] is registered"
            + " in the Receptionist (waited " + deadlineMillis + " ms)");
      } else if (t instanceof TimeoutException || e instanceof TimeoutException) {
        t = new RpcException.DeadlineExceededException(call + ": no answer within the deadline of " + deadlineMillis + " ms");
      }
      return CompletableFuture.failedFuture(t);
    });
  }

  private CompletableFuture<String> single(String call, String payload, boolean idempotent, CompletableFuture<Void> acked,
                                           long deadline, List<ActorRef<ServerProtocol.Command>> replicas, int attempt,
                                           String fixedId, List<String> failures, boolean direct) {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) {
      return CompletableFuture.failedFuture(new RpcException.DeadlineExceededException(call + ": deadline passed after "
          + attempt + " attempts: " + String.join("; ", failures)));
    }
    ActorRef<ServerProtocol.Command> first = pick(replicas);
    // Idempotent calls move on to the next replica (failover); others stay where they were sent.
    ActorRef<ServerProtocol.Command> to = idempotent ? replicas.get((replicas.indexOf(first) + attempt) % replicas.size()) : first;
    String id = fixedId != null ? fixedId : client.newId();
    long timeout = Math.min(settings.attemptTimeout().toMillis(), remaining);
    return client.send(to, id, payload, idempotent, acked, timeout, direct).handle((r, e) -> {
      if (r instanceof ServerProtocol.Reply reply) {
        preferred = to;
        return CompletableFuture.completedFuture(reply.result());
      }
      String why = r instanceof ServerProtocol.Failed f ? f.reason()
          : (e instanceof TimeoutException ? "no answer within " + timeout + " ms" : String.valueOf(e));
      failures.add(to.path().address() + to.path().toStringWithoutAddress() + ": " + why);
      if (attempt >= settings.retries()) {
        if (idempotent) return CompletableFuture.<String>failedFuture(new RpcException.AllReplicasFailedException(call, failures));
        return CompletableFuture.<String>failedFuture(new RpcException(call + " failed and is not @Idempotent, so it was"
            + " only retransmitted to the same replica under the same request id: " + String.join("; ", failures)));
      }
      long backoff = Math.min(settings.backoffMax().toMillis(), settings.backoffInitial().toMillis() << Math.min(attempt, 20));
      CompletableFuture<String> next = new CompletableFuture<>();
      CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> {
        // The registry may know better by now (a replica gone, one moved or added).
        List<ActorRef<ServerProtocol.Command>> now = endpoints.now();
        List<ActorRef<ServerProtocol.Command>> use = now.isEmpty() ? replicas : now;
        single(call, payload, idempotent, acked, deadline, use, attempt + 1, fixedId, failures, direct)
            .whenComplete((s, x) -> { if (x != null) next.completeExceptionally(x); else next.complete(s); });
      });
      return next;
    }).thenCompose(f -> f);
  }

  private CompletableFuture<String> all(String call, String payload, boolean idempotent, CompletableFuture<Void> acked, long deadline,
                                        List<ActorRef<ServerProtocol.Command>> replicas, boolean direct) {
    int n = replicas.size();
    int needed = settings.replication() == RpcSettings.Replication.FIRST ? 1 : n / 2 + 1;
    long timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    CompletableFuture<String> result = new CompletableFuture<>();
    Map<String, Integer> votes = new HashMap<>();
    List<String> failures = new ArrayList<>();
    int[] answered = {0};
    for (ActorRef<ServerProtocol.Command> to : replicas) {
      client.send(to, client.newId(), payload, idempotent, acked, timeout, direct).whenComplete((r, e) -> {
        synchronized (votes) {
          answered[0]++;
          if (r instanceof ServerProtocol.Reply reply) {
            if (votes.merge(reply.result(), 1, Integer::sum) >= needed) result.complete(reply.result());
          } else {
            failures.add(to.path().address() + to.path().toStringWithoutAddress() + ": "
                + (r instanceof ServerProtocol.Failed f ? f.reason() : e instanceof TimeoutException ? "no answer within " + timeout + " ms" : String.valueOf(e)));
          }
          if (answered[0] == n && !result.isDone()) {
            if (failures.size() == n) result.completeExceptionally(new RpcException.AllReplicasFailedException(call, failures));
            else result.completeExceptionally(new RpcException(call + ": no " + needed + " of " + n
                + " replicas gave the same answer (answers " + votes.values() + "; failures " + failures + ")"));
          }
        }
      });
    }
    return result;
  }
}
