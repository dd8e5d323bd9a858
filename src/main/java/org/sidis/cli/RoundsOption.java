package org.sidis.cli;

import picocli.CommandLine.Option;

import java.io.PrintStream;

/**
 * {@code --rounds}: how many alternated rounds a bench runs (A B C, A B C, …; the values behind it
 * are {@link org.sidis.bench.Rounds} and {@link org.sidis.bench.RoundRows}), one option for every
 * bench that compares systems, so each reads and refuses it the same way.
 */
public final class RoundsOption {

  @Option(names = "--rounds", defaultValue = "3",
      description = "Measures every system this many times, alternated round by round (A B C A B C ...), and reports medians"
          + " with the lowest and highest round (default: ${DEFAULT-VALUE}).")
  int rounds;

  public int count() {
    return rounds;
  }

  /** Says on {@code err} why the count is refused, if it is; true then. */
  boolean refused(PrintStream err) {
    if (rounds >= 1) return false;
    err.println("error: --rounds must be at least 1, got " + rounds);
    return true;
  }
}
