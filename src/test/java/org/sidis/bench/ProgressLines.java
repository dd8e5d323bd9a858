package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sidis.wire.Progress;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The progress lines ({@link Progress}) a bench part prints, captured from System.out and parsed. */
final class ProgressLines {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProgressLines() {
  }

  /** Runs {@code body} with System.out captured; returns the progress lines it printed, parsed. */
  static List<JsonNode> printedBy(Runnable body) throws Exception {
    PrintStream was = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(was);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(Progress.PREFIX)) lines.add(JSON.readTree(line.substring(Progress.PREFIX.length())));
    }
    return lines;
  }
}
