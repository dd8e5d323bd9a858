package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log demo for real: three JVMs; the event log's is killed with SIGKILL mid-run and
 * restarted on the same store; the producer's retries add no record, the consumer group
 * resumes from its commits, an auditor replays the topic from offset 0, and the event-log
 * checker finds every acknowledged record at its offset for every reader, without gaps.
 */
@org.junit.jupiter.api.Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES) // whole demos of 3-5 JVMs, each run bounded by SidisProcess (<= 300 s)
class LogDemoIT {

  @Test
  void theEventLogLosesNoAcknowledgedRecordWhenItsNodeIsKilledAndRestarted() throws Exception {
    SidisProcess run = SidisProcess.run(300, "demo", "log", "--messages", "2000", "--runs-dir", "target/it-runs");
    String out = run.output();
    assertEquals(0, run.exitCode(), out);
    assertTrue(Pattern.compile("SIGKILL n1, the event log, after \\d+ of 2000 appends were acknowledged").matcher(out).find(), out);
    assertTrue(out.contains("restarted n1: same name, same store"), out);
    Matcher counts = Pattern.compile("appended (\\d+), read (\\d+) times \\((\\d+) offsets\\), committed (\\d+) times, lost (\\d+), gaps (\\d+)")
        .matcher(out);
    assertTrue(counts.find(), out);
    assertEquals("2000", counts.group(1), "every append acknowledged once, retries included: " + out);
    assertEquals("2000", counts.group(3), "every offset read: " + out);
    assertEquals("0", counts.group(5), "lost: " + out);
    assertEquals("0", counts.group(6), "gaps: " + out);
    assertTrue(out.contains("event log: held at 2/2 nodes — 2000 records, 0 violations"), out);
    assertTrue(out.contains("auditor: 2000 records replayed from offset 0"), out);
    assertTrue(out.contains("verdict: PASSED"), out);
  }
}
