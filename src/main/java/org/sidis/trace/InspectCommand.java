package org.sidis.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sidis inspect RUN_DIR}: checks a run's traces against what each group's protocol promises
 * and prints the verdict table. The exit code lets scripts and CI act on it without parsing.
 */
@Command(
        name = "inspect",
        description = {
            "Checks a run's protocol traces (every *.jsonl under RUN_DIR) for",
            "integrity, agreement, FIFO order and causal order, and prints one",
            "verdict line per property and group. Exit code 0: every promised",
            "property held; 1: a promised property was violated; 2: no trace",
            "line to read; 3: the --json file could not be written."
        })
public final class InspectCommand implements Callable<Integer> {

    /** The exit codes, one per {@link Report.Result}. */
    public static final int PASSED = 0;
    public static final int VIOLATED = 1;
    public static final int NOTHING_TO_READ = 2;
    /** Kept apart from the verdicts, so that 1 always means a protocol broke its promise. */
    public static final int CANNOT_WRITE_JSON = 3;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run directory (or one trace file)")
    private Path runDir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the verdicts as JSON to FILE")
    private Path json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Report report = Inspection.of(runDir);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table());
        if (!report.trace().isEmpty()) {
            out.println();
            out.print(RunSummary.of(report).table());
        }
        out.flush();
        if (json != null) {
            try {
                ObjectMapper mapper = new ObjectMapper();
                mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report.toJson(mapper));
            } catch (IOException e) {
                spec.commandLine().getErr().println("cannot write " + json + ": " + e.getMessage());
                return CANNOT_WRITE_JSON;
            }
        }
        return switch (report.result()) {
            case PASSED -> PASSED;
            case FAILED -> VIOLATED;
            case NOTHING_TO_READ -> NOTHING_TO_READ;
        };
    }

    /** Runs the command on its own, until the CLI root lists it as a subcommand. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InspectCommand()).execute(args));
    }
}
