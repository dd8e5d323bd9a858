package org.sidis.mom;

import java.security.SecureRandom;
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
import java.util.LinkedHashSet;
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
 * <p><b>Delivery tokens</b> (SQS's receipt handle, AMQP's delivery tag): every delivery carries
 * a token of its own, {@code <n>.<random>}, and an ack is accepted only for a message in flight
 * under that very token. So a message nobody was given cannot be acknowledged (deleted) by
 * guessing its id, and a slow consumer whose visibility timeout passed cannot ack away the
 * message now in flight at another consumer: its token belongs to a delivery that is over.
 *
 * <p><b>Routed messages</b> are remembered by origin: a message forwarded from another node's
 * transmission queue is enqueued with that node's name, and the queue keeps the last
 * {@link #REMEMBERED_FORWARDS} (origin, id) pairs it stored — after the message is acknowledged
 * too, and rebuilt by a persistent queue's replay — so a retransmission of a forward already
 * consumed is not stored a second time, while another node's message with the same id is
 * (Artemis's persisted duplicate-id cache, scoped by source).
 *
 * <p><b>Byte budgets</b>: a FETCH hands out at most {@code maxBytes} (payloads, ids and an
 * envelope per message) — always at least one message — so its answer stays under the
 * transport's frame (Artery drops a larger message, and its deliveries would be counted for
 * nothing).
 *
 * <p>Time is an argument ({@code now}, milliseconds), so tests drive it. {@code W} is whatever
 * identifies a waiting GET (an actor reference in the shell).
 */
public final class QueueCore<W> {

  /** How many forwarded (origin, id) pairs a queue remembers after storing them. */
  public static final int REMEMBERED_FORWARDS = 100_000;

  /** Bytes counted for one message in a reply besides its payload and id (record fields, the queue name's share). */
  public static final int ENVELOPE_BYTES = 128;

  /**
   * A message as stored: its id (unique per queue), payload, place in arrival order, and the
   * bytes it takes in a reply (payload, id and envelope, UTF-8).
   */
  public record Stored(long seq, String id, String payload, int bytes) {}

  /**
   * A message handed to a consumer: the n-th delivery of it, visible again at {@code visibleAt};
   * {@code token} names this delivery, and only an ack that carries it is accepted.
   */
  public record Delivery(String id, String payload, int deliveries, long visibleAt, String token) {}

  /** What became of an ack. */
  public enum AckResult {
    /** The message was in flight under this token: it leaves the queue. */
    ACKED,
    /** The queue does not hold the message: acknowledged before, dead-lettered, or never there. */
    NOT_HELD,
    /** The message is held, but not in flight under this token: never delivered with it, or that delivery is over. */
    NOT_THIS_DELIVERY
  }

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

  private record InFlight(Stored message, long visibleAt, String token) {}

  private record Waiter<W>(W waiter, long deadline, int max, int maxBytes) {}

  private final long visibilityMillis;
  private final int maxDeliveries;
  private final TreeMap<Long, Stored> ready = new TreeMap<>();
  private final Map<String, Long> readyIds = new HashMap<>();
  private final LinkedHashMap<String, InFlight> inFlight = new LinkedHashMap<>();
  /** Past their last delivery, waiting for the shell to record their dead-lettering (with their last token). */
  private final Map<String, InFlight> dying = new HashMap<>();
  private final Map<String, Integer> deliveries = new HashMap<>();
  private final Deque<Stored> deadLetters = new ArrayDeque<>();
  private final Deque<Waiter<W>> waiters = new ArrayDeque<>();
  private long nextSeq = 1;
  private final Function<String, String> groupOf;
  /** The group key of each held message that has one. */
  private final Map<String, String> groups = new HashMap<>();
  /** Groups with a message in flight (or about to be dead-lettered): their other messages wait. */
  private final Set<String> busy = new HashSet<>();
  /** (origin, id) of the forwarded messages stored here, oldest first, at most {@link #REMEMBERED_FORWARDS}. */
  private final LinkedHashSet<String> forwarded = new LinkedHashSet<>();
  private final int envelopeBytes;
  private final SecureRandom tokens = new SecureRandom();
  /**
   * Random bits for tokens, drawn from {@link #tokens} 4 KiB at a time. One {@code nextLong()}
   * per delivery, printed unsigned in base 36 (through BigInteger), took about half of the
   * queue actor's time in a profile of {@code bench queue}; the bits are as random either way.
   */
  private final byte[] randomBits = new byte[4096];
  private int randomAt = randomBits.length;

  public QueueCore(long visibilityMillis, int maxDeliveries) {
    this(visibilityMillis, maxDeliveries, null);
  }

  /** A queue whose messages are grouped by {@code groupOf(payload)} (null key: no group); see the class comment. */
  public QueueCore(long visibilityMillis, int maxDeliveries, Function<String, String> groupOf) {
    this(visibilityMillis, maxDeliveries, groupOf, ENVELOPE_BYTES);
  }

  /**
   * As above, counting {@code envelopeBytes} per message in a reply besides its payload and id
   * (the shell adds its queue name's length, which every delivery repeats).
   */
  public QueueCore(long visibilityMillis, int maxDeliveries, Function<String, String> groupOf, int envelopeBytes) {
    this.groupOf = groupOf;
    this.envelopeBytes = envelopeBytes;
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
    return enqueue(id, payload, null);
  }

  /**
   * PUT of a message forwarded from node {@code origin} (null: put here, not forwarded). Besides
   * an id already held, a forward this queue stored before from that origin — even if it was
   * acknowledged since — is ignored: it is a retransmission.
   */
  public boolean enqueue(String id, String payload, String origin) {
    if (holds(id) || storedFrom(origin, id)) return false;
    if (origin != null) {
      forwarded.add(forwardKey(origin, id));
      if (forwarded.size() > REMEMBERED_FORWARDS) {
        Iterator<String> oldest = forwarded.iterator();
        oldest.next();
        oldest.remove();
      }
    }
    Stored m = new Stored(nextSeq++, id, payload, utf8Length(payload) + utf8Length(id) + envelopeBytes);
    ready.put(m.seq(), m);
    readyIds.put(id, m.seq());
    if (groupOf != null) {
      String key = groupOf.apply(payload);
      if (key != null) groups.put(id, key);
    }
    return true;
  }

  /** Whether this queue stored a message forwarded from {@code origin} under {@code id} (one of the last it remembers). */
  public boolean storedFrom(String origin, String id) {
    return origin != null && forwarded.contains(forwardKey(origin, id));
  }

  private static String forwardKey(String origin, String id) {
    return origin + "\n" + id;
  }

  /**
   * A consumer's ACK of the delivery {@code token} names: the message leaves the queue for good
   * when it is in flight under that token (see the class comment); otherwise nothing changes.
   * An ack that races its message's last timeout wins over the dead-lettering still to be
   * recorded, if its token is that of the last delivery.
   */
  public AckResult ack(String id, String token) {
    AckResult r = check(id, token);
    if (r == AckResult.ACKED) acknowledged(id);
    return r;
  }

  /** What {@link #ack(String, String)} would answer, changing nothing (a persistent queue journals the ack first). */
  public AckResult check(String id, String token) {
    InFlight f = inFlight.get(id);
    if (f == null) f = dying.get(id);
    if (f != null) return f.token().equals(token) ? AckResult.ACKED : AckResult.NOT_THIS_DELIVERY;
    return readyIds.containsKey(id) ? AckResult.NOT_THIS_DELIVERY : AckResult.NOT_HELD;
  }

  /**
   * Records an acknowledgement already accepted (by {@link #check}) or replayed from a journal:
   * the message leaves the queue for good, wherever it is. False when the queue does not hold it.
   */
  public boolean acknowledged(String id) {
    if (inFlight.remove(id) == null && removeReady(id) == null && dying.remove(id) == null) return false;
    deliveries.remove(id);
    forgetGroup(id);
    return true;
  }

  /** Moves a message to the dead-letter list (from wherever it is). */
  public boolean deadLetter(String id) {
    InFlight f = dying.remove(id);
    if (f == null) f = inFlight.remove(id);
    Stored m = f != null ? f.message() : removeReady(id);
    if (m == null) return false;
    deliveries.remove(id);
    forgetGroup(id);
    deadLetters.addLast(m);
    return true;
  }

  // ------------------------------------------------------------------ volatile transitions

  /** POLL: the oldest ready message, now in flight, or empty; never waits. */
  public Optional<Delivery> poll(long now) {
    Stored m = next();
    return m == null ? Optional.empty() : Optional.of(take(m, now));
  }

  /** The oldest ready message whose group (if any) is free, or null. */
  private Stored next() {
    for (Stored candidate : ready.values()) {
      String key = groups.get(candidate.id());
      if (key == null || !busy.contains(key)) return candidate;
    }
    return null;
  }

  /** 63 random bits (non-negative, so printing them needs no BigInteger). */
  private long nextRandom() {
    if (randomAt + Long.BYTES > randomBits.length) {
      tokens.nextBytes(randomBits);
      randomAt = 0;
    }
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) v = (v << 8) | (randomBits[randomAt++] & 0xff);
    return v >>> 1;
  }

  private Delivery take(Stored m, long now) {
    ready.remove(m.seq());
    readyIds.remove(m.id());
    String key = groups.get(m.id());
    if (key != null) busy.add(key);
    int n = deliveries.merge(m.id(), 1, Integer::sum);
    long visibleAt = now + visibilityMillis;
    String token = n + "." + Long.toString(nextRandom(), 36);
    inFlight.put(m.id(), new InFlight(m, visibleAt, token));
    return new Delivery(m.id(), m.payload(), n, visibleAt, token);
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
    return fetch(waiter, max, Integer.MAX_VALUE, deadline, now);
  }

  /** FETCH of up to {@code max} messages and {@code maxBytes} (always at least one message); see {@link Stored#bytes}. */
  public List<Delivery> fetch(W waiter, int max, int maxBytes, long deadline, long now) {
    if (max < 1) throw new IllegalArgumentException("a fetch asks for at least one message, not " + max);
    if (waiters.isEmpty()) {
      List<Delivery> got = pollUpTo(max, maxBytes, now);
      if (!got.isEmpty()) return got;
    }
    waiters.addLast(new Waiter<>(waiter, deadline, max, maxBytes));
    return List.of();
  }

  /** Hands ready messages to waiting GETs and FETCHes, oldest first; call after every insertion. */
  public List<Handoff<W>> serveWaiters(long now) {
    List<Handoff<W>> served = new ArrayList<>();
    while (!waiters.isEmpty() && !ready.isEmpty()) {
      // A waiter past its deadline has given up (its Empty is due at the next expire): a
      // delivery to it could not be received, and would count against the message for nothing.
      if (waiters.peekFirst().deadline() <= now) break;
      // With message groups, ready messages may all belong to groups held by other consumers.
      Waiter<W> w = waiters.peekFirst();
      List<Delivery> got = pollUpTo(w.max(), w.maxBytes(), now);
      if (got.isEmpty()) break;
      served.add(new Handoff<>(waiters.pollFirst().waiter(), got));
    }
    return served;
  }

  private List<Delivery> pollUpTo(int max, int maxBytes, long now) {
    List<Delivery> got = new ArrayList<>(Math.min(max, ready.size()));
    long bytes = 0;
    while (got.size() < max) {
      Stored m = next();
      if (m == null || (!got.isEmpty() && bytes + m.bytes() > maxBytes)) break;
      bytes += m.bytes();
      got.add(take(m, now));
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
        dying.put(m.id(), f);
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

  /** The ids of the oldest dead letters that fit in {@code maxBytes} (ids and an envelope each). */
  public List<String> deadLetterIds(int maxBytes) {
    List<String> ids = new ArrayList<>();
    long bytes = 0;
    for (Stored m : deadLetters) {
      bytes += utf8Length(m.id()) + 16;
      if (bytes > maxBytes) break;
      ids.add(m.id());
    }
    return ids;
  }

  public int deadLetterCount() {
    return deadLetters.size();
  }

  /** The bytes of {@code s} in UTF-8, without encoding it. */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
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
