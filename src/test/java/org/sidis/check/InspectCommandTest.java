package org.sidis.check;

import org.sidis.cli.InspectCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int inspect(String... args) {
        return new CommandLine(new InspectCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }

    private Path causalRun(boolean keepsCausalOrder) {
        TraceFiles run = new TraceFiles(dir.resolve("run"), "causal", "chat");
        run.node("n1").multicasts("n1:1").delivers("n1:1", "n2:1");
        run.node("n2").delivers("n1:1").multicasts("n2:1").delivers("n2:1");
        if (keepsCausalOrder) {
            run.node("n3").delivers("n1:1", "n2:1");
        } else {
            run.node("n3").delivers("n2:1", "n1:1");
        }
        return run.write();
    }

    @Test
    void exitsWithZeroAndPrintsTheTableWhenEveryPromiseHeld() {
        int exit = inspect(causalRun(true).toString());

        assertEquals(InspectCommand.PASSED, exit, out + "\n" + err);
        assertTrue(out.toString().contains("causal order: held at 3/3 nodes — 2 messages, 0 violations"), out.toString());
        assertTrue(out.toString().indexOf("run summary") > out.toString().indexOf("PASSED"),
                "the summary follows the verdict table\n" + out);
    }

    @Test
    void exitsWithOneWhenAPromisedPropertyWasViolated() {
        int exit = inspect(causalRun(false).toString());

        assertEquals(InspectCommand.VIOLATED, exit, out.toString());
        assertTrue(out.toString().contains("n3 delivered chat n2:1 before its cause n1:1"), out.toString());
    }

    @Test
    void exitsWithTwoWhenThereIsNothingToRead() throws IOException {
        Path emptyRun = Files.createDirectories(dir.resolve("empty/trace"));

        assertEquals(InspectCommand.NOTHING_TO_READ, inspect(emptyRun.getParent().toString()), out.toString());
        assertEquals(InspectCommand.NOTHING_TO_READ, inspect(dir.resolve("no-such-run").toString()), out.toString());
    }

    @Test
    void writesEveryVerdictAsJsonWhenAsked() throws IOException {
        Path json = dir.resolve("verdicts.json");

        int exit = inspect(causalRun(false).toString(), "--json", json.toString());

        assertEquals(InspectCommand.VIOLATED, exit, out.toString());
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertEquals("FAILED", written.get("result").asText());
        assertEquals(5, written.get("verdicts").size()); // total order is there, not applicable
        JsonNode causal = written.get("verdicts").get(0);
        assertEquals("causal order", causal.get("property").asText());
        assertEquals("VIOLATED", causal.get("outcome").asText());
        assertEquals(1, causal.get("violations").asInt());
        assertTrue(causal.get("details").get(0).asText().startsWith("n3 delivered chat n2:1 before its cause n1:1"),
                causal.toPrettyString());
        JsonNode offence = causal.get("offences").get(0);
        assertEquals("n3 n2:1 [\"n1:1\"]", offence.get("node").asText() + " " + offence.get("msg").asText() + " "
                + offence.get("involved"), offence.toString());
    }

    @Test
    void keepsExitCodeOneForViolationsWhenTheJsonFileCannotBeWritten() {
        int exit = inspect(causalRun(true).toString(), "--json", dir.resolve("no/such/dir/v.json").toString());

        assertEquals(InspectCommand.CANNOT_WRITE_JSON, exit, err.toString());
        assertTrue(err.toString().startsWith("cannot write "), err.toString());
    }

    @Test
    void writesTheReportPageIntoTheRunDirectoryAndKeepsTheExitCodeOfTheVerdict() {
        Path passed = causalRun(true);
        assertEquals(InspectCommand.PASSED, inspect(passed.toString()), out + "\n" + err);
        assertTrue(Files.isRegularFile(passed.resolve("report.html")));
        assertTrue(out.toString().contains("report: " + passed.resolve("report.html")), out.toString());

        Path violated = causalRun(false);
        assertEquals(InspectCommand.VIOLATED, inspect(violated.toString()), out + "\n" + err);
        assertEquals("", err.toString());
    }

    @Test
    void writesNoPageWhenToldNot() {
        Path run = causalRun(true);

        assertEquals(InspectCommand.PASSED, inspect(run.toString(), "--no-report"), out + "\n" + err);
        assertFalse(Files.exists(run.resolve("report.html")));
    }

    @Test
    void writesAShiVizLogBesideTheReportWhenAsked() throws IOException {
        Path run = causalRun(false);

        assertEquals(InspectCommand.VIOLATED, inspect("--shiviz", run.toString()), out + "\n" + err);

        List<String> log = Files.readAllLines(run.resolve("shiviz.log"));
        assertEquals(ShiVizLog.REGEX, log.get(0));
        assertEquals("", log.get(1));
        assertEquals(2 + 1 + 3 + 2, log.size() - 2, "every multicast and delivery, no start or stop");
        assertTrue(Files.isRegularFile(run.resolve("report.html")), "the page is written as well");
    }

    @Test
    void warnsButKeepsTheVerdictsExitCodeWhenThePageCannotBeWritten() {
        int exit = inspect(causalRun(false).toString(), "--report", dir.resolve("no/such/dir/report.html").toString());

        assertEquals(InspectCommand.VIOLATED, exit, err.toString());
        assertTrue(err.toString().startsWith("warning: cannot write the report "), err.toString());
    }

    @Test
    void writesAPageSayingThereIsNothingToReadForAnEmptyRunButNoneForAMissingOne() throws IOException {
        Path emptyRun = Files.createDirectories(dir.resolve("empty/trace")).getParent();

        assertEquals(InspectCommand.NOTHING_TO_READ, inspect(emptyRun.toString()), out.toString());
        assertTrue(Files.readString(emptyRun.resolve("report.html")).contains("NOTHING TO READ"));

        assertEquals(InspectCommand.NOTHING_TO_READ, inspect(dir.resolve("no-such-run").toString()), out.toString());
        assertTrue(err.toString().contains("no report.html written: " + dir.resolve("no-such-run") + " does not exist"),
                err.toString());
    }

    @Test
    void putsTheViewsOfASingleTraceFileBesideIt() {
        Path n3 = causalRun(false).resolve("trace/n3.jsonl");

        inspect("--shiviz", n3.toString());

        assertTrue(Files.isRegularFile(n3.resolveSibling("n3.report.html")), out + "\n" + err);
        assertTrue(Files.isRegularFile(n3.resolveSibling("n3.shiviz.log")), out + "\n" + err);
    }
}
