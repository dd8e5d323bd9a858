package org.sidis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The command line: {@code sidis node | demo | sim | inspect | bench <workload> | tls init | completion}.
 *
 * <p>The command line is strict, so a typo is an error rather than a run with defaults: an
 * unknown or misplaced option, a missing subcommand, a bad value or an unknown {@code --set}
 * key under {@code sidis.} is a usage error — one message on stderr naming the closest valid
 * word, and exit code {@value ExitCodes#USAGE} — as GNU's coding standards and picocli's own
 * defaults have it.
 */
@Command(name = "sidis", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
    description = "Distributed-systems protocols as Akka Typed actors on an Akka Cluster of real JVMs.",
    footer = {"%nRun 'sidis COMMAND --help' for a command's options.",
        "Bash completion for this shell: source <(sidis completion)"},
    subcommands = {NodeCommand.class, DemoCommand.class, SimCommand.class, InspectCommand.class,
        BenchCommand.class, TlsCommand.class, CompletionCommand.class})
public final class Sidis implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Bare {@code sidis}: the usage goes to stderr, since nothing was asked for, and the exit code says so. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    return ExitCodes.USAGE;
  }

  /** The command line with sidis' rules: strict parsing, usage errors on stderr, exit codes listed in every help. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Sidis());
    cmd.setParameterExceptionHandler(Sidis::usageError);
    cmd.setExecutionStrategy(parsed -> {
      // The --set keys are checked once the whole line is parsed, before any command runs.
      for (CommandLine c : parsed.asCommandLineList()) {
        for (Object mixin : c.getCommandSpec().mixins().values().stream().map(CommandSpec::userObject).toList()) {
          if (mixin instanceof SettingsOption s) s.check(c);
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    ExitCodes.listIn(cmd);
    return cmd;
  }

  /** Runs {@code args} with {@code out} and {@code err} as the commands' picocli streams; the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = commandLine();
    cmd.setOut(out);
    cmd.setErr(err);
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * A usage error: what was wrong, the closest valid words (picocli's suggestions), and where
   * to read more — on stderr, exit {@value ExitCodes#USAGE}. The full usage is not repeated:
   * one message says what to fix.
   */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      if (!u.getSuggestions().isEmpty()) err.println("did you mean: " + String.join(", ", u.getSuggestions()) + "?");
      for (String arg : u.getUnmatched()) {
        if (!arg.startsWith("-")) continue;
        String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        List<String> owners = new ArrayList<>();
        ownersOf(option, cmd.getCommandSpec().root().commandLine(), owners);
        if (!owners.isEmpty()) err.println(option + " is an option of: " + String.join(", ", owners));
      }
    }
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** The commands under {@code c} that take {@code option}: where a misplaced option belongs. */
  private static void ownersOf(String option, CommandLine c, List<String> owners) {
    if (c.getCommandSpec().findOption(option) != null && !c.getCommandSpec().findOption(option).usageHelp()
        && !c.getCommandSpec().findOption(option).versionHelp()) {
      owners.add(c.getCommandSpec().qualifiedName());
    }
    for (CommandLine sub : c.getSubcommands().values()) ownersOf(option, sub, owners);
  }

  public static void main(String[] args) {
    logDefaults(args);
    // Initialize logging on this thread before Akka's threads log, so SLF4J has nothing to replay.
    org.slf4j.LoggerFactory.getILoggerFactory();
    int code = commandLine().execute(args);
    // A node command returns only after its ActorSystem terminated; exit so no thread lingers.
    System.exit(code);
  }

  /**
   * Logback's settings, read when logging starts (before picocli parses anything): the jar's
   * conf/logback.xml, kept off the jar's root so that it never overrides the logback.xml of an
   * application that embeds sidis; and for a node started by hand, its name in every line, INFO
   * on the console and its log file under logs/. A launcher (the demos) sets its own.
   */
  static void logDefaults(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "conf/logback.xml");
    if (args.length == 0 || !args[0].equals("node")) return;
    String name = "n1";
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--name") && i + 1 < args.length) name = args[i + 1];
      else if (args[i].startsWith("--name=")) name = args[i].substring("--name=".length());
    }
    if (System.getProperty("sidis.node.name") == null) System.setProperty("sidis.node.name", name);
    if (System.getProperty("sidis.log.file") == null) System.setProperty("sidis.log.file", "logs/" + name + ".log");
    if (System.getProperty("sidis.log.console-level") == null) System.setProperty("sidis.log.console-level", "INFO");
  }
}
