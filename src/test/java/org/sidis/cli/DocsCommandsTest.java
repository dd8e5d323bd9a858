package org.sidis.cli;

import org.junit.jupiter.api.Test;
import org.sidis.cli.DocsPages.Found;
import org.sidis.cli.DocsPages.Page;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sidis.cli.DocsPages.commands;
import static org.sidis.cli.DocsPages.pageFiles;
import static org.sidis.cli.DocsPages.pages;
import static org.sidis.cli.DocsPages.root;

/**
 * The README and the pages under {@code docs/} write every command as {@code bin/sidis ...}
 * (or, for the benchmark peers, {@code java -jar target/sidis-bench.jar ...}, the same program).
 * This test finds every such command line — in fenced code blocks and in inline code spans
 * ({@link DocsPages}) — and parses it with picocli against the real command tree, without running it: a renamed or removed
 * subcommand or option, or a value of the wrong type, fails here with the page and line. It also
 * keeps the pages' other promises: no {@code java -jar target/sidis.jar} left (the launcher is how
 * commands are written), relative links that resolve, a short front page, no work-item numbers,
 * and CI running exactly the README's test command.
 */
final class DocsCommandsTest {

  /** The front page's budget: a newcomer reads it in five minutes; the rest lives in docs/. */
  private static final int README_MAX_BYTES = 10 * 1024;

  @Test
  void everyDocumentedCommandParsesAgainstTheRealCommandTree() throws IOException {
    List<Found> found = new ArrayList<>();
    for (Page page : pages()) found.addAll(commands(page));
    // The pages hold dozens of commands; a broken extractor finding none would pass vacuously.
    assertTrue(found.size() >= 30, "expected at least 30 documented commands, found " + found.size() + ": " + found);
    List<String> failures = failures(found);
    assertTrue(failures.isEmpty(), failures.size() + " documented command(s) do not parse:\n  "
        + String.join("\n  ", failures));
  }

  /** Negative control: the same extraction and parse reject a misspelt option and a bad value. */
  @Test
  void aMisspeltOptionOrABadValueOnAPageIsCaught() {
    Page page = new Page("x.md", """
        Run `bin/sidis demo causal --nodes 3` first.

        ```
        bin/sidis demo causal --nodez 3     # misspelt
        SIDIS_PG_URL=jdbc:postgresql://h/db bin/sidis bench queue --persistent --config conf/postgres.conf
        bin/sidis demo total \\
          --nodes five
        bin/sidis inspect runs/x --shiviz | less
        ```
        Or `bin/sidis frobnicate`. Completion: `source <(bin/sidis completion)`; not `echo bin/sidis x`.
        """);
    List<Found> found = commands(page);
    assertEquals(List.of(
        List.of("demo", "causal", "--nodes", "3"),
        List.of("demo", "causal", "--nodez", "3"),
        List.of("bench", "queue", "--persistent", "--config", "conf/postgres.conf"),
        List.of("demo", "total", "--nodes", "five"),
        List.of("inspect", "runs/x", "--shiviz"),
        List.of("frobnicate"),
        List.of("completion")), found.stream().map(Found::args).toList(), "what was extracted: " + found);
    List<String> failures = failures(found);
    assertEquals(3, failures.size(), "expected the misspelt option, the bad number and the unknown command: " + failures);
    assertTrue(failures.get(0).startsWith("x.md:4:") && failures.get(0).contains("--nodez"), failures.get(0));
    assertTrue(failures.get(1).startsWith("x.md:6:") && failures.get(1).contains("five"), failures.get(1));
    assertTrue(failures.get(2).startsWith("x.md:10:") && failures.get(2).contains("frobnicate"), failures.get(2));
  }

