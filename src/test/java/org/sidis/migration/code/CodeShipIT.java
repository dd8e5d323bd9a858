package org.sidis.migration.code;

import org.junit.jupiter.api.Test;
import org.sidis.demo.SidisProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sidis.demo.SidisProcess.await;

/**
 * Weak mobility between real JVMs: three {@code sidis node} processes. n1 holds a jar compiled
 * by this test (its classes on no node's class path) and pushes the unit to n2, which runs it
 * and answers n1 (sender-initiated); n3 lacks the unit and fetches it by name from a member that
 * has it, then runs it itself (receiver-initiated). Each result says where the code ran, and the
 * traces show who shipped and who loaded which digest.
 */
class CodeShipIT {

  /** Under target/it-runs, where CI lints every run's trace files against the contract. */
  private final Path dir = Path.of("target", "it-runs", "code-ship-" + System.currentTimeMillis()).toAbsolutePath();

  private Process node(String name, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", "--name", name, "--port", "0", "--trace-dir", dir.resolve("trace").toString()));
    args.addAll(List.of(more));
    return SidisProcess.start(dir, dir.resolve(name + ".out"), List.of("-Xmx256m"), args.toArray(String[]::new));
  }

  @Test
  void aUnitPushedToOneNodeAndFetchedByAnotherRunsOnEach() throws Exception {
    Files.createDirectories(dir);
    Path jar = dir.resolve("sort.jar");
    Files.write(jar, ShippedCode.jar(ShippedCode.compile(ShippedCode.SORT)));
    List<Process> nodes = new ArrayList<>();
    try {
      nodes.add(node("n1", "--set", "sidis.node.services=[code,code-run]", "--set", "sidis.migration.code.run.jar=\"" + jar + "\"",
          "--set", "sidis.migration.code.run.unit=sort", "--set", "sidis.migration.code.run.entry=\"" + ShippedCode.SORT_ENTRY + "\"",
          "--set", "sidis.migration.code.run.at=n2", "--set", "sidis.migration.code.run.input=[pear,apple,fig]"));
      String seeds = await(dir.resolve("n1.out"), Pattern.compile("others join it with --seeds (\\S+)"), 60).group(1);
      nodes.add(node("n2", "--seeds", seeds, "--set", "sidis.node.services=[code]"));
      nodes.add(node("n3", "--seeds", seeds, "--set", "sidis.node.services=[code,code-run]", "--set", "sidis.migration.code.run.unit=sort",
          "--set", "sidis.migration.code.run.at=n3", "--set", "sidis.migration.code.run.input=[y,x]"));

      await(dir.resolve("n1.out"), Pattern.compile(Pattern.quote("[sort] ran at [n2]: [apple, fig, pear, loader=code-unit-sort]")), 60);
      await(dir.resolve("n3.out"), Pattern.compile(Pattern.quote("[sort] ran at [n3]: [x, y, loader=code-unit-sort]")), 60);

      String digest = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, ShippedCode.compile(ShippedCode.SORT)).digest().hex();
      await(dir.resolve("trace").resolve("n1.jsonl"), Pattern.compile("\"event\":\"" + CodeEvents.SHIP + "\".*\"digest\":\"" + digest + "\""), 10);
      await(dir.resolve("trace").resolve("n2.jsonl"), Pattern.compile("\"event\":\"" + CodeEvents.LOAD + "\".*\"digest\":\"" + digest + "\".*\"peer\":\"n1\""), 10);
      await(dir.resolve("trace").resolve("n3.jsonl"), Pattern.compile("\"event\":\"" + CodeEvents.FETCH + "\""), 10);
      await(dir.resolve("trace").resolve("n3.jsonl"), Pattern.compile("\"event\":\"" + CodeEvents.LOAD + "\".*\"digest\":\"" + digest + "\""), 10);
      for (String n : List.of("n1", "n2", "n3"))
        assertTrue(!Files.readString(dir.resolve(n + ".out")).contains("refused code"), n + " refused code:\n" + Files.readString(dir.resolve(n + ".out")));
    } finally {
      for (Process p : nodes) p.destroy();
      for (Process p : nodes) if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
