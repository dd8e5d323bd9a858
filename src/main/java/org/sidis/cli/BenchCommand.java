package org.sidis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code sidis bench <workload>}: one subcommand per workload, each with only its own options,
 * so an option of another workload is a usage error rather than silently ignored. Each prints
 * a table and, with {@code --json}, the benchmark contract of DESIGN.md: every sidis figure
 * beside a baseline measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures sidis beside a baseline measured in the same run; each workload is a subcommand with its own options.",
    subcommands = {BenchMulticastCommand.class, BenchBroadcastCommand.class, BenchRpcCommand.class, BenchQueueCommand.class,
        BenchLogCommand.class, BenchTiersCommand.class, BenchStreamCommand.class, BenchMigrationCommand.class, BenchAllCommand.class})
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Bare {@code bench}: a usage error naming the workloads. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(),
        "a workload is needed: " + String.join(", ", spec.subcommands().keySet()));
  }
}
