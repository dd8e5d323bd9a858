package org.sidis.rpc;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** The service the RPC tests call, one method per call mode and failure to show. */
public interface Calculator {

  record Point(int x, int y) {}

  int add(int a, int b);

  @Idempotent
  String echo(String s);

  Point move(Point p, int dx);

  List<Point> path(List<Point> points);

  @Async
  void record(String entry);

  @OneWay
  void log(String entry);

  CompletionStage<Integer> slowSquare(int x);

  Polled<Integer> slowCube(int x);

  @Deadline(millis = 300)
  String sleepy(long millis);

  @Idempotent
  String sleepyIdempotent(long millis);

  int divide(int a, int b);

  String describe(Object anything);

  @Idempotent
  String whoAmI();

  /** The thread the call ran on. */
  @NonBlocking
  String threadInPlace();

  /** The same, on a worker. */
  String threadOnWorker();
}
