package org.sidis.mom;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.function.Function;
import java.util.TreeMap;

/**
 * One message queue as a plain value (no threads, no Akka): the rules of the notes' PUT, GET,
 * POLL and NOTIFY (Tanenbaum &amp; van Steen, "Message-oriented persistent communication"), with
 * acknowledgements as in SQS and JMS's CLIENT_ACKNOWLEDGE: a message handed to a consumer is
 * <em>in flight</em> until the consumer acknowledges it; if the acknowledgement does not come
 * within the visibility timeout the message becomes ready again, in its original place, and
 * after {@code maxDeliveries} deliveries without an acknowledgement it moves to the queue's
 * dead-letter list instead.
 *
 * <p>Two kinds of state live here. The <em>durable</em> part — which messages are queued, which
 * were acknowledged or dead-lettered — changes only through {@link #enqueue}, {@link #ack} and
 * {@link #deadLetter}, the methods a persistent queue replays from its journal. The
 * <em>volatile</em> part — who holds which message until when, who waits in GET — belongs to
 * one incarnation: after a restart every in-flight message is simply ready again.
 *
 * <p><b>Message groups</b> (JMS's {@code JMSXGroupID}, ActiveMQ's message groups): a queue made
 * with a {@code groupOf} function gives each message a group key (null: none). A message whose
 * group already has a message in flight is not handed out — the consumer holding that group's
 * message holds the group until it acknowledges (or the visibility timeout gives the message
 * back). So messages of one key are processed one at a time, in order, while competing consumers
 * work on different keys in parallel; a message without a key is never held back.
 *
 * <p>Time is an argument ({@code now}, milliseconds), so tests drive it. {@code W} is whatever
 * identifies a waiting GET (an actor reference in the shell).
 */
public final class QueueCore<W> {

  /** A message as stored: its id (unique per queue), payload, and place in arrival order. */
  public record Stored(long seq, String id, String payload) {}

  /** A message handed to a consumer: the n-th delivery of it, visible again at {@code visibleAt}. */
  public record Delivery(String id, String payload, int deliveries, long visibleAt) {}

  /** A GET (or a FETCH of several) that was waiting and is now served, with one message or more. */
  public record Handoff<W>(W waiter, List<Delivery> deliveries) {
    /** The one message a single GET waited for. */
    public Delivery delivery() {
      return deliveries.get(0);
    }
  }

  /** What time did: GETs that timed out, messages made ready again, messages to dead-letter. */
  public record Expiry<W>(List<W> timedOut, List<String> redelivered, List<String> dying) {
    public boolean isEmpty() {
      return timedOut.isEmpty() && redelivered.isEmpty() && dying.isEmpty();
    }
  }

  private record InFlight(Stored message, long visibleAt) {}

  private record Waiter<W>(W waiter, long deadline, int max) {}

  private final long visibilityMillis;
  private final int maxDeliveries;
  private final TreeMap<Long, Stored> ready = new TreeMap<>();
  private final Map<String, Long> readyIds = new HashMap<>();
  private final LinkedHashMap<String, InFlight> inFlight = new LinkedHashMap<>();
  /** Past their last delivery, waiting for the shell to record their dead-lettering. */
  private final Map<String, Stored> dying = new HashMap<>();
  private final Map<String, Integer> deliveries = new HashMap<>();
  private final Deque<Stored> deadLetters = new ArrayDeque<>();
  private final Deque<Waiter<W>> waiters = new ArrayDeque<>();
  private long nextSeq = 1;
  private final Function<String, String> groupOf;
  /** The group key of each held message that has one. */
  private final Map<String, String> groups = new HashMap<>();
  /** Groups with a message in flight (or about to be dead-lettered): their other messages wait. */
  private final Set<String> busy = new HashSet<>();

  public QueueCore(long visibilityMillis, int maxDeliveries) {
    this(visibilityMillis, maxDeliveries, null);
  }

  /** A queue whose messages are grouped by {@code groupOf(payload)} (null key: no group); see the class comment. */
  public QueueCore(long visibilityMillis, int maxDeliveries, Function<String, String> groupOf) {
    this.groupOf = groupOf;
    if (visibilityMillis <= 0) throw new IllegalArgumentException("visibility timeout must be positive");
    if (maxDeliveries < 1) throw new IllegalArgumentException("max deliveries must be at least 1");
    this.visibilityMillis = visibilityMillis;
    this.maxDeliveries = maxDeliveries;
  }

  // ------------------------------------------------------------------ durable transitions

  /** Whether a message with this id is held (ready, in flight, or about to be dead-lettered). */
  public boolean holds(String id) {
    return readyIds.containsKey(id) || inFlight.containsKey(id) || dying.containsKey(id);
  }

  /** PUT: appends a message. An id already held is ignored (a retried PUT is not a second message). */
  public boolean enqueue(String id, String payload) {
    if (holds(id)) return false;
    Stored m = new Stored(nextSeq++, id, payload);
    ready.put(m.seq(), m);
    readyIds.put(id, m.seq());
    if (groupOf != null) {
      String key = groupOf.apply(payload);
      if (key != null) groups.put(id, key);
    }
    return true;
  }

  /**
   * Acknowledges a message: it leaves the queue for good. False when the queue does not hold it
   * (already acknowledged, dead-lettered, or never there) — a second ack of one message. An ack
   * that races its message's last timeout wins over the dead-lettering still to be recorded.
   */
  public boolean ack(String id) {
    if (inFlight.remove(id) == null && removeReady(id) == null && dying.remove(id) == null) return false;
    deliveries.remove(id);
    forgetGroup(id);
    return true;
  }

