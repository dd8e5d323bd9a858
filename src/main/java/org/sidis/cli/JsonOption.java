package org.sidis.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --json FILE}, shared by every benchmark and simulation: the results for tools, beside the table. */
public final class JsonOption {

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also writes the results to this file as JSON, in the benchmark contract's form (DESIGN.md).")
  Path file;

  /** The file to write, or null when none was asked for. */
  public Path file() {
    return file;
  }
}
