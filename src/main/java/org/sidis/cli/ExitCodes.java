package org.sidis.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every sidis command, listed in each command's help. 2 for a usage error is
 * picocli's default and the shell convention (bash's builtins, GNU grep); 1 is a run that went
 * wrong; {@code inspect} gives its codes the verdict's meaning and adds 3.
 */
public final class ExitCodes {

  /** The command did what was asked: the run finished and passed, the benchmark measured. */
  public static final int OK = 0;
  /** The command ran and failed: a verdict failed, a phase did not complete, a node's service failed. */
  public static final int FAILED = 1;
  /** The command line was wrong: unknown option or subcommand, bad value, unknown --set key; nothing ran. */
  public static final int USAGE = 2;

  private ExitCodes() {}

  /** The list every command but {@code inspect} shows. */
  static Map<String, String> common() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(String.valueOf(OK), "Success: the command did what was asked (a demo's verdict is PASSED).");
    m.put(String.valueOf(FAILED), "Failure: a demo's verdict is FAILED, a benchmark phase did not complete, or a node stopped on a failed service.");
    m.put(String.valueOf(USAGE), "Usage error: an unknown or misplaced option, a missing subcommand, a bad value or an unknown --set key; nothing ran.");
    return m;
  }

  /** Sets the exit-code list of every command under {@code root} that has none of its own. */
  static void listIn(CommandLine root) {
    CommandLine.Model.UsageMessageSpec usage = root.getCommandSpec().usageMessage();
    if (usage.exitCodeList().isEmpty()) usage.exitCodeList(common());
    usage.exitCodeListHeading("%nExit codes:%n");
    for (CommandLine sub : root.getSubcommands().values()) listIn(sub);
  }
}
