package org.sidis.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import org.sidis.server.Handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The skeleton's work for one call, run by a worker of the concurrent server: unmarshal the
 * call, find the method, convert the arguments, invoke the implementation, marshal what it
 * returned or threw. A bad call (unknown method, wrong arguments, too large) is answered with an
 * error the caller can read; it never crashes the worker.
 */
final class Invoker<T> implements Handler {

  private final Class<T> api;
  private final T impl;
  private final int maxBytes;
  private final Map<String, Method> methods = new TreeMap<>();
  /** Each method's parameter types as Jackson sees them, worked out once. */
  private final Map<Method, com.fasterxml.jackson.databind.JavaType[]> parameterTypes = new java.util.HashMap<>();
  private final RpcTrace trace;
  /** Signatures of the {@link NonBlocking} methods. */
  private final java.util.Set<String> nonBlocking = new java.util.HashSet<>();

  Invoker(Class<T> api, T impl, int maxBytes, RpcTrace trace) {
    this.api = api;
    this.impl = impl;
    this.maxBytes = maxBytes;
    this.trace = trace;
    for (Method m : api.getMethods()) methods.putIfAbsent(Marshalling.signature(m), m);
    methods.forEach((sig, m) -> { if (m.isAnnotationPresent(NonBlocking.class)) nonBlocking.add(sig); });
    for (Method m : methods.values()) {
      parameterTypes.put(m, java.util.Arrays.stream(m.getGenericParameterTypes())
          .map(t -> Marshalling.MAPPER.getTypeFactory().constructType(t)).toArray(com.fasterxml.jackson.databind.JavaType[]::new));
    }
  }

  /** A call of a {@link NonBlocking} method: read off the head of the payload, {@code {"m":"<signature>"…}, without parsing it. */
  @Override
  public boolean answersInPlace(String payload) {
    if (nonBlocking.isEmpty() || !payload.startsWith(CALL_HEAD)) return false;
    int end = payload.indexOf('"', CALL_HEAD.length());
    return end > 0 && nonBlocking.contains(payload.substring(CALL_HEAD.length(), end));
  }

  private static final String CALL_HEAD = "{\"m\":\"";

  @Override
  public String handle(String payload) throws Exception {
    // A char is at most 3 UTF-8 bytes: only a payload that might be too large is encoded to count.
    int size = payload.length() * 3L <= maxBytes ? payload.length() : payload.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxBytes) {
      // Too large to read: the call id inside stays unknown, so this answer is not traced.
      return Marshalling.error("too-large", "request", size + " bytes, more than sidis.rpc.max-payload-bytes (" + maxBytes + ")");
    }
    JsonNode call;
    try {
      call = Marshalling.MAPPER.readTree(payload);
    } catch (Exception e) {
      return Marshalling.error("bad-arguments", "request", "not a call: " + Marshalling.firstLine(e));
    }
    String callId = call.hasNonNull("c") ? call.get("c").asText() : null;
    String sig = call.path("m").asText();
    Method m = methods.get(sig);
    if (m == null) {
      return rejected(callId, "unknown-method", sig, "service " + api.getSimpleName() + " has no such method; it has "
          + methods.keySet());
    }
    JsonNode a = call.path("a");
    Class<?>[] types = m.getParameterTypes();
    if (a.size() != types.length) {
      return rejected(callId, "bad-arguments", sig, a.size() + " arguments for " + types.length + " parameters");
    }
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      try {
        args[i] = Marshalling.MAPPER.treeToValue(a.get(i), parameterTypes.get(m)[i]);
        if (types[i].isPrimitive() && args[i] == null) throw new IllegalArgumentException("null for a primitive");
      } catch (Exception e) {
        return rejected(callId, "bad-arguments", sig, "argument " + (i + 1) + " is not a " + types[i].getTypeName() + ": "
            + Marshalling.firstLine(e));
      }
    }
    trace.execute(callId, api.getSimpleName() + "." + m.getName());
    Object value;
    try {
      value = m.invoke(impl, args);
      if (value instanceof CompletionStage<?> stage) value = stage.toCompletableFuture().get();
      if (value instanceof Polled<?> polled) value = polled.await();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      return rejected(callId, "application", cause.getClass().getName(), cause.getMessage());
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      return rejected(callId, "application", cause.getClass().getName(), cause.getMessage());
    }
    String result;
    try {
      result = Marshalling.result(value);
    } catch (RuntimeException e) {
      return rejected(callId, "application", "result", "cannot marshal the result of " + sig + ": " + Marshalling.firstLine(e));
    }
    trace.reply(callId, null);
    return result;
  }

  private String rejected(String callId, String kind, String type, String message) {
    trace.reply(callId, kind);
    return Marshalling.error(kind, type, message);
  }
}
