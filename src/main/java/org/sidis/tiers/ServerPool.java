package org.sidis.tiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application servers the front end knows, in the order they joined: which are routable
 * (Up in the cluster and reachable) and how loaded each is. A plain value the distributions
 * read; the front end's actor feeds it membership changes and the servers' load reports.
 *
 * <p>A server's load is the larger of its last report (requests running or queued at it) and
 * the front end's own count of requests it sent there that are not answered yet: the count is
 * current between reports, the report covers requests the front end does not see finish (the
 * redirect mode, where the client talks to the server directly).
 */
public final class ServerPool<S> {

  private static final class State {
    boolean reachable = true;
    int reported;
    int outstanding;
  }

  private final Map<S, State> servers = new LinkedHashMap<>();

  /** {@code server} is Up and offers itself: it becomes routable (again). */
  public void up(S server) {
    servers.computeIfAbsent(server, s -> new State()).reachable = true;
  }

  /** {@code server} left, was removed or stopped offering itself: it is forgotten. */
  public boolean gone(S server) {
    return servers.remove(server) != null;
  }

  /** The failure detector suspects {@code server}: no new request goes there until it is reachable again. */
  public void unreachable(S server) {
    State s = servers.get(server);
    if (s != null) s.reachable = false;
  }

  public void reachable(S server) {
    State s = servers.get(server);
    if (s != null) s.reachable = true;
  }

  /** {@code server} reports {@code load} requests running or queued at it; a report from an unknown server is ignored. */
  public void report(S server, int load) {
    State s = servers.get(server);
    if (s != null) s.reported = Math.max(0, load);
  }

  /** The front end sent {@code server} a request. */
  public void sent(S server) {
    State s = servers.get(server);
    if (s != null) s.outstanding++;
  }

  /** A request the front end sent {@code server} was answered, timed out or moved elsewhere. */
  public void finished(S server) {
    State s = servers.get(server);
    if (s != null && s.outstanding > 0) s.outstanding--;
  }

  public boolean isRoutable(S server) {
    State s = servers.get(server);
    return s != null && s.reachable;
  }

  public boolean knows(S server) {
    return servers.containsKey(server);
  }

  /** The servers a request may go to, in the order they joined. */
  public List<S> routable() {
    List<S> up = new ArrayList<>();
    servers.forEach((server, s) -> {
      if (s.reachable) up.add(server);
    });
    return up;
  }

  /** Every known server, routable or not. */
  public List<S> all() {
    return List.copyOf(servers.keySet());
  }

  public int load(S server) {
    State s = servers.get(server);
    return s == null ? 0 : Math.max(s.reported, s.outstanding);
  }

  public int outstanding(S server) {
    State s = servers.get(server);
    return s == null ? 0 : s.outstanding;
  }
}
