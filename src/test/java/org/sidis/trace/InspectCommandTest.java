package org.sidis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertEquals(4, written.get("verdicts").size());
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
}
