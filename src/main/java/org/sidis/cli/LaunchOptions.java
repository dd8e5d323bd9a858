package org.sidis.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Where a command that starts child JVMs puts their run directory, and what options those JVMs get. */
public final class LaunchOptions {

  @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "Puts the run directory (logs, traces, settings) under this directory (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--jvm-opt", paramLabel = "OPTION",
      description = "Passes this option to each child JVM, e.g. --jvm-opt=-Xmx1g; repeat it for several (default: -Xmx512m; bench migration, whose states are large: -Xmx1g).")
  List<String> jvmOptions;

  public Path runsDir() {
    return runsDir;
  }

  /** Whether the user gave {@code --jvm-opt}. */
  public boolean given() {
    return jvmOptions != null;
  }

  /** The child JVMs' options: those given, else {@code -Xmx512m} (a command with a larger default, named in the help, checks {@link #given()}). */
  public List<String> jvm() {
    return jvmOptions != null ? jvmOptions : List.of("-Xmx512m");
  }
}
