package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The three tiers' checker: from the front ends' {@code request}/{@code route}/{@code reply} lines
 * and the application servers' {@code serve} lines ({@code proto} {@value Events.Proto#TIERS},
 * {@code msg} the front door's request id), per group:
 * <ul>
 *   <li><b>tiers answered once</b>: every request the front end took was answered on its HTTP
 *       connection exactly once, and no answer is for a request nobody took; a front end that
 *       crashed is excused for the requests it had in flight;</li>
 *   <li><b>tiers answered correctly</b>: every document a client got ({@code status} 200) is the
 *       key it asked for and is, byte for byte (CRC-32 and length), what a server traced serving
 *       for that request; refusals (4xx, 5xx) and redirects are counted, not offences — a clear
 *       error is a correct answer to a request no server could take;</li>
 *   <li><b>tiers served once</b>: a server served a request only if the front end routed it
 *       there, and no more often than it was routed there (a request is served twice only when
 *       its first server left and the front end retried it, once, elsewhere). Requests that came
 *       to a server's own endpoint after a redirect ({@code direct}) have no route.</li>
 * </ul>
 */
public final class TiersCalls {

  private TiersCalls() {
  }

  public static final String ANSWERED_ONCE = "tiers answered once";
  public static final String ANSWERED_CORRECTLY = "tiers answered correctly";
  public static final String SERVED_ONCE = "tiers served once";

  /** Three verdicts per group traced in {@code events}. */
  public static List<Verdict> check(List<TraceEvent> events, Set<String> crashed) {
    Map<String, List<TraceEvent>> byGroup = new TreeMap<>();
    for (TraceEvent e : events) {
      if (Events.Proto.TIERS.equals(e.proto()) && e.group() != null && e.msg() != null) {
        byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
      }
    }
    List<Verdict> verdicts = new ArrayList<>();
    byGroup.forEach((group, es) -> verdicts.addAll(checkGroup(group, es, crashed)));
    return verdicts;
  }

