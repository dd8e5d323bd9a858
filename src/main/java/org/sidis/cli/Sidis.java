package org.sidis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code sidis node | demo | sim | inspect | bench}. */
@Command(name = "sidis", mixinStandardHelpOptions = true, version = "sidis 0.1.0",
    description = "Distributed-systems protocols as Akka Typed actors on an Akka Cluster of real JVMs.",
    subcommands = {NodeCommand.class, DemoCommand.class, org.sidis.cli.SimCommand.class, org.sidis.cli.InspectCommand.class,
        BenchCommand.class})
public final class Sidis implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    logDefaults(args);
    // Initialize logging on this thread before Akka's threads log, so SLF4J has nothing to replay.
    org.slf4j.LoggerFactory.getILoggerFactory();
    int code = new CommandLine(new Sidis()).execute(args);
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
