package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sidis.check.TraceEvent;
import org.sidis.check.Verdict;
import org.sidis.wire.MessageId;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fault matrix's rows: counted from traces, printed as a table, written as JSON by Jackson. */
class MatrixRowTest {

  private static TraceEvent ev(long ts, String node, String proto, String event, String msg) {
    return new TraceEvent(ts, node, "/user/x", proto, "jobs", event, msg == null ? null : MessageId.of(msg), 1, null, null, 1);
  }

  private static MatrixRow row(String demo, String fault, long lost, String verdict) {
    return new MatrixRow(demo, fault, 100, 90, lost, 2, 0, 1.5, 1, verdict, "", "runs/x");
  }

  @Test
  void theTableHasTheIssuesColumnsAndOneLinePerRow() {
    String table = MatrixRow.table(List.of(row("queues", "pause", 0, "passed"), row("total", "partition", 3, "failed")));
    List<String> lines = table.lines().toList();
    assertEquals(4, lines.size(), table);
    assertEquals(List.of("demo", "fault", "operations", "acknowledged", "lost", "duplicated", "order violations", "recovery time", "verdict"),
        List.of(lines.get(0).split("\\s*\\|\\s*")).stream().map(String::trim).toList(), table);
    assertTrue(lines.get(3).startsWith("total  | partition |"), table);
    assertTrue(lines.get(3).endsWith("| failed"), table);
    assertTrue(lines.get(2).contains("1.5 s"), table);
  }

  @Test
  void theJsonHoldsRowsWithTheIssuesFieldNames() throws Exception {
    MatrixRow none = new MatrixRow("gossip", "kill", 10, 10, 0, 0, 0, null, 1, "passed", "", "runs/y");
    JsonNode root = new ObjectMapper().readTree(MatrixRow.json(List.of(row("log", "kill", 0, "passed"), none)));
    JsonNode first = root.path("rows").get(0);
    for (String field : List.of("demo", "fault", "operations", "acknowledged", "lost", "duplicated", "order_violations", "recovery_s", "verdict")) {
      assertTrue(first.has(field), "missing " + field + " in " + first);
    }
    assertEquals("log", first.path("demo").asText());
    assertEquals(1.5, first.path("recovery_s").asDouble());
    assertEquals("passed", first.path("verdict").asText());
    assertTrue(root.path("rows").get(1).path("recovery_s").isNull(), "no recovery measured is null: " + root);
  }

