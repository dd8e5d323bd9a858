package org.sidis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a SIGKILL leaves: the file as it is between flushes, read without closing the sink. It
 * must hold whole lines only (the shared tracelint rejects a torn last line as "not JSON").
 */
class TraceSinkTest {

  @TempDir Path dir;

  /** A line of about 90 characters, like a trace event; 1,000 of them are over any buffer. */
  private static String line(int i) {
    return "{\"node\":\"n1\",\"actor\":\"/user/member\",\"lseq\":" + i
        + ",\"type\":\"deliver\",\"msg\":\"n2:" + i + "\"}";
  }

  @Test
  void theFileBetweenFlushesHoldsOnlyWholeLines() throws Exception {
    Path file = dir.resolve("n1.jsonl");
    TraceSink sink = TraceSink.open(file);
    int n = 0;
    // Appends past several spills of held lines, reading the file (what a kill would leave)
    // after every line: each read must end at a line's end.
    for (; n < 3_000; n++) {
      sink.append(line(n));
      if (n % 97 == 0) assertWholeLines(file, n);
    }
    assertWholeLines(file, n);
    assertTrue(Files.size(file) > 0, "more than " + TraceSink.WRITE_AT
        + " characters were appended, so some lines must be in the file before any flush");
    sink.flush();
    assertEquals(3_000, Files.readAllLines(file).size(), "a flush writes every held line");
    sink.close();
  }

  @Test
  void closeWritesTheHeldLines() throws Exception {
    Path file = dir.resolve("n2.jsonl");
    TraceSink sink = TraceSink.open(file);
    sink.append(line(1));
    sink.append(line(2));
    assertEquals(0, Files.size(file), "nothing is written before a flush or a spill");
    sink.close();
    assertEquals(2, Files.readAllLines(file).size());
  }

  private static void assertWholeLines(Path file, int appended) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) return;
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertEquals('\n', text.charAt(text.length() - 1),
        "after " + (appended + 1) + " appends the file ends mid-line: ["
            + text.substring(Math.max(0, text.length() - 60)) + "]");
  }
}
