package org.sidis.check;

import java.nio.file.Path;

/**
 * Bad input found while reading traces. A problem never stops the reading: the checkers judge what
 * could be read, and the report shows what could not, so a reader can tell a protocol fault from a
 * damaged log.
 *
 * @param line the line number from 1, or 0 when the problem is about the whole file or directory
 */
public record TraceProblem(Path file, int line, Kind kind, String what) {

    public enum Kind {
        /** The path given does not exist or is not readable. */
        MISSING,
        /** A trace file without a single line: a node that never started, or a lost file. */
        EMPTY_FILE,
        /** A node the run launched (its {@code logs/<node>.cmd} exists) left no trace file at all. */
        MISSING_TRACE_FILE,
        /** Nothing at all to read under the path: no checker can say anything. */
        NO_TRACE_LINES,
        /** A line in the middle of a file that is not a JSON object. */
        NOT_JSON,
        /** The last line of a file is cut off, as when a node is killed while writing. */
        TRUNCATED_LINE,
        /** A field the contract requires is absent. */
        MISSING_FIELD,
        /** A field is present with the wrong type or form. */
        BAD_FIELD,
        /** lseq does not count up by one in file order, so an event is lost or misplaced. */
        LSEQ_ORDER,
        /** One group's multicast events name different protocols, so its promise is ambiguous. */
        PROTO_CONFLICT
    }

    @Override
    public String toString() {
        return (line > 0 ? file + ":" + line : file.toString()) + ": " + what;
    }
}
