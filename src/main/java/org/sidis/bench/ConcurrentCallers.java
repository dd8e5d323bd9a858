package org.sidis.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The caller curve of {@code bench rpc --callers}: {@code callers} threads each make one blocking
 * call after another for a warm-up and then a fixed window, every call that starts in the window
 * timed into the thread's own histogram, the histograms merged at the end. The same code drives
 * sidis' stub and every peer's client, so the systems differ only in the call.
 *
 * <p>A fixed window rather than a fixed number of calls per thread: every point of the curve is
 * then measured over the same time with all its threads busy from the window's start to its end,
 * whereas {@code calls / N} each would shrink the measurement as N grows (64 threads of a few
 * hundred calls each are mostly start-up and the last stragglers) and let the threads finish at
 * different times, so the last ones would run alone.
 */
public final class ConcurrentCallers {

  private ConcurrentCallers() {}

  /**
   * What {@code callers} threads measured: calls started in the window, calls per second over it,
   * and the round trip percentiles of those calls in microseconds.
   */
  public record Point(int callers, long calls, double callsPerSecond, double p50Micros, double p99Micros) {}

  /** Runs {@code call} from {@code callers} threads for {@code warmup}, then measures it for {@code window}. */
  public static Point measure(int callers, Duration warmup, Duration window, Runnable call) throws InterruptedException {
    if (callers < 1) throw new IllegalArgumentException("callers must be at least 1, got " + callers);
    if (window.isZero() || window.isNegative()) throw new IllegalArgumentException("the window must be positive, got " + window);
    long open = System.nanoTime() + warmup.toNanos();
    long close = open + window.toNanos();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int i = 0; i < callers; i++) {
      Histogram h = new Histogram(3);
      histograms.add(h);
      Thread t = new Thread(() -> {
        try {
          for (long start = System.nanoTime(); start < close && failed.get() == null; start = System.nanoTime()) {
            call.run();
            if (start >= open) h.recordValue(System.nanoTime() - start);
          }
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        }
      }, "bench-caller-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    long deadline = close + Duration.ofSeconds(60).toNanos(); // the last calls' own timeouts are shorter
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      if (t.isAlive()) {
        threads.forEach(Thread::interrupt);
        throw new IllegalStateException(t.getName() + " was still in a call 60 s after the window closed");
      }
    }
    if (failed.get() != null) throw new IllegalStateException("a call of " + callers + " concurrent callers failed: " + failed.get(), failed.get());
    Histogram all = new Histogram(3);
    histograms.forEach(all::add);
    long calls = all.getTotalCount();
    double seconds = window.toNanos() / 1e9;
    return new Point(callers, calls, calls / seconds, all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0);
  }
}
