package org.sidis.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a concurrent server's dispatcher (Tanenbaum &amp; van Steen, ch. 3, the
 * dispatcher/worker model), with no actors in it: requests wait in a queue, each idle worker
 * takes the oldest, and the result goes back to everyone who asked under that request id.
 *
 * <p>A worker announces itself {@link #onReady ready} when it starts and again when
 * supervision restarted it after a crash. A ready worker that still held a request crashed
 * mid-request: an idempotent request goes back to the head of the queue (up to
 * {@code maxAttempts} runs, then the client is told it failed); any other is answered with a
 * failure, because it may have done part of its work and must not run twice — unless the worker
 * says the crash came before the handler began, when it too goes back to the queue. Request ids make a retransmission harmless: a running or
 * queued id gains one more waiter, a finished one is answered from the reply cache — so a
 * request is never run twice because a client asked twice.
 *
 * @param <A> a client's reply address (an ActorRef in the shell, a string in tests)
 */
public final class DispatcherCore<A> {

  /** What the shell must do. */
  public interface Effects<A> {
    /**
     * Hand request {@code id} to {@code worker}, which answers {@code answerTo} itself (one hop
     * less on the reply path than answering through the dispatcher).
     */
    void assign(int worker, String id, String payload, A answerTo);

    void send(A client, ServerProtocol.Response response);
  }

  /** Why a request was or was not taken; the shell logs and traces it. */
  public enum Admission { QUEUED, RAN_IN_PLACE, JOINED_RUNNING, ANSWERED_FROM_CACHE, REFUSED_OVERLOADED }

  private record Job(String id, String payload, boolean idempotent) {}

  private final Effects<A> effects;
  private final int maxAttempts;
  private final int maxQueue;
  private final Deque<Integer> idle = new ArrayDeque<>();
  private final Deque<Job> queue = new ArrayDeque<>();
  private final Map<Integer, Job> running = new HashMap<>();
  private final Map<String, List<A>> waiters = new HashMap<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final ReplyCache done;
  private long redispatched;

  public DispatcherCore(int maxAttempts, int maxQueue, int replyCacheSize, Effects<A> effects) {
    this.effects = effects;
    this.maxAttempts = maxAttempts;
    this.maxQueue = maxQueue;
    this.done = new ReplyCache(replyCacheSize);
  }

  public Admission onRequest(String id, String payload, boolean ack, boolean idempotent, A replyTo) {
    ServerProtocol.Response cached = done.get(id);
    if (cached != null) {
      effects.send(replyTo, cached);
      return Admission.ANSWERED_FROM_CACHE;
    }
    List<A> waiting = waiters.get(id);
    if (waiting != null) {
      waiting.add(replyTo);
      if (ack) effects.send(replyTo, new ServerProtocol.Received(id));
      return Admission.JOINED_RUNNING;
    }
    if (queue.size() >= maxQueue) {
      effects.send(replyTo, new ServerProtocol.Failed(id, "server overloaded: " + queue.size() + " requests already queued (sidis.server.max-queue)"));
      return Admission.REFUSED_OVERLOADED;
    }
    List<A> first = new ArrayList<>(1);
    first.add(replyTo);
    waiters.put(id, first);
    queue.addLast(new Job(id, payload, idempotent));
    if (ack) effects.send(replyTo, new ServerProtocol.Received(id));
    pump();
    return Admission.QUEUED;
  }

  /**
   * A request the shell can answer at once without a worker ({@link Handler#answersInPlace}):
   * the same id rules as {@link #onRequest} — a cached id is answered from the cache, a running
   * one gains a waiter — else {@code run} computes the response here and it is cached.
   */
  public Admission onRequestInPlace(String id, String payload, boolean ack, boolean idempotent, A replyTo,
                                    java.util.function.BiFunction<String, String, ServerProtocol.Response> run) {
    if (done.get(id) != null || waiters.containsKey(id)) return onRequest(id, payload, ack, idempotent, replyTo);
    if (ack) effects.send(replyTo, new ServerProtocol.Received(id));
    ServerProtocol.Response response = run.apply(id, payload);
    done.put(id, response);
    effects.send(replyTo, response);
    return Admission.RAN_IN_PLACE;
  }

  /** {@code worker} (re)started; if it held a request, it crashed running it. Returns that request's id, or null. */
  public String onReady(int worker) {
    return onReady(worker, null);
  }

  /**
   * {@link #onReady(int)}, where the worker says that request {@code notRun}, which it held, crashed
   * before its handler began: that one runs again even when it is not idempotent, as it did nothing.
   */
  public String onReady(int worker, String notRun) {
    Job lost = running.remove(worker);
    idle.remove(worker);
    idle.addLast(worker);
    String crashed = null;
    if (lost != null) {
      crashed = lost.id();
      boolean ran = !lost.id().equals(notRun);
      // max-attempts guards against a request that crashes its handler; one that never reached
      // the handler says nothing against itself, so it does not count.
      int runs = ran ? attempts.merge(lost.id(), 1, Integer::sum) : attempts.getOrDefault(lost.id(), 0);
      if (!lost.idempotent() && ran) {
        // It may have done part of its work: running it again could do that part twice.
        finish(lost.id(), new ServerProtocol.Failed(lost.id(), "the handler crashed mid-request; the request is not"
            + " idempotent, so it was not run again (at-most-once)"), 0);
      } else if (runs >= maxAttempts) {
        finish(lost.id(), new ServerProtocol.Failed(lost.id(), "the handler crashed " + runs + " times on this request"
            + " (sidis.server.max-attempts = " + maxAttempts + ")"), 0);
      } else {
        redispatched++;
        queue.addFirst(lost);
      }
    }
    pump();
    return crashed;
  }

  /** {@code worker} finished request {@code id} with {@code result}, and answered the first waiter. */
  public void onDone(int worker, String id, String result) {
    Job job = running.get(worker);
    if (job == null || !job.id().equals(id)) return; // a stale report from before a restart
    running.remove(worker);
    finish(id, new ServerProtocol.Reply(id, result), 1);
    idle.addLast(worker);
    pump();
  }

  /** {@code worker} is gone for good (stopped, its JVM died): its request is re-dispatched if idempotent. */
  public void onWorkerGone(int worker) {
    idle.remove(worker);
    Job lost = running.remove(worker);
    if (lost != null && lost.idempotent()) {
      redispatched++;
      queue.addFirst(lost);
    } else if (lost != null) {
      // A worker whose node became unreachable may still finish it: the client may also get its reply.
      finish(lost.id(), new ServerProtocol.Failed(lost.id(), "the worker running this request stopped or became"
          + " unreachable, so it may or may not have run; the request is not idempotent, so it was not run again"
          + " (at-most-once)"), 0);
    }
    pump();
  }

  /** Caches the response and sends it to the waiters from {@code from} on (the worker answered those before). */
  private void finish(String id, ServerProtocol.Response response, int from) {
    done.put(id, response);
    attempts.remove(id);
    List<A> clients = waiters.remove(id);
    if (clients != null) for (int i = from; i < clients.size(); i++) effects.send(clients.get(i), response);
  }

  private void pump() {
    while (!idle.isEmpty() && !queue.isEmpty()) {
      int worker = idle.pollFirst();
      Job job = queue.pollFirst();
      running.put(worker, job);
      effects.assign(worker, job.id(), job.payload(), waiters.get(job.id()).get(0));
    }
  }

  public int queued() {
    return queue.size();
  }

  public int busy() {
    return running.size();
  }

  public long redispatched() {
    return redispatched;
  }
}
