package org.sidis.check;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything read from a run's trace files: the events that conform to the contract, in file order,
 * and the problems found in the lines that did not.
 *
 * @param source     the directory or file that was read
 * @param filesRead  trace files found, including empty ones
 * @param linesRead  non-blank lines seen, good or bad; zero means there was nothing to inspect
 */
public record Trace(Path source, List<TraceEvent> events, List<TraceProblem> problems, int filesRead, long linesRead) {

    public Trace {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    public boolean isEmpty() {
        return linesRead == 0;
    }
}
