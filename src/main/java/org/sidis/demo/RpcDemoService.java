package org.sidis.demo;

import org.sidis.rpc.Async;
import org.sidis.rpc.Idempotent;
import org.sidis.rpc.OneWay;
import org.sidis.rpc.Polled;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The service of {@code sidis demo rpc}: one method per call mode; all but one-way idempotent, so each may fail over. */
public interface RpcDemoService {
  @Idempotent
  String whoAmI();

  @Idempotent
  long square(long x);

  @Idempotent
  CompletionStage<Long> squareLater(long x);

  @Idempotent
  Polled<Long> squarePolled(long x);

  @Async
  @Idempotent
  void note(String text);

  @OneWay
  void ping(String text);

  /** A replica on node {@code node}. */
  static RpcDemoService replica(String node) {
    return new RpcDemoService() {
      @Override
      public String whoAmI() {
        return node;
      }

      @Override
      public long square(long x) {
        return x * x;
      }

      @Override
      public CompletionStage<Long> squareLater(long x) {
        return CompletableFuture.completedFuture(x * x);
      }

      @Override
      public Polled<Long> squarePolled(long x) {
        return Polled.of(x * x);
      }

      @Override
      public void note(String text) {
      }

      @Override
      public void ping(String text) {
      }
    };
  }
}
