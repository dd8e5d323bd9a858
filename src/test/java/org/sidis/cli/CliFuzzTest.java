package org.sidis.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random command lines, built from the real command tree (every command path and its
 * options, from picocli's model) and then broken: misspelled and misplaced options, values
 * dropped, doubled, negative, huge, unicode or garbage. Each line goes through sidis' own
 * parsing and checks (strict parsing, the usage-error handler, the --set key check) but no
 * command runs: the execution strategy stops after the checks, so no node, demo or bench starts.
 *
 * <p>The rule: a line is accepted (exit 0) or refused with exit 2 and an {@code error:} first
 * line on stderr; never a stack trace, an uncaught exception or another exit code. A failure
 * prints the seed, the case number and the exact argument vector, so it repeats.
 */
@Timeout(120)
class CliFuzzTest {

  private static final long SEED = Long.getLong("sidis.fuzz.seed", 0x5EED_C11L);
  private static final int CASES = 400;

  private static final String[] GARBAGE = {
      "", " ", "-", "--", "-1", "-2147483649", "2147483648", "99999999999999999999999", "1e309", "NaN", "0x10",
      "0", "1.5", "true", "null", "[", "]", "{", "}", "=", "==", "a=b=c", "sidis.x=1", "sidis.multicast.window=[",
      "sidis.multicast.window=\"", "akka.x=1", "${undefined}", "\u00e9\u4e2d\u0000\uD83D\uDE00", "\t\n", "%00",
      "../../etc/passwd", "/dev/null", "n1", "n1,n2,n3", ",,,", "127.0.0.1:0", "256.1.1.1:99999", "fifo", "FIFO",
      "causal", "total", "push,rumor", "5s", "-5s", "1000000h", "PT1S"};

  /** A command's path from the root and the options it takes. */
  record Command(List<String> path, List<OptionSpec> options) {}

  @Test
  void randomCommandLinesAreAcceptedOrRefusedWithExitTwoAndAnErrorLine() {
    List<Command> commands = new ArrayList<>();
    collect(Sidis.commandLine(), new ArrayList<>(), commands);
    List<OptionSpec> allOptions = commands.stream().flatMap(c -> c.options().stream()).toList();
    System.out.println("CliFuzzTest seed=" + SEED + " (rerun with -Dsidis.fuzz.seed=" + SEED + "), "
        + commands.size() + " commands, " + CASES + " cases");
    Random random = new Random(SEED);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      List<String> args = vector(random, commands, allOptions);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code;
      try {
        code = parseOnly(out, err, args.toArray(String[]::new));
      } catch (Throwable t) {
        fail(describe(i, args) + "\nthrew " + t, t);
        return;
      }
      String e = err.toString();
      String all = describe(i, args) + "\nexit " + code + "\n--- stdout\n" + out + "--- stderr\n" + e;
      if (e.contains("\tat ") || e.contains("java.lang.") || e.contains("Exception:") && !e.startsWith("error: ")) fail("a stack trace or raw exception\n" + all);
      if (code == 0) continue;
      if (code != ExitCodes.USAGE) fail("exit code is neither 0 nor " + ExitCodes.USAGE + "\n" + all);
      if (!e.startsWith("error: ")) fail("a refusal without an 'error:' first line\n" + all);
      refused++;
    }
    System.out.println("CliFuzzTest: " + refused + " of " + CASES + " lines refused with exit 2");
    // Negative control: the mutations must actually produce bad lines, or the test proves nothing.
    if (refused < CASES / 4) fail("only " + refused + " of " + CASES + " lines refused: the fuzzer is not mutating enough");
  }

  /**
   * Sidis' command line with its parsing and usage-error rules, but an execution strategy that
   * runs only the checks Sidis runs before a command (the --set keys), then stops.
   */
  private static int parseOnly(StringWriter outText, StringWriter errText, String... args) {
    PrintWriter out = new PrintWriter(outText);
    PrintWriter err = new PrintWriter(errText);
    CommandLine cmd = Sidis.commandLine();
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionStrategy(parsed -> {
      for (CommandLine c : parsed.asCommandLineList()) {
        for (Object mixin : c.getCommandSpec().mixins().values().stream().map(CommandSpec::userObject).toList()) {
          if (mixin instanceof SettingsOption s) s.check(c);
        }
      }
      return 0;
    });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static void collect(CommandLine c, List<String> path, List<Command> into) {
    into.add(new Command(List.copyOf(path), c.getCommandSpec().options()));
    for (var sub : c.getSubcommands().entrySet()) {
      if (sub.getValue().getCommandSpec().aliases().length > 0 && !sub.getKey().equals(sub.getValue().getCommandName())) continue;
      List<String> p = new ArrayList<>(path);
      p.add(sub.getKey());
      collect(sub.getValue(), p, into);
    }
  }

  private static List<String> vector(Random r, List<Command> commands, List<OptionSpec> allOptions) {
    Command c = commands.get(r.nextInt(commands.size()));
    List<String> args = new ArrayList<>(c.path());
    if (!args.isEmpty() && r.nextInt(10) == 0) args.set(r.nextInt(args.size()), mutateName(r, args.get(0)));
    int n = r.nextInt(6);
    for (int k = 0; k < n; k++) {
      OptionSpec o;
      if (c.options().isEmpty() || r.nextInt(6) == 0) o = allOptions.get(r.nextInt(allOptions.size())); // misplaced
      else o = c.options().get(r.nextInt(c.options().size()));
      if (o.usageHelp() || o.versionHelp()) continue; // help runs no check; it is not what is fuzzed here
      String name = o.names()[r.nextInt(o.names().length)];
      if (r.nextInt(8) == 0) name = mutateName(r, name);
      boolean takesValue = o.arity().max() > 0;
      int shape = r.nextInt(10);
      if (shape == 0) {
        args.add(name); // value dropped
      } else if (shape == 1 && takesValue) {
        args.add(name + "=" + value(r, o)); // attached form
      } else {
        args.add(name);
        if (takesValue) args.add(value(r, o));
        if (shape == 2) { // duplicated
          args.add(name);
          if (takesValue) args.add(value(r, o));
        }
      }
    }
    if (r.nextInt(5) == 0) args.add(r.nextInt(args.size() + 1), GARBAGE[r.nextInt(GARBAGE.length)]); // stray word
    return args;
  }

  private static String value(Random r, OptionSpec o) {
    int kind = r.nextInt(8);
    if (kind == 0) return "x".repeat(100_000); // huge
    if (kind == 1) return Integer.toString(-1 - r.nextInt(1000)); // negative
    if (kind == 2) return randomUnicode(r, 1 + r.nextInt(20));
    if (kind == 3 && o.completionCandidates() != null) {
      List<String> valid = new ArrayList<>();
      o.completionCandidates().forEach(valid::add);
      if (!valid.isEmpty()) return valid.get(r.nextInt(valid.size()));
    }
    if (kind == 4) return o.defaultValue() == null ? "1" : o.defaultValue();
    return GARBAGE[r.nextInt(GARBAGE.length)];
  }

  private static String mutateName(Random r, String name) {
    StringBuilder b = new StringBuilder(name);
    int at = r.nextInt(b.length());
    switch (r.nextInt(4)) {
      case 0 -> b.deleteCharAt(at);
      case 1 -> b.insert(at, (char) ('a' + r.nextInt(26)));
      case 2 -> b.setCharAt(at, (char) (0x20 + r.nextInt(0x5f)));
      default -> b.append(randomUnicode(r, 1));
    }
    return b.toString();
  }

  private static String randomUnicode(Random r, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) b.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x20) : 0x20 + r.nextInt(0x2FFFF - 0x20));
    return b.toString();
  }

  private static String describe(int i, List<String> args) {
    StringBuilder b = new StringBuilder("seed " + SEED + " case " + i + " args:");
    for (String a : args) b.append(" [").append(a.length() > 80 ? a.substring(0, 40) + "...(" + a.length() + " chars)" : a).append(']');
    return b.toString();
  }
}
