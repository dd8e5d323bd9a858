package org.sidis.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event-log checker on hand-made producer and consumer traces, one broken property at a time. */
class LogCheckTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HandTrace trace = new HandTrace();

  /** {@code node} traced {@code event} of {@code msg} at partition {@code p}, offset {@code o}. */
  private LogCheckTest at(String node, String event, String msg, int p, long o) {
    ObjectNode line = JSON.createObjectNode();
    line.put("partition", p);
    line.put("offset", o);
    if (event.equals("commit")) line.put("consumer_group", "g");
    trace.add(node, "/user/app", "log", "orders", event, msg, line);
    return this;
  }

  /** A member of consumer group {@code group} traced {@code event} ({@code read}, {@code handled}, {@code commit}). */
  private LogCheckTest member(String node, String group, String event, String msg, int p, long o) {
    ObjectNode line = JSON.createObjectNode();
    line.put("partition", p);
    line.put("offset", o);
    line.put("consumer_group", group);
    trace.add(node, "/user/member", "log", "orders", event, msg, line);
    return this;
  }

  private Verdict verdict() {
    return trace.verdict(LogCheck::check);
  }

  @Test
  void holdsWhenEveryReaderSeesTheAppendedRecordAtItsOffsetEvenReadTwice() {
    at("p1", "append", "p1:1", 0, 0).at("p1", "append", "p1:2", 0, 1).at("p1", "append", "p1:3", 1, 0);
    member("c1", "g", "read", "p1:1", 0, 0).member("c1", "g", "read", "p1:2", 0, 1);
    member("c1", "g", "handled", "p1:1", 0, 0).member("c1", "g", "handled", "p1:2", 0, 1).at("c1", "commit", null, 0, 2);
    at("c2", "read", "p1:1", 0, 0).at("c2", "read", "p1:3", 1, 0).at("c2", "read", "p1:1", 0, 0);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.HELD, v.outcome(), v.details().toString());
    assertEquals(3, v.messages());
    assertTrue(v.details().get(0).startsWith("appended 3, read 5 times (3 offsets), committed 1 times, lost 0, gaps 0"),
        v.details().toString());
  }

  @Test
  void catchesAnAcknowledgedAppendThatNobodyRead() {
    at("p1", "append", "p1:1", 0, 0).at("p1", "append", "p1:2", 0, 1);
    at("c1", "read", "p1:1", 0, 0);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome());
    assertEquals(1, v.violations(), v.details().toString());
    assertTrue(v.details().get(0).contains("lost: p1:2 was acknowledged at partition 0 offset 1"), v.details().toString());
  }

  @Test
  void catchesReadersThatDisagreeAboutAnOffsetAndARecordReadWhereAnotherWasAppended() {
    at("p1", "append", "p1:1", 0, 0);
    at("c1", "read", "p1:1", 0, 0);
    at("c2", "read", "p1:9", 0, 0);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("readers disagree: c2 /user/app read p1:9 at partition 0 offset 0")),
        v.details().toString());
  }

  @Test
  void catchesTwoRecordsAcknowledgedAtOneOffsetAndOneRecordAtTwo() {
    at("p1", "append", "p1:1", 0, 0).at("p2", "append", "p2:1", 0, 0).at("p1", "append", "p1:1", 0, 1);
    Verdict v = verdict();
    assertTrue(v.details().stream().anyMatch(d -> d.contains("two records at one offset")), v.details().toString());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("one record at two offsets: p1:1")), v.details().toString());
  }

  @Test
  void catchesAGapInAPartitionsOffsets() {
    at("p1", "append", "p1:1", 2, 0).at("p1", "append", "p1:3", 2, 2);
    at("c1", "read", "p1:1", 2, 0).at("c1", "read", "p1:3", 2, 2);
    Verdict v = verdict();
    assertEquals(1, v.violations(), v.details().toString());
    assertTrue(v.details().get(0).contains("gap: nobody appended or read partition 2 offset 1"), v.details().toString());
  }

  @Test
  void catchesACommitBeyondWhatWasSeen() {
    at("p1", "append", "p1:1", 0, 0).at("c1", "read", "p1:1", 0, 0).at("c1", "commit", null, 0, 5);
    Verdict v = verdict();
    assertTrue(v.details().get(0).contains("commit beyond what was seen"), v.details().toString());
  }

  @Test
  void doesNotJudgeLossWhenNothingWasRead() {
    at("p1", "append", "p1:1", 0, 0);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.HELD, v.outcome());
    assertTrue(v.details().get(0).endsWith("(nothing was read: loss not judged)"), v.details().toString());
  }

  /**
   * F8 (review 2026-12-reliability): the member handed p1:2 to its handler and committed past it
   * before the handler confirmed it; the handler never did (its node died). An auditor replayed
   * the whole topic, so "some reader read every offset" held — the old checker passed this.
   */
  @Test
  void catchesARecordItsGroupCommittedButItsHandlerNeverConfirmedEvenWhenAnAuditorReadIt() {
    at("p1", "append", "p1:1", 0, 0).at("p1", "append", "p1:2", 0, 1).at("p1", "append", "p1:3", 0, 2);
    member("c1", "billing", "read", "p1:1", 0, 0).member("c1", "billing", "read", "p1:2", 0, 1);
    member("c1", "billing", "handled", "p1:1", 0, 0).member("c1", "billing", "commit", null, 0, 2);
    at("auditor", "read", "p1:1", 0, 0).at("auditor", "read", "p1:2", 0, 1).at("auditor", "read", "p1:3", 0, 2);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.VIOLATED, v.outcome(), v.details().toString());
    assertEquals(1, v.violations(), v.details().toString());
    assertTrue(v.details().stream().anyMatch(d -> d.contains("lost for group [billing]: p1:2 at partition 0 offset 1")),
        v.details().toString());
  }

  /** The same trace, with the group's handler confirming p1:2 after a hand-over: nothing lost, one redelivery counted. */
  @Test
  void holdsWhenEveryCommittedRecordWasConfirmedByItsGroupAndCountsRedeliveries() {
    at("p1", "append", "p1:1", 0, 0).at("p1", "append", "p1:2", 0, 1);
    member("c1", "billing", "read", "p1:1", 0, 0).member("c1", "billing", "read", "p1:2", 0, 1);
    member("c1", "billing", "handled", "p1:1", 0, 0).member("c1", "billing", "commit", null, 0, 1);
    member("c2", "billing", "read", "p1:2", 0, 1).member("c2", "billing", "handled", "p1:2", 0, 1);
    member("c2", "billing", "read", "p1:2", 0, 1).member("c2", "billing", "handled", "p1:2", 0, 1);
    member("c2", "billing", "commit", null, 0, 2);
    member("c3", "audit", "read", "p1:1", 0, 0).member("c3", "audit", "handled", "p1:1", 0, 0).member("c3", "audit", "commit", null, 0, 1);
    Verdict v = verdict();
    assertEquals(Verdict.Outcome.HELD, v.outcome(), v.details().toString());
    assertTrue(v.details().get(0).contains("group [billing]: committed 2 records, handled 2 (1 redelivered)"), v.details().toString());
    assertTrue(v.details().get(0).contains("group [audit]: committed 1 records, handled 1 (0 redelivered)"), v.details().toString());
  }

  /** A group that committed without any handler confirmation lost every record below the commit. */
  @Test
  void catchesACommitAheadOfTheHandlerAsLossForThatGroupOnly() {
    at("p1", "append", "p1:1", 0, 0).at("p1", "append", "p1:2", 0, 1);
    member("c1", "fast", "read", "p1:1", 0, 0).member("c1", "fast", "read", "p1:2", 0, 1).member("c1", "fast", "commit", null, 0, 2);
    member("c2", "slow", "read", "p1:1", 0, 0).member("c2", "slow", "handled", "p1:1", 0, 0).member("c2", "slow", "commit", null, 0, 1);
    Verdict v = verdict();
    assertEquals(2, v.violations(), v.details().toString());
    assertTrue(v.details().stream().noneMatch(d -> d.contains("lost for group [slow]")), v.details().toString());
  }
}
