package org.sidis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;

/** The benchmark contract's JSON file (DESIGN.md): {@code bench}, {@code params}, {@code rows}. */
final class BenchJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private BenchJson() {}

  /** A new document for {@code bench}, with an empty {@code params} object to fill. */
  static ObjectNode root(String bench) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("bench", bench);
    root.putObject("params");
    return root;
  }

  /** Writes {@code root} to the file {@code --json} named, if it named one, and says where. */
  static void write(JsonOption json, ObjectNode root, PrintStream out) throws IOException {
    if (json.file() == null) return;
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.file().toFile(), root);
    out.println("json: " + json.file());
  }
}
