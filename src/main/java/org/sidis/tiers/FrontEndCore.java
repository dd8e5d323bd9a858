package org.sidis.tiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front end's rules, without actors: which server takes each request (by the configured
 * {@link Distribution}), which requests are still unanswered and where, and what becomes of
 * them when their server leaves. Document reads are idempotent, so a request whose server left
 * before answering is sent once more, to another routable server; a request whose second server
 * also leaves is refused rather than tried forever. Every admitted request is answered exactly
 * once: the first answer (or the timeout) removes it, and a later answer for it — the first
 * server's reply arriving after all, or a duplicate — is dropped and counted.
 *
 * @param <S> how the front end names a server (an ActorRef in the actor, a string in tests)
 */
public final class FrontEndCore<S> {

  /** What the front end does with a request. */
  public sealed interface Decision {
    String id();
  }

  /** Send request {@code id} for document {@code key} to {@code server}; {@code attempt} is 1, or 2 for the retry. */
  public record Route<S>(String id, int key, S server, int attempt) implements Decision {}

  /** Answer request {@code id} with a refusal: no server can take it now. */
  public record Refuse(String id, Refusal reason) implements Decision {}

  /** Why a request got no server. */
  public enum Refusal {
    /** No application server is Up and reachable. */
    NO_SERVER_UP,
    /** Its server left before answering, and so did the one it was retried on. */
    RETRIED_ONCE
  }

  private record Pending<S>(int key, S server, int attempt) {}

  private final ServerPool<S> pool = new ServerPool<>();
  private final Distribution<S> distribution;
  private final Map<String, Pending<S>> pending = new LinkedHashMap<>();
  private long retried;
  private long dropped;

  public FrontEndCore(Distribution<S> distribution) {
    this.distribution = distribution;
  }

  /** A request for document {@code key} arrives: route it (and wait for its answer) or refuse it. */
  public Decision admit(String id, int key) {
    Optional<S> server = distribution.choose(key, pool);
    if (server.isEmpty()) return new Refuse(id, Refusal.NO_SERVER_UP);
    pending.put(id, new Pending<>(key, server.get(), 1));
    pool.sent(server.get());
    return new Route<>(id, key, server.get(), 1);
  }

  /**
   * The server for document {@code key} when the front end does not wait for the answer (the
   * redirect mode: the client asks the server itself); empty when none is routable.
   */
  public Optional<S> choose(int key) {
    return distribution.choose(key, pool);
  }

  /**
   * Request {@code id} was answered (by whichever server). True exactly once per admitted
   * request: the caller answers the client only then; false means a late or duplicate answer,
   * dropped.
   */
  public boolean answered(String id) {
    Pending<S> p = pending.remove(id);
    if (p == null) {
      dropped++;
      return false;
    }
    pool.finished(p.server());
    return true;
  }

  /** Request {@code id} waited too long: true if it was still unanswered (the caller answers it with a timeout). */
  public boolean timedOut(String id) {
    Pending<S> p = pending.remove(id);
    if (p == null) return false;
    pool.finished(p.server());
    return true;
  }

  /** {@code server} is Up and offers itself. */
  public void serverUp(S server) {
    pool.up(server);
  }

  public void serverUnreachable(S server) {
    pool.unreachable(server);
  }

  public void serverReachable(S server) {
    pool.reachable(server);
  }

  public void loadReport(S server, int load) {
    pool.report(server, load);
  }

  /**
   * {@code server} left the cluster (or stopped offering itself): its unanswered requests are
   * sent once more to another server, or refused if they were already a retry or none is left.
   */
  public List<Decision> serverGone(S server) {
    pool.gone(server);
    distribution.forget(server);
    List<Decision> decisions = new ArrayList<>();
    for (Map.Entry<String, Pending<S>> e : new ArrayList<>(pending.entrySet())) {
      Pending<S> p = e.getValue();
      if (!p.server().equals(server)) continue;
      String id = e.getKey();
      if (p.attempt() >= 2) {
        pending.remove(id);
        decisions.add(new Refuse(id, Refusal.RETRIED_ONCE));
        continue;
      }
      Optional<S> next = distribution.choose(p.key(), pool);
      if (next.isEmpty()) {
        pending.remove(id);
        decisions.add(new Refuse(id, Refusal.NO_SERVER_UP));
        continue;
      }
      pending.put(id, new Pending<>(p.key(), next.get(), 2));
      pool.sent(next.get());
      retried++;
      decisions.add(new Route<>(id, p.key(), next.get(), 2));
    }
    return decisions;
  }

  public ServerPool<S> pool() {
    return pool;
  }

  public int pending() {
    return pending.size();
  }

  /** Requests sent again after their server left. */
  public long retried() {
    return retried;
  }

  /** Answers dropped because their request was already answered (or timed out). */
  public long dropped() {
    return dropped;
  }
}
