package org.sidis.rpc;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

/** How a stub method returns, read from its declaration. */
public enum CallMode {
  /** Blocks until the result (or error) is back. */
  SYNC,
  /** {@link Async}: blocks until the server acknowledged receipt. */
  ASYNC,
  /** Returns a {@link CompletionStage} at once: deferred synchronous. */
  DEFERRED,
  /** {@link OneWay}: returns at once; nothing comes back. */
  ONE_WAY,
  /** Returns a {@link Polled} handle at once, to be polled or awaited. */
  POLLING;

  public static CallMode of(Method m) {
    boolean oneWay = m.isAnnotationPresent(OneWay.class);
    boolean async = m.isAnnotationPresent(Async.class);
    if ((oneWay || async) && m.getReturnType() != void.class) {
      throw new IllegalArgumentException(m + ": @OneWay and @Async methods must return void");
    }
    if (oneWay && async) throw new IllegalArgumentException(m + ": @OneWay and @Async exclude each other");
    if (oneWay) return ONE_WAY;
    if (async) return ASYNC;
    if (m.getReturnType() == CompletionStage.class) return DEFERRED;
    if (m.getReturnType() == Polled.class) return POLLING;
    return SYNC;
  }
}
