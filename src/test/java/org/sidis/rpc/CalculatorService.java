package org.sidis.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Calculator that sleeps where told to, remembers what it was given, and says who it is. */
public class CalculatorService implements Calculator {

  final String name;
  final long delayMillis;
  final List<String> recorded = new CopyOnWriteArrayList<>();

  public CalculatorService(String name) {
    this(name, 0);
  }

  CalculatorService(String name, long delayMillis) {
    this.name = name;
    this.delayMillis = delayMillis;
  }

  private void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public int add(int a, int b) {
    pause(delayMillis);
    return a + b;
  }

  @Override
  public String echo(String s) {
    pause(delayMillis);
    return s;
  }

  @Override
  public Point move(Point p, int dx) {
    return new Point(p.x() + dx, p.y());
  }

  @Override
  public List<Point> path(List<Point> points) {
    return points.stream().map(p -> move(p, 1)).toList();
  }

  @Override
  public void record(String entry) {
    pause(300);
    recorded.add(entry);
  }

  @Override
  public void log(String entry) {
    recorded.add(entry);
  }

  @Override
  public CompletionStage<Integer> slowSquare(int x) {
    pause(200);
    return CompletableFuture.completedFuture(x * x);
  }

  @Override
  public Polled<Integer> slowCube(int x) {
    pause(200);
    return Polled.of(x * x * x);
  }

  @Override
  public String sleepy(long millis) {
    pause(millis);
    return "woke";
  }

  @Override
  public String sleepyIdempotent(long millis) {
    pause(millis);
    return "woke";
  }

  @Override
  public int divide(int a, int b) {
    return a / b;
  }

  @Override
  public String describe(Object anything) {
    return String.valueOf(anything);
  }

  @Override
  public String whoAmI() {
    pause(delayMillis);
    return name;
  }

  @Override
  public String threadInPlace() {
    return Thread.currentThread().getName();
  }

  @Override
  public String threadOnWorker() {
    return Thread.currentThread().getName();
  }
}
