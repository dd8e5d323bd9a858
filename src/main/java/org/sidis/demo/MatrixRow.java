package org.sidis.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.sidis.trace.ActorNames;
import org.sidis.trace.Events;
import org.sidis.check.TraceEvent;
import org.sidis.check.Verdict;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of the fault matrix: a demo under one kind of fault, counted from its traces.
 *
 * @param operations       what the workload tried: multicasts, PUT attempts, appends, gossip updates
 * @param acknowledged     what the system acknowledged of them (a multicast is acknowledged when
 *                         the middleware took it; a PUT by the queue manager's acknowledgement; an
 *                         append by the log's offset; an update where it was written)
 * @param lost             acknowledged but missing: multicast agreement offences (a node of the
 *                         surviving cluster that never delivered a message), PUTs no consumer
 *                         acknowledged, appends nobody read, gossip updates a replica never applied
 * @param duplicated       delivered again: a message delivered twice at one node, received twice
 *                         by the consumers, read twice by one reader, applied twice at one node
 * @param orderViolations  the offences of the order properties (fifo, causal, total order)
 * @param recoverySeconds  the longest time from a fault's end to the next delivery, read or
 *                         apply anywhere; null when nothing happened after it (the workload
 *                         had finished)
 * @param faults           faults injected and healed
 * @param verdict          "passed" when the demo passed, at least one fault happened, and
 *                         nothing acknowledged was lost
 * @param note             why it failed, or empty
 */
@JsonPropertyOrder({"demo", "fault", "operations", "acknowledged", "lost", "duplicated", "order_violations", "recovery_s",
    "faults", "verdict", "note", "run"})
public record MatrixRow(
    String demo,
    String fault,
    long operations,
    long acknowledged,
    long lost,
    long duplicated,
    @JsonProperty("order_violations") long orderViolations,
    @JsonProperty("recovery_s") Double recoverySeconds,
    int faults,
    String verdict,
    String note,
    String run) {

  public static final String PASSED = "passed";
  public static final String FAILED = "failed";

  public boolean passed() {
    return PASSED.equals(verdict);
  }

  /** What the fault-matrix JSON holds: {@code {"rows": [...]}}. */
  public record Matrix(List<MatrixRow> rows) { }

  private static final String[] HEADER = {"demo", "fault", "operations", "acknowledged", "lost", "duplicated", "order violations",
      "recovery time", "verdict"};

  /** The human table, one line per row: {@code demo | fault | operations | … | verdict}. */
  public static String table(List<MatrixRow> rows) {
    List<String[]> cells = new java.util.ArrayList<>();
    cells.add(HEADER);
    for (MatrixRow r : rows) {
      cells.add(new String[] {r.demo, r.fault, String.valueOf(r.operations), String.valueOf(r.acknowledged), String.valueOf(r.lost),
          String.valueOf(r.duplicated), String.valueOf(r.orderViolations),
          r.recoverySeconds == null ? "—" : String.format(java.util.Locale.ROOT, "%.1f s", r.recoverySeconds), r.verdict});
    }
    int[] width = new int[HEADER.length];
    for (String[] row : cells) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < cells.size(); k++) {
      String[] row = cells.get(k);
      for (int i = 0; i < row.length; i++) {
        if (i > 0) s.append(" | ");
        if (i == row.length - 1) s.append(row[i]); // no trailing blanks
        else s.append(pad(row[i], width[i], i >= 2 && k > 0)); // counts right-aligned
      }
      s.append('\n');
      if (k == 0) {
        for (int i = 0; i < row.length; i++) s.append(i > 0 ? "-|-" : "").append("-".repeat(width[i]));
        s.append('\n');
      }
    }
    return s.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  /** The matrix as {@code {"rows": [{"demo", "fault", …, "verdict"}, …]}}, by Jackson. */
  public static String json(List<MatrixRow> rows) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(new Matrix(rows)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the fault matrix cannot be written as JSON", e);
    }
  }

  /**
   * Counts the row of {@code demo} under {@code fault} from its trace {@code events} and the
   * checkers' {@code verdicts}; {@code faults} are the faults healed (start, end in
   * microseconds); {@code demoPassed} is the demo's own verdict.
   */
  public static MatrixRow measure(String demo, String fault, List<TraceEvent> events, List<Verdict> verdicts,
                                  List<long[]> faults, boolean demoPassed, String run) {
    long operations, acknowledged, lost, duplicated;
    switch (demo) {
      case "queues" -> {
        Set<String> attempted = ids(events, "queue", "attempt"), put = ids(events, "queue", "put"), acked = ids(events, "queue", "ack");
        // A consumer downed after the queue journaled its ack never traces it; the queue's line counts (QueueTotal).
        acked.addAll(ids(events, "queue", Events.Queue.ACK_JOURNALED));
        operations = Math.max(attempted.size(), put.size());
        acknowledged = put.size();
        lost = put.stream().filter(m -> !acked.contains(m)).count();
        duplicated = moreThanOnce(events, "queue", "get", false);
      }
      case "log" -> {
        Set<String> appended = ids(events, "log", "append"), read = ids(events, "log", "read");
        operations = appended.size();
        acknowledged = appended.size();
        lost = appended.stream().filter(m -> !read.contains(m)).count();
        duplicated = moreThanOnce(events, "log", "read", true);
      }
      case "gossip" -> {
        Set<String> updates = ids(events, "gossip", "update");
        operations = updates.size();
        acknowledged = updates.size();
        lost = violations(verdicts, "convergence");
        duplicated = moreThanOnce(events, "gossip", "apply", true);
      }
      default -> { // the chat demos: causal, fifo, total, overlay
        Set<String> multicast = new HashSet<>();
        for (TraceEvent e : events) if (e.isMulticast() && e.msg() != null) multicast.add(e.msg().toString());
        operations = multicast.size();
        acknowledged = multicast.size();
        lost = violations(verdicts, "agreement");
        duplicated = 0;
        Map<String, Integer> seen = new HashMap<>();
        for (TraceEvent e : events) {
          if (e.isDeliver() && e.msg() != null && seen.merge(e.node() + " " + e.group() + " " + e.msg(), 1, Integer::sum) > 1) duplicated++;
        }
      }
    }
    long order = verdicts.stream().filter(v -> v.property().endsWith(" order") && v.promised()).mapToLong(Verdict::violations).sum();
    Double recovery = recovery(events, faults);
    String note;
    if (faults.isEmpty() && operations == 0) note = "the workload never ran (the nodes did not start in time: see console.txt)";
    else if (faults.isEmpty()) note = "no fault was injected: the workload ended first";
    else if (lost > 0) note = lost + " acknowledged " + (demo.equals("gossip") ? "updates" : "messages") + " lost";
    else if (!demoPassed) note = "the demo's checkers or its completion failed (see verdict.txt)";
    else note = "";
    boolean passed = demoPassed && !faults.isEmpty() && lost == 0 && order == 0;
    return new MatrixRow(demo, fault, operations, acknowledged, lost, duplicated, order, recovery, faults.size(),
        passed ? PASSED : FAILED, note, run);
  }

  private static Set<String> ids(List<TraceEvent> events, String proto, String event) {
    Set<String> ids = new HashSet<>();
    for (TraceEvent e : events) if (proto.equals(e.proto()) && event.equals(e.event()) && e.msg() != null) ids.add(e.group() + " " + e.msg());
    return ids;
  }

  /** Events {@code event} beyond the first of each message (per node when {@code perNode}). */
  private static long moreThanOnce(List<TraceEvent> events, String proto, String event, boolean perNode) {
    Map<String, Integer> seen = new HashMap<>();
    long extra = 0;
    for (TraceEvent e : events) {
      if (!proto.equals(e.proto()) || !event.equals(e.event()) || e.msg() == null) continue;
      // The actor's path without its incarnation mark: what a restarted node's actor reads again
      // is a duplicate of that node's reading, as before the mark (docs/trace-contract.md).
      String key = (perNode ? e.node() + " " + ActorNames.pathOf(e.actor()) + " " : "") + e.group() + " " + e.msg();
      if (seen.merge(key, 1, Integer::sum) > 1) extra++;
    }
    return extra;
  }

  private static long violations(List<Verdict> verdicts, String property) {
    return verdicts.stream().filter(v -> v.property().equals(property)).mapToLong(Verdict::violations).sum();
  }

  private static final Set<String> PROGRESS = Set.of("deliver", "get", "ack", "read", "append", "put", "apply", "update");

  /** The longest wait, over the faults, from a fault's end to the next progress event anywhere. */
  static Double recovery(List<TraceEvent> events, List<long[]> faults) {
    Double worst = null;
    for (long[] f : faults) {
      long end = f[1];
      long next = Long.MAX_VALUE;
      for (TraceEvent e : events) if (e.ts() >= end && PROGRESS.contains(e.event())) next = Math.min(next, e.ts());
      if (next == Long.MAX_VALUE) continue;
      double s = (next - end) / 1e6;
      worst = worst == null ? s : Math.max(worst, s);
    }
    return worst;
  }
}
