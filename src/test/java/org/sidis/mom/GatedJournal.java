package org.sidis.mom;

import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.concurrent.Promise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A journal for the probe tests of "no answer before stored": in memory, and while its
 * {@link Gate} is closed every write that reaches it is held — neither stored nor confirmed —
 * until the test opens the gate. A queue that acknowledged a PUT before its write was stored
 * would be caught answering while the write sits at the closed gate. Configured by
 * {@link #config()}; one gate per actor system, by the system's name.
 */
public final class GatedJournal extends AsyncWriteJournal {

  private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

  /** The gate of the actor system named {@code system} (made on first use). */
  public static Gate gate(String system) {
    return GATES.computeIfAbsent(system, s -> new Gate());
  }

  /** Settings that make this the journal (and a local snapshot store in {@code snapshots}). */
  public static com.typesafe.config.Config config(java.nio.file.Path snapshots) {
    return com.typesafe.config.ConfigFactory.parseMap(Map.of(
        "akka.persistence.journal.plugin", "gated-journal",
        "gated-journal.class", GatedJournal.class.getName(),
        "gated-journal.plugin-dispatcher", "akka.actor.default-dispatcher",
        "akka.persistence.snapshot-store.plugin", "akka.persistence.snapshot-store.local",
        "akka.persistence.snapshot-store.local.dir", snapshots.toAbsolutePath().toString()));
  }

  /** What the journal was asked to write, what it stored, and whether writes wait. */
  public static final class Gate {
    private boolean closed;
    private final List<Runnable> held = new ArrayList<>();
    /** Every write as it arrived (its events), stored or not. */
    private final List<List<Object>> arrived = new ArrayList<>();
    private final Map<String, List<PersistentRepr>> stored = new ConcurrentHashMap<>();

    public synchronized void close() {
      closed = true;
    }

    /** Stores and confirms every held write, in arrival order; later writes pass at once. */
    public void open() {
      List<Runnable> release;
      synchronized (this) {
        closed = false;
        release = new ArrayList<>(held);
        held.clear();
      }
      release.forEach(Runnable::run);
    }

    /** The events of every write that reached the journal so far, in arrival order. */
    public synchronized List<List<Object>> arrived() {
      return arrived.stream().map(List::copyOf).toList();
    }

    /** Waits (at most {@code timeout}) until {@code n} writes have reached the journal. */
    public List<List<Object>> awaitArrived(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (this) {
        while (arrived.size() < n) {
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new AssertionError(n + " writes expected at the journal within " + timeout + ", " + arrived.size() + " came");
          wait(Math.max(1, left / 1_000_000));
        }
      }
      return arrived();
    }

    /** The number of writes waiting at the closed gate. */
    public synchronized int held() {
      return held.size();
    }

    private void write(List<AtomicWrite> writes, Runnable store) {
      synchronized (this) {
        for (AtomicWrite w : writes) {
          List<Object> events = new ArrayList<>();
          w.payload().foreach(r -> events.add(r.payload()));
          arrived.add(events);
        }
        notifyAll();
        if (closed) {
          held.add(store);
          return;
        }
      }
      store.run();
    }
  }

  private Gate gate() {
    return gate(context().system().name());
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<AtomicWrite> writes = new ArrayList<>();
    messages.forEach(writes::add);
    Promise<Iterable<Optional<Exception>>> done = Futures.promise();
    Gate gate = gate();
    gate.write(writes, () -> {
      List<Optional<Exception>> results = new ArrayList<>();
      for (AtomicWrite w : writes) {
        List<PersistentRepr> list = gate.stored.computeIfAbsent(w.persistenceId(), p -> java.util.Collections.synchronizedList(new ArrayList<>()));
        w.payload().foreach(list::add);
        results.add(Optional.empty());
      }
      done.success(results);
    });
    return done.future();
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long from, long to, long max, Consumer<PersistentRepr> replay) {
    List<PersistentRepr> list = gate().stored.getOrDefault(persistenceId, List.of());
    synchronized (list) {
      list.stream().filter(r -> r.sequenceNr() >= from && r.sequenceNr() <= to).limit(max).forEach(replay);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long from) {
    List<PersistentRepr> list = gate().stored.getOrDefault(persistenceId, List.of());
    synchronized (list) {
      return Futures.successful(list.isEmpty() ? 0L : list.get(list.size() - 1).sequenceNr());
    }
  }
}
