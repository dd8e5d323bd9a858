package org.sidis.rpc;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The handle of a polling call: the caller goes on with its work and asks now and then whether
 * the result is in ({@link #poll()}, never blocks) or waits for it ({@link #await()}). An
 * implementation returns {@link #of(Object)}; the stub fills it from the server's answer.
 */
public final class Polled<T> {

  private final CompletableFuture<T> result;

  Polled(CompletableFuture<T> result) {
    this.result = result;
  }

  /** A result that is already in: what a server implementation returns. */
  public static <T> Polled<T> of(T value) {
    return new Polled<>(CompletableFuture.completedFuture(value));
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** The result if it is in, empty if not yet; throws the call's {@link RpcException} if it failed. */
  public Optional<T> poll() {
    if (!result.isDone()) return Optional.empty();
    return Optional.ofNullable(await());
  }

  /** Blocks until the result is in (the call's deadline bounds the wait). */
  public T await() {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw RpcException.unwrap(e.getCause());
    } catch (CompletionException e) {
      throw RpcException.unwrap(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException("interrupted while waiting for a polled result", e);
    }
  }

  CompletableFuture<T> future() {
    return result;
  }
}
