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
    // Initialize logging on this thread before Akka's threads log, so SLF4J has nothing to replay.
    org.slf4j.LoggerFactory.getILoggerFactory();
    int code = new CommandLine(new Sidis()).execute(args);
    // A node command returns only after its ActorSystem terminated; exit so no thread lingers.
    System.exit(code);
  }
}
