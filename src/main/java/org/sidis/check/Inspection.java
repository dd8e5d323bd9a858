package org.sidis.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An inspection of one run: read every trace file, run every {@link Checker} over it, and judge the
 * run by the properties each protocol promises.
 */
public final class Inspection {

    private Inspection() {
    }

    /** Inspects a run directory (every {@code *.jsonl} below it) or a single trace file. */
    public static Report of(Path runDirOrFile) {
        return of(TraceReader.read(runDirOrFile));
    }

    /** Inspects a run's trace with the checkers of every room that ships with sidis. */
    public static Report of(Trace trace) {
        return of(trace, Checker.standard());
    }

    /** Inspects a run's trace with {@code checkers}, each over the same run. */
    public static Report of(Trace trace, List<Checker> checkers) {
        TracedRun run = new TracedRun(trace);
        List<Verdict> verdicts = new ArrayList<>();
        List<TraceProblem> problems = new ArrayList<>(trace.problems());
        for (Checker checker : checkers) {
            Checker.Findings found = checker.check(run);
            verdicts.addAll(found.verdicts());
            problems.addAll(found.problems());
        }
        return new Report(trace.source(), trace, run.groups(), verdicts, problems, List.copyOf(run.crashed()), run.stores());
    }
}
