package org.sidis.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The crash that {@code demo queues} and {@code demo log} must have seen before their verdict
 * (issue 17: with {@code --nemesis} they passed when the workload ended before any fault).
 */
class CrashRestartTest {

  @Test
  void withANemesisTheRunIsNotDoneNorPassedUntilAFaultWasInjectedAndHealed() {
    assertEquals("no fault was injected: the workload ended first", CrashRestart.missingFault(true, 0));
    assertNull(CrashRestart.missingFault(true, 1));
    assertNull(CrashRestart.missingFault(true, 3));
  }

  @Test
  void withoutANemesisTheDemosOwnCrashIsAllThatCounts() {
    assertNull(CrashRestart.missingFault(false, 0));
  }
}