  /** Moves a message to the dead-letter list (from wherever it is). */
  public boolean deadLetter(String id) {
    Stored m = dying.remove(id);
    if (m == null) {
      InFlight f = inFlight.remove(id);
      m = f != null ? f.message() : removeReady(id);
    }
    if (m == null) return false;
    deliveries.remove(id);
    forgetGroup(id);
    deadLetters.addLast(m);
    return true;
  }

  // ------------------------------------------------------------------ volatile transitions

  /** POLL: the oldest ready message, now in flight, or empty; never waits. */
  public Optional<Delivery> poll(long now) {
    Stored m = null;
    for (Stored candidate : ready.values()) {
      String key = groups.get(candidate.id());
      if (key == null || !busy.contains(key)) {
        m = candidate;
        break;
      }
    }
    if (m == null) return Optional.empty();
    ready.remove(m.seq());
    readyIds.remove(m.id());
    String key = groups.get(m.id());
    if (key != null) busy.add(key);
    int n = deliveries.merge(m.id(), 1, Integer::sum);
    long visibleAt = now + visibilityMillis;
    inFlight.put(m.id(), new InFlight(m, visibleAt));
    return Optional.of(new Delivery(m.id(), m.payload(), n, visibleAt));
  }

  /**
   * GET: a message at once if one is ready; otherwise {@code waiter} waits (first come, first
   * served) until a PUT serves it through {@link #serveWaiters} or {@code deadline} passes.
   */
  public Optional<Delivery> get(W waiter, long deadline, long now) {
    return fetch(waiter, 1, deadline, now).stream().findFirst();
  }

  /**
   * FETCH: GET for up to {@code max} messages at once — a consumer's prefetch, so a busy queue
   * answers one request with many messages. What is ready now (at most {@code max}, oldest
   * first, each in flight on its own) comes back at once; if nothing is, {@code waiter} waits
   * like a GET and is served with what is ready when a PUT arrives.
   */
  public List<Delivery> fetch(W waiter, int max, long deadline, long now) {
    if (max < 1) throw new IllegalArgumentException("a fetch asks for at least one message, not " + max);
    if (waiters.isEmpty()) {
      List<Delivery> got = pollUpTo(max, now);
      if (!got.isEmpty()) return got;
    }
    waiters.addLast(new Waiter<>(waiter, deadline, max));
    return List.of();
  }

  /** Hands ready messages to waiting GETs and FETCHes, oldest first; call after every insertion. */
  public List<Handoff<W>> serveWaiters(long now) {
    List<Handoff<W>> served = new ArrayList<>();
    while (!waiters.isEmpty() && !ready.isEmpty()) {
      // With message groups, ready messages may all belong to groups held by other consumers.
      List<Delivery> got = pollUpTo(waiters.peekFirst().max(), now);
      if (got.isEmpty()) break;
      served.add(new Handoff<>(waiters.pollFirst().waiter(), got));
    }
    return served;
  }

  private List<Delivery> pollUpTo(int max, long now) {
    List<Delivery> got = new ArrayList<>(Math.min(max, ready.size()));
    while (got.size() < max) {
      Optional<Delivery> d = poll(now);
      if (d.isEmpty()) break;
      got.add(d.get());
    }
    return got;
  }

  /**
   * Lets time pass: GETs past their deadline time out; in-flight messages past their visibility
   * deadline become ready again, or — after their last allowed delivery — are set aside as
   * {@code dying} for the shell to dead-letter with {@link #deadLetter}.
   */
  public Expiry<W> expire(long now) {
    List<W> timedOut = new ArrayList<>();
    for (Iterator<Waiter<W>> it = waiters.iterator(); it.hasNext(); ) {
      Waiter<W> w = it.next();
      if (w.deadline() <= now) {
        it.remove();
        timedOut.add(w.waiter());
      }
    }
    List<String> redelivered = new ArrayList<>();
    List<String> dead = new ArrayList<>();
    for (Iterator<InFlight> it = inFlight.values().iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (f.visibleAt() > now) continue;
      it.remove();
      Stored m = f.message();
      if (deliveries.getOrDefault(m.id(), 0) >= maxDeliveries) {
        dying.put(m.id(), m);
        dead.add(m.id());
      } else {
        ready.put(m.seq(), m);
        readyIds.put(m.id(), m.seq());
        String key = groups.get(m.id());
        if (key != null) busy.remove(key);
        redelivered.add(m.id());
      }
    }
    return new Expiry<>(timedOut, redelivered, dead);
  }

  /** Forgets a waiting GET (its consumer went away). */
  public void cancel(W waiter) {
    waiters.removeIf(w -> w.waiter().equals(waiter));
  }

  // ------------------------------------------------------------------ reading

  public int readyCount() {
    return ready.size();
  }

  public int inFlightCount() {
    return inFlight.size();
  }

  public int waitingCount() {
    return waiters.size();
  }

  /** Whether a tick could change anything: someone waits or something is in flight. */
  public boolean hasDeadlines() {
    return !waiters.isEmpty() || !inFlight.isEmpty();
  }

  public List<Stored> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** The groups whose message is in flight now (held by a consumer until it acknowledges). */
  public Set<String> heldGroups() {
    return Set.copyOf(busy);
  }

  private void forgetGroup(String id) {
    String key = groups.remove(id);
    // Only the group's one in-flight message holds it; acking a ready message of it does not free it.
    if (key != null && !inFlightOrDyingOf(key)) busy.remove(key);
  }

  private boolean inFlightOrDyingOf(String key) {
    for (String id : inFlight.keySet()) if (key.equals(groups.get(id))) return true;
    for (String id : dying.keySet()) if (key.equals(groups.get(id))) return true;
    return false;
  }

  private Stored removeReady(String id) {
    Long seq = readyIds.remove(id);
    return seq == null ? null : ready.remove(seq);
  }
}
