package org.sidis.cli;

import org.sidis.bench.LogBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * {@code sidis bench log}: one topic (4 partitions) of the event log in this JVM on H2 — append
 * rate and ack latency beside raw Akka Persistence measured in the same run, then the replay
 * rate ({@link LogBench}).
 */
@Command(name = "log", mixinStandardHelpOptions = true,
    description = "Measures the event log's append rate and ack latency beside raw Akka Persistence, then its replay rate, in this JVM on H2.")
public final class BenchLogCommand implements Callable<Integer> {

  @Option(names = "--size", defaultValue = "100", description = "Appends records of this many bytes, 1 to 65536 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--window", defaultValue = "100", description = "Keeps this many appends outstanding (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--warmup", defaultValue = "5", description = "Warms up for this many seconds before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "10", description = "Measures for this many seconds (default: ${DEFAULT-VALUE}).")
  int duration;

  @Mixin
  JsonOption json;

  @Override
  public Integer call() throws IOException {
    return LogBench.run(System.out, size, warmup, duration, window, json.file());
  }
}