  private static List<Verdict> checkGroup(String group, List<TraceEvent> events, Set<String> crashed) {
    Map<MessageId, TraceEvent> requests = new TreeMap<>();
    Map<MessageId, List<TraceEvent>> replies = new HashMap<>();
    Map<MessageId, List<TraceEvent>> routes = new HashMap<>();
    Map<MessageId, List<TraceEvent>> serves = new TreeMap<>();
    Set<String> fronts = new TreeSet<>(GroupTrace.NODE_ORDER);
    Set<String> servers = new TreeSet<>(GroupTrace.NODE_ORDER);
    for (TraceEvent e : events) {
      switch (e.event()) {
        case Events.Tiers.REQUEST -> {
          requests.put(e.msg(), e);
          fronts.add(e.node());
        }
        case Events.Tiers.REPLY -> replies.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
        case Events.Tiers.ROUTE -> routes.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
        case Events.Tiers.SERVE -> {
          serves.computeIfAbsent(e.msg(), m -> new ArrayList<>()).add(e);
          servers.add(e.node());
        }
        default -> { }
      }
    }

    Offences once = new Offences();
    Map<String, Integer> statuses = new TreeMap<>();
    int excused = 0;
    for (Map.Entry<MessageId, TraceEvent> r : requests.entrySet()) {
      MessageId id = r.getKey();
      TraceEvent request = r.getValue();
      List<TraceEvent> rs = replies.getOrDefault(id, List.of());
      rs.forEach(x -> statuses.merge(field(x, "status"), 1, Integer::sum));
      if (rs.isEmpty() && crashed.contains(request.node())) {
        excused++;
      } else if (rs.isEmpty()) {
        once.add(request.node(), id, List.of(), "request " + id + " (key " + field(request, "key") + ", " + field(request, "mode")
            + ", " + field(request, "policy") + ") was never answered at " + request.node());
      } else if (rs.size() > 1) {
        once.add(request.node(), id, List.of(), "request " + id + " was answered " + rs.size() + " times: "
            + rs.stream().map(x -> field(x, "status") + " at lseq " + x.lseq()).toList());
      }
    }
    for (Map.Entry<MessageId, List<TraceEvent>> r : replies.entrySet()) {
      if (requests.containsKey(r.getKey())) continue;
      TraceEvent x = r.getValue().get(0);
      once.add(x.node(), r.getKey(), List.of(), "answer to " + r.getKey() + " at " + x.node() + " without a request");
    }
    once.note("requests " + requests.size() + ", answered with status " + statuses
        + (excused > 0 ? ", in flight when their front end crashed " + excused : ""));

    Offences correct = new Offences();
    int documents = 0;
    int refusals = 0;
    for (Map.Entry<MessageId, List<TraceEvent>> r : replies.entrySet()) {
      MessageId id = r.getKey();
      TraceEvent request = requests.get(id);
      for (TraceEvent reply : r.getValue()) {
        String status = field(reply, "status");
        if (!"200".equals(status)) {
          if (!"307".equals(status)) refusals++;
          continue;
        }
        documents++;
        String asked = request == null ? null : field(request, "key");
        if (asked != null && !asked.equals(field(reply, "key"))) {
          correct.add(reply.node(), id, List.of(), "request " + id + " asked for key " + asked + " and got document "
              + field(reply, "key"));
          continue;
        }
        List<TraceEvent> served = serves.getOrDefault(id, List.of());
        boolean matched = served.stream().anyMatch(s -> "200".equals(field(s, "status"))
            && Objects.equals(field(s, "server"), field(reply, "server")) && sameDocument(s, reply));
        if (!matched) {
          correct.add(reply.node(), id, List.of(), "request " + id + " got key " + field(reply, "key") + " (" + field(reply, "bytes")
              + " bytes, crc " + field(reply, "crc") + ") from " + field(reply, "server") + ", which traced serving it "
              + served.stream().map(s -> field(s, "server") + " key " + field(s, "key") + " crc " + field(s, "crc")).toList());
        }
      }
    }
    correct.note("documents " + documents + ", refusals " + refusals);

    Offences servedOnce = new Offences();
    int direct = 0;
    int retriedServes = 0;
    for (Map.Entry<MessageId, List<TraceEvent>> s : serves.entrySet()) {
      MessageId id = s.getKey();
      if (s.getValue().stream().anyMatch(x -> "true".equals(field(x, "direct")))) {
        direct++;
        continue;
      }
      List<TraceEvent> rs = routes.getOrDefault(id, List.of());
      Map<String, Integer> routed = new TreeMap<>();
      rs.forEach(r -> routed.merge(field(r, "server"), 1, Integer::sum));
      Map<String, Integer> servedAt = new TreeMap<>();
      s.getValue().forEach(x -> servedAt.merge(field(x, "url"), 1, Integer::sum));
      if (s.getValue().size() > 1) retriedServes++;
      for (Map.Entry<String, Integer> at : servedAt.entrySet()) {
        int allowed = routed.getOrDefault(at.getKey(), 0);
        if (at.getValue() > allowed) {
          TraceEvent x = s.getValue().get(0);
          servedOnce.add(x.node(), id, List.of(), "request " + id + " served " + at.getValue() + " times at " + at.getKey()
              + " but routed there " + allowed + " times (routes " + routed + ")");
        }
      }
    }
    servedOnce.note("requests served " + serves.size() + " (after a redirect " + direct + "), served by two servers after a retry "
        + retriedServes);

    return List.of(
        once.verdict(ANSWERED_ONCE, group, Events.Proto.TIERS, true, fronts.size(), requests.size(), "requests"),
        correct.verdict(ANSWERED_CORRECTLY, group, Events.Proto.TIERS, true, fronts.size(), documents, "documents"),
        servedOnce.verdict(SERVED_ONCE, group, Events.Proto.TIERS, true, servers.size(), serves.size(), "requests served"));
  }

  private static boolean sameDocument(TraceEvent a, TraceEvent b) {
    return Objects.equals(field(a, "key"), field(b, "key")) && Objects.equals(field(a, "bytes"), field(b, "bytes"))
        && Objects.equals(field(a, "crc"), field(b, "crc"));
  }

  /** A field of the line as text (numbers and booleans too), or null. */
  private static String field(TraceEvent e, String name) {
    var v = e.attributes() == null ? null : e.attributes().get(name);
    return v == null || v.isNull() ? null : v.asText();
  }
}