  @Test
  void aQueueRowCountsAcknowledgedPutsNoConsumerAckedAsLost() {
    List<TraceEvent> events = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      events.add(ev(10, "n2", "queue", "attempt", "n2:" + i));
      events.add(ev(20, "n2", "queue", "put", "n2:" + i));
    }
    for (int i = 1; i <= 4; i++) {
      events.add(ev(30, "n3", "queue", "get", "n2:" + i));
      events.add(ev(31, "n3", "queue", "ack", "n2:" + i));
    }
    events.add(ev(2_000_040, "n3", "queue", "get", "n2:1")); // redelivered, 2 s after the fault ended
    MatrixRow r = MatrixRow.measure("queues", "pause", events, List.of(), List.of(new long[] {5, 40}), true, "run");
    assertEquals(5, r.operations());
    assertEquals(5, r.acknowledged());
    assertEquals(1, r.lost(), "n2:5 was acknowledged and never consumed");
    assertEquals(1, r.duplicated());
    assertEquals(2.0, r.recoverySeconds());
    assertEquals("failed", r.verdict(), "a lost acknowledged message fails the row even when the demo passed");
  }

  /** The queue's ack-journaled line acknowledges a message whose consumer was downed before it traced its ack. */
  @Test
  void aQueueRowTakesAJournaledAckAsTheAcknowledgement() {
    List<TraceEvent> events = List.of(ev(10, "n2", "queue", "put", "n2:1"), ev(11, "n2", "queue", "put", "n2:2"),
        ev(20, "n3", "queue", "get", "n2:1"), ev(21, "n3", "queue", "get", "n2:2"),
        ev(22, "n3", "queue", "ack", "n2:1"), ev(23, "n1", "queue", "ack-journaled", "n2:2"));
    assertEquals(0, MatrixRow.measure("queues", "kill", events, List.of(), List.of(new long[] {1, 2}), true, "r").lost());
    List<TraceEvent> neither = List.of(ev(10, "n2", "queue", "put", "n2:1"), ev(11, "n2", "queue", "put", "n2:2"),
        ev(22, "n3", "queue", "ack", "n2:1"), ev(23, "n1", "queue", "ack-journaled", "n2:1"));
    assertEquals(1, MatrixRow.measure("queues", "kill", neither, List.of(), List.of(new long[] {1, 2}), true, "r").lost(),
        "n2:2: no ack, no journaled ack");
  }

  /** A restarted node's reader (its actor marked #2) reading a record again is a duplicate of that node's reading, as before the mark. */
  @Test
  void aLogRowCountsARestartedReadersRereadAsADuplicate() {
    List<TraceEvent> events = List.of(
        new TraceEvent(10, "n2", "/user/p", "log", "t", "append", MessageId.of("n2:1"), 1, null, null, 1),
        new TraceEvent(20, "n3", "/user/c", "log", "t", "read", MessageId.of("n2:1"), 1, null, null, 1),
        new TraceEvent(30, "n3", "/user/c#2", "log", "t", "read", MessageId.of("n2:1"), 1, null, null, 1));
    assertEquals(1, MatrixRow.measure("log", "kill", events, List.of(), List.of(new long[] {1, 2}), true, "r").duplicated());
  }

  @Test
  void aRowPassesOnlyWithAFaultNothingLostAndTheDemoPassed() {
    List<TraceEvent> events = List.of(ev(10, "n2", "queue", "put", "n2:1"), ev(20, "n3", "queue", "ack", "n2:1"));
    assertEquals("passed", MatrixRow.measure("queues", "kill", events, List.of(), List.of(new long[] {1, 2}), true, "r").verdict());
    MatrixRow noFault = MatrixRow.measure("queues", "kill", events, List.of(), List.of(), true, "r");
    assertEquals("failed", noFault.verdict());
    assertEquals("no fault was injected: the workload ended first", noFault.note());
    assertEquals("failed", MatrixRow.measure("queues", "kill", events, List.of(), List.of(new long[] {1, 2}), false, "r").verdict());
    assertEquals("the workload never ran (the nodes did not start in time: see console.txt)",
        MatrixRow.measure("queues", "kill", List.of(), List.of(), List.of(), false, "r").note());
    assertNull(MatrixRow.measure("queues", "kill", events, List.of(), List.of(new long[] {100, 200}), true, "r").recoverySeconds(),
        "nothing happened after the fault: no recovery time");
  }

  @Test
  void aChatRowTakesLossFromAgreementAndOrderFromTheOrderProperties() {
    List<TraceEvent> events = List.of(
        new TraceEvent(1, "n1", "/user/m", "total", "chat", "multicast", MessageId.of("n1:1"), 1, null, null, 1),
        new TraceEvent(2, "n1", "/user/m", "total", "chat", "deliver", MessageId.of("n1:1"), 2, 1L, null, 2),
        new TraceEvent(3, "n1", "/user/m", "total", "chat", "deliver", MessageId.of("n1:1"), 3, 1L, null, 3));
    List<Verdict> verdicts = List.of(
        new Verdict("agreement", "chat", "total", true, Verdict.Outcome.VIOLATED, 2, 1, 1, 4, List.of()),
        new Verdict("total order", "chat", "total", true, Verdict.Outcome.VIOLATED, 2, 1, 1, 7, List.of()),
        new Verdict("causal order", "chat", "total", false, Verdict.Outcome.VIOLATED, 2, 1, 1, 9, List.of()));
    MatrixRow r = MatrixRow.measure("total", "partition", events, verdicts, List.of(new long[] {0, 1}), false, "r");
    assertEquals(1, r.operations());
    assertEquals(4, r.lost());
    assertEquals(7, r.orderViolations(), "an unpromised order (causal, under total) is not counted");
    assertEquals(1, r.duplicated(), "n1 delivered n1:1 twice");
  }
}
