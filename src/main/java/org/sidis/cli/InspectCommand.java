package org.sidis.cli;

import org.sidis.check.HappensBefore;
import org.sidis.check.Inspection;
import org.sidis.check.Report;
import org.sidis.check.ReportPage;
import org.sidis.check.RunSummary;
import org.sidis.check.ShiVizLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
            "integrity, agreement, FIFO order and causal order, prints one",
            "verdict line per property and group, then a summary of the run, and",
            "writes RUN_DIR/report.html: the verdicts, a space-time diagram and the",
            "summary on one self-contained page. Exit code 0: every promised",
            "property held; 1: a promised property was violated; 2: no trace",
            "line to read; 3: the --json file could not be written. The report",
            "and the ShiViz log never change the exit code: a failure to write",
            "them is a warning."
        },
        exitCodeList = {
            "0:Passed: every promised property held.",
            "1:Violated: a promised property failed.",
            "2:Nothing to read (no trace line under RUN_DIR), or a usage error.",
            "3:The --json file could not be written."
        })
public final class InspectCommand implements Callable<Integer> {

    /** The exit codes, one per {@link Report.Result}. */
    public static final int PASSED = 0;
    public static final int VIOLATED = 1;
    public static final int NOTHING_TO_READ = 2;
    /** Kept apart from the verdicts, so that 1 always means a protocol broke its promise. */
    public static final int CANNOT_WRITE_JSON = 3;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Names the run directory to check, or one trace file.")
    private Path runDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also writes the verdicts, with every kept offence, as JSON to FILE.")
    private Path json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Writes the HTML report to FILE (default: RUN_DIR/report.html; for a trace file, <name>.report.html beside it).")
    private Path reportFile;

    @Option(names = "--no-report", description = "Does not write the HTML report.")
    private boolean noReport;

    @Option(names = "--shiviz", description = {
        "Also writes the events as a log that ShiViz (DistributedClocks/shiviz) draws",
        "when uploaded: RUN_DIR/shiviz.log (for a trace file, <name>.shiviz.log)."})
    private boolean shiviz;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    private boolean help;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Report report = Inspection.of(runDir);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table());
        RunSummary summary = RunSummary.of(report);
        if (!report.trace().isEmpty()) {
            out.println();
            out.print(summary.table());
        }
        out.flush();
        writeViews(report, summary, out);
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

    /**
     * The report page and the ShiViz log, both drawn from the happens-before relation of the protocol
     * events. They are views of the verdict, not part of it: a failure to write one is a warning on
     * stderr and leaves the exit code to the verdict.
     */
    private void writeViews(Report report, RunSummary summary, PrintWriter out) {
        boolean page = !noReport;
        if (!page && !shiviz) {
            return;
        }
        HappensBefore hb = HappensBefore.of(ReportPage.drawnEvents(report.trace()));
        if (page) {
            Path file = reportFile != null ? reportFile : besideRun("report.html");
            if (file != null) {
                write(file, "report", f -> ReportPage.write(report, summary, hb, f), out);
            }
        }
        if (shiviz) {
            Path file = besideRun("shiviz.log");
            if (file != null) {
                write(file, "ShiViz log", f -> ShiVizLog.write(hb, f), out);
            }
        }
    }

    /** Where a view of the run goes by default: into the run directory, or beside a single trace file. */
    private Path besideRun(String name) {
        if (Files.isDirectory(runDir)) {
            return runDir.resolve(name);
        }
        if (Files.isRegularFile(runDir)) {
            String file = runDir.getFileName().toString();
            String stem = file.endsWith(".jsonl") ? file.substring(0, file.length() - ".jsonl".length()) : file;
            return runDir.resolveSibling(stem + "." + name);
        }
        spec.commandLine().getErr().println("warning: no " + name + " written: " + runDir + " does not exist");
        return null;
    }

    private interface Writing {
        void to(Path file) throws IOException;
    }

    private void write(Path file, String what, Writing writing, PrintWriter out) {
        try {
            writing.to(file);
            out.println(what + ": " + file);
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("warning: cannot write the " + what + " " + file + ": " + e);
        }
        out.flush();
    }

    /** Runs the command on its own, until the CLI root lists it as a subcommand. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InspectCommand()).execute(args));
    }
}
