package org.sidis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands the README and the pages under {@code docs/} give, as a shell would see them:
 * every {@code bin/sidis ...} (or {@code java -jar target/sidis-bench.jar ...}) line of a fenced
 * code block, joined over backslash continuations, and every inline code span that is such a
 * command. Shared by {@link DocsCommandsTest}, which parses each one against the command tree,
 * and {@link DocsCommandsIT}, which runs each one in its quick form, so both judge the same list.
 */
final class DocsPages {

  private DocsPages() {}

  /** Where a command starts: the launcher, or the benchmark jar (same command tree, more peers). */
  private static final Pattern COMMAND_START =
      Pattern.compile("(?<![\\w/.-])(?:\\./)?(?:bin/sidis|java -jar target/sidis-bench\\.jar)(?=\\s|$)");

  private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");

  /** One page: its name for messages and its text. */
  record Page(String name, String text) {}

  /** One command found on a page, with its words after the program name. */
  record Found(String where, String command, List<String> args) {}

  /** Every command on a page: lines of fenced code blocks, and inline code spans, that start one. */
  static List<Found> commands(Page page) {
    List<Found> found = new ArrayList<>();
    String[] lines = page.text().split("\n", -1);
    boolean inBlock = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.strip().startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      int lineNo = i + 1;
      if (inBlock) {
        // A shell continuation joins the next lines into one command.
        StringBuilder joined = new StringBuilder(line);
        while (joined.toString().endsWith("\\") && i + 1 < lines.length) {
          joined.setLength(joined.length() - 1);
          joined.append(' ').append(lines[++i].strip());
        }
        Matcher m = COMMAND_START.matcher(joined);
        if (m.find()) found.add(found(page, lineNo, joined.substring(m.start()).strip(), joined.substring(m.end())));
      } else {
        Matcher span = INLINE_CODE.matcher(line);
        while (span.find()) {
          String code = span.group(1);
          Matcher m = COMMAND_START.matcher(code);
          // Only a span that is a command: the program first, after any VAR=value assignments,
          // or inside a process substitution (source <(bin/sidis completion)).
          if (m.find() && code.substring(0, m.start()).matches("(\\s*[A-Z_][A-Z0-9_]*=\\S*)*\\s*(source <\\()?")) {
            found.add(found(page, lineNo, code.substring(m.start()).strip(), code.substring(m.end())));
          }
        }
      }
    }
    return found;
  }

  private static Found found(Page page, int line, String command, String rest) {
    return new Found(page.name() + ":" + line, command, words(rest));
  }

  /**
   * The words of a shell command line as the shell would pass them: quotes and backslashes
   * removed; it stops at a comment or at the first pipe, list operator or redirection.
   */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) end = s.length();
        word.append(s, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < s.length() && s.charAt(j) != '"'; j++) {
          if (s.charAt(j) == '\\' && j + 1 < s.length() && "\"\\$`".indexOf(s.charAt(j + 1)) >= 0) j++;
          word.append(s.charAt(j));
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < s.length()) {
        word.append(s.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) words.add(word.toString());
        word.setLength(0);
        inWord = false;
      } else if ((c == '#' && !inWord) || "|;&<>()".indexOf(c) >= 0) {
        break;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) words.add(word.toString());
    return words;
  }

  static List<Page> pages() throws IOException {
    List<Page> pages = new ArrayList<>();
    for (Path file : pageFiles()) {
      pages.add(new Page(root().relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8)));
    }
    return pages;
  }

  /** README.md and every docs/*.md. */
  static List<Path> pageFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root().resolve("README.md"));
    try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  static Path root() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }
}