  @Test
  void commandsAreWrittenWithTheLauncher() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Page page : pages()) {
      String[] lines = page.text().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].contains("target/sidis.jar ") && lines[i].contains("java -jar")) {
          offenders.add(page.name() + ":" + (i + 1) + ": " + lines[i].strip());
        }
        if (lines[i].matches(".*(?<![\\w/])demos/\\w+\\.sh.*")) offenders.add(page.name() + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    assertTrue(offenders.isEmpty(), "write commands as bin/sidis ... (the launcher builds the jar):\n  "
        + String.join("\n  ", offenders));
  }

  @Test
  void relativeLinksResolve() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    for (Path file : pageFiles()) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher m = link.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) continue;
        String path = target.replaceAll("#.*$", "");
        Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!Files.exists(linked)) {
          broken.add(root().relativize(file) + ": " + target);
        } else if (target.contains("#") && linked.toString().endsWith(".md")) {
          String anchor = target.substring(target.indexOf('#') + 1);
          List<String> anchors = anchors(Files.readString(linked, StandardCharsets.UTF_8));
          if (!anchors.contains(anchor)) {
            broken.add(root().relativize(file) + ": " + target + " (no such heading; there are " + anchors + ")");
          }
        }
      }
    }
    assertTrue(broken.isEmpty(), "links to files that do not exist:\n  " + String.join("\n  ", broken));
  }

  /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
  static List<String> anchors(String markdown) {
    List<String> anchors = new ArrayList<>();
    boolean inBlock = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.strip().startsWith("```")) inBlock = !inBlock;
      if (inBlock || !line.matches("#{1,6} .*")) continue;
      String slug = line.replaceFirst("^#+ ", "").strip().toLowerCase(java.util.Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      String unique = slug;
      for (int n = 1; anchors.contains(unique); n++) unique = slug + "-" + n;
      anchors.add(unique);
    }
    return anchors;
  }

  @Test
  void anchorsAreGitHubs() {
    assertEquals(List.of("total-order", "topics-publishsubscribe", "gossip-stores-gossip", "benchmark", "benchmark-1"),
        anchors("# Total order\n```\n# not a heading\n```\n## Topics (publish/subscribe)\n### Gossip stores (`gossip`)\n"
            + "## Benchmark\n### Benchmark\n"));
  }

  @Test
  void theReadmeIsAFrontPage() throws IOException {
    long size = Files.size(root().resolve("README.md"));
    assertTrue(size <= README_MAX_BYTES, "README.md has " + size + " bytes, over the front page's "
        + README_MAX_BYTES + ": move reference text to docs/");
  }

  @Test
  void noPageNamesWorkItems() throws IOException {
    Pattern workItem = Pattern.compile("(?i)\\bissues?\\s+#?\\d+|(?<![\\w&/])#\\d+\\b");
    List<String> offenders = new ArrayList<>();
    for (Page page : pages()) {
      String[] lines = page.text().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (workItem.matcher(lines[i]).find()) offenders.add(page.name() + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    assertTrue(offenders.isEmpty(), "pages describe features, not work items:\n  " + String.join("\n  ", offenders));
  }

  /** CI runs exactly the test command the README's first code block gives. */
  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    String readme = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```[^\\n]*\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(), "README.md has no code block");
    String testCommand = block.group(1).lines()
        .map(l -> l.replaceAll("\\s+#.*$", "").strip())
        .filter(l -> l.startsWith("mvn "))
        .findFirst().orElseThrow(() -> new AssertionError("README's first code block has no mvn command: " + block.group(1)));
    List<String> ci = Files.readAllLines(root().resolve(".ci/run"), StandardCharsets.UTF_8).stream().map(String::strip).toList();
    assertTrue(ci.contains(testCommand), ".ci/run does not run the README's test command [" + testCommand + "]");
  }

  // ---- extraction and parsing ------------------------------------------------------------------

  /** Each found command that picocli refuses, as {@code page:line: command -> reason}. */
  static List<String> failures(List<Found> found) {
    List<String> failures = new ArrayList<>();
    for (Found f : found) {
      try {
        CommandLine.ParseResult result = new CommandLine(new Sidis()).parseArgs(f.args().toArray(String[]::new));
        boolean standalone = f.args().isEmpty() || f.args().stream().allMatch(a -> a.startsWith("-"));
        if (!standalone && !result.hasSubcommand()) {
          failures.add(f.where() + ": " + f.command() + " -> names no subcommand");
        }
      } catch (CommandLine.ParameterException e) {
        failures.add(f.where() + ": " + f.command() + " -> " + e.getMessage());
      }
    }
    return failures;
  }
}
