package org.sidis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sidis.bench.RoundRows;

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

  /** One row of the contract from a measured row; the caller adds its {@code round}. */
  static ObjectNode row(ArrayNode rows, RoundRows.Row r) {
    ObjectNode o = rows.addObject();
    o.put("system", r.system());
    o.put("baseline", r.baseline());
    o.put("metric", r.metric());
    o.put("value", Math.round(r.value() * 1000) / 1000.0);
    o.put("unit", r.unit());
    return o;
  }

  /** Every round's rows ({@code "round": 1…n}), then one median row per system and metric ({@code "round": "median"}). */
  static void rounds(ArrayNode rows, RoundRows measured) {
    for (int round = 1; round <= measured.rounds(); round++) {
      for (RoundRows.Row r : measured.round(round)) row(rows, r).put("round", round);
    }
    for (RoundRows.Row r : measured.medianRows()) row(rows, r).put("round", "median");
  }

  /** Writes {@code root} to the file {@code --json} named, if it named one, and says where. */
  static void write(JsonOption json, ObjectNode root, PrintStream out) throws IOException {
    if (json.file() == null) return;
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.file().toFile(), root);
    out.println("json: " + json.file());
  }
}
