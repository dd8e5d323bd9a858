package org.sidis.cli;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sidis.multicast.Order;
import org.sidis.node.Node;
import org.w3c.dom.Document;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line is strict and says what it wants: usage errors go to stderr with exit code
 * 2 and name the closest valid word; options arrive typed; the version is the build's. No test
 * here starts a JVM or a benchmark: each stops at a usage error, help, or the parsed model.
 */
@Timeout(60)
class SidisCommandLineTest {

  /** One run of the command line: its exit code and what it wrote. */
  record Run(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run sidis(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Sidis.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void bareSidisPrintsTheUsageOnStderrAndExitsWithTheUsageCode() {
    Run run = sidis();
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("Usage: sidis") && run.err().contains("bench") && run.err().contains("completion"), run.all());
    assertEquals("", run.out(), run.all());
  }

  @Test
  void bareBenchIsAUsageErrorNamingTheWorkloads() {
    Run run = sidis("bench");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("multicast, broadcast, rpc, queue, log"), run.all());
  }

  @Test
  void aMisspelledOptionIsAUsageErrorThatSuggestsTheClosestOption() {
    Run run = sidis("bench", "multicast", "--sise", "100");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().startsWith("error: Unknown options: '--sise'"), run.all());
    assertTrue(run.err().contains("did you mean: --size"), run.all());
    assertTrue(run.err().contains("Try 'sidis bench multicast --help'"), run.all());
    assertEquals("", run.out(), run.all());
  }

  @Test
  void anOptionBeforeItsSubcommandIsAUsageError() {
    Run run = sidis("--order", "fifo", "bench", "multicast");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().startsWith("error: Unknown options: '--order'"), run.all());
    assertTrue(run.err().contains("--order is an option of: sidis bench multicast"), run.all());
  }

  @Test
  void aMisspelledSubcommandSuggestsTheClosestOne() {
    Run run = sidis("bench", "multicats");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("did you mean: multicast"), run.all());
  }

  @Test
  void keepRunningIsForTheBrokerAndTiersDemosOnly() {
    Run run = sidisCatchingStderr("demo", "causal", "--keep-running");
    assertEquals(2, run.code(), run.all());
    assertTrue(run.err().startsWith("error: --keep-running is for demos broker and tiers only"), run.all());
  }

  @Test
  void theTiersDemosOptionsAreCheckedBeforeAnythingStarts() {
    for (String[] args : List.of(new String[] {"demo", "causal", "--servers", "3"}, new String[] {"demo", "tiers", "--servers", "0"},
        new String[] {"demo", "tiers", "--requests", "0"}, new String[] {"demo", "tiers", "--reply-size", "5 parsecs"},
        new String[] {"demo", "tiers", "--reply-size", "1GiB"}, new String[] {"demo", "causal", "--json", "x.json"})) {
      Run run = sidisCatchingStderr(args);
      assertEquals(2, run.code(), String.join(" ", args) + ": " + run.all());
      assertTrue(run.err().startsWith("error: --"), String.join(" ", args) + ": " + run.all());
    }
  }

  @Test
  void theStreamDemosOptionsAreCheckedBeforeAnythingStartsAndModeIsTheStreamsOrTheGossips() {
    for (String[] args : List.of(new String[] {"demo", "stream", "--loss", "1.5"}, new String[] {"demo", "stream", "--jitter", "loud"},
        new String[] {"demo", "stream", "--seconds", "0"}, new String[] {"demo", "causal", "--no-retransmit"},
        new String[] {"demo", "gossip", "--mode", "sync"}, new String[] {"demo", "stream", "--mode", "rumor"})) {
      Run run = sidisCatchingStderr(args);
      assertEquals(2, run.code(), String.join(" ", args) + ": " + run.all());
      assertTrue(run.err().startsWith("error: "), String.join(" ", args) + ": " + run.all());
    }
    assertTrue(sidisCatchingStderr("demo", "gossip", "--mode", "sync").err().contains("--mode sync is for demo stream only"));
    assertTrue(sidisCatchingStderr("demo", "stream", "--mode", "rumor").err()
        .contains("--mode rumor is for demo gossip only; demo stream sends async, sync or isochronous"));
    CommandLine.ParseResult parsed = Sidis.commandLine().parseArgs("demo", "stream", "--mode", "sync");
    DemoCommand stream = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertEquals(org.sidis.stream.Mode.SYNC, stream.streamMode);
    Run neither = sidis("demo", "stream", "--mode", "loud");
    assertEquals(ExitCodes.USAGE, neither.code(), neither.all());
    assertTrue(neither.err().contains("or async, sync, isochronous (demo stream)"), neither.all());
  }

  /** A run that also catches what the command wrote to System.err: its own refusals go there, not to picocli's writer. */
  static Run sidisCatchingStderr(String... args) {
    java.io.PrintStream was = System.err;
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    Run run;
    try {
      System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
      run = sidis(args);
    } finally {
      System.setErr(was);
    }
    return new Run(run.code(), run.out(), run.err() + said.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void peersInTheDefaultJarIsAUsageErrorSayingHowToBuildThem() {
    // The default jar carries no peer (JGroups is benchmark-only): the command says so before starting any JVM.
    Run r = sidisCatchingStderr("bench", "multicast", "--peers", "--runs-dir", "target/unused-runs");
    assertEquals(ExitCodes.USAGE, r.code(), r.all());
    assertTrue(r.err().contains("error: --peers needs JGroups, which is benchmark-only")
        && r.err().contains("mvn -B -Pbench-peers -DskipTests package"), r.all());
  }

  @Test
  void zeroRoundsIsAUsageError() {
    for (String bench : List.of("multicast", "rpc", "queue", "tiers", "stream", "migration")) {
      Run r = sidisCatchingStderr("bench", bench, "--rounds", "0");
      assertEquals(ExitCodes.USAGE, r.code(), bench + ": " + r.all());
      assertTrue(r.err().contains("error: --rounds must be at least 1, got 0"), bench + ": " + r.all());
    }
  }

  @Test
  void benchMigrationRefusesABadWriteRateInASweepNamingIt() {
    Run bad = sidisCatchingStderr("bench", "migration", "--write-rate", "0,4MiB,fast");
    assertEquals(ExitCodes.USAGE, bad.code(), bad.all());
    assertTrue(bad.err().contains("error: --write-rate [fast] is not a size per second like 4MiB or 0"), bad.all());
    Run negative = sidisCatchingStderr("bench", "migration", "--write-rate", "4MiB,-1");
    assertEquals(ExitCodes.USAGE, negative.code(), negative.all());
    assertTrue(negative.err().contains("error: --write-rate [-1] is not a size per second"), negative.all());
    Run huge = sidisCatchingStderr("bench", "migration", "--write-rate", "4MiB,2GiB");
    assertEquals(ExitCodes.USAGE, huge.code(), huge.all());
    assertTrue(huge.err().contains("error: --write-rate must be 0 .. 1 GiB per second, got 2GiB"), huge.all());
    Run twice = sidisCatchingStderr("bench", "migration", "--write-rate", "4MiB,0,4096KiB");
    assertEquals(ExitCodes.USAGE, twice.code(), twice.all());
    assertTrue(twice.err().contains("error: --write-rate takes distinct rates, got [4096KiB] twice in [4MiB, 0, 4096KiB]"), twice.all());
  }

  @Test
  void aDemoSpecificOptionIsRefusedByEveryDemoThatDoesNotTakeItNamingThoseThatDo() {
    Run json = sidisCatchingStderr("demo", "causal", "--json", "x.json");
    assertEquals(2, json.code(), json.all());
    assertTrue(json.err().startsWith("error: --json is for demos tiers, migration, stream and faults only"), json.all());
    Run servers = sidisCatchingStderr("demo", "faults", "--servers", "3");
    assertEquals(2, servers.code(), servers.all());
    assertTrue(servers.err().startsWith("error: --servers is for demo tiers only"), servers.all());
    Run topology = sidisCatchingStderr("demo", "gossip", "--topology", "tree");
    assertTrue(topology.err().startsWith("error: --topology is for demos causal, fifo, total and overlay only"), topology.all());
    Run moves = sidisCatchingStderr("demo", "stream", "--moves", "2");
    assertTrue(moves.err().startsWith("error: --moves is for demo migration only"), moves.all());
    Run policy = sidisCatchingStderr("demo", "migration", "--policy", "load");
    assertEquals(2, policy.code(), policy.all());
    assertTrue(policy.err().startsWith("error: --policy is for demo placement only"), policy.all());
    Run state = sidisCatchingStderr("demo", "causal", "--state", "4MiB");
    assertTrue(state.err().startsWith("error: --state is for demos migration and placement only"), state.all());
  }

  @Test
  void demoPlacementRefusesAnUnknownPolicyAndABadStateNamingWhatFits() {
    Run policy = sidisCatchingStderr("demo", "placement", "--policy", "random");
    assertEquals(2, policy.code(), policy.all());
    assertTrue(policy.err().contains("unknown placement policy [random]: expected load, locality"), policy.all());
    Run state = sidisCatchingStderr("demo", "placement", "--state", "1GB?");
    assertEquals(2, state.code(), state.all());
    assertTrue(state.err().contains("--state [1GB?] is not a size"), state.all());
    Run nodes = sidisCatchingStderr("demo", "placement", "--nodes", "4");
    assertEquals(2, nodes.code(), nodes.all());
    assertTrue(nodes.err().contains("demo placement runs exactly 3 nodes"), nodes.all());
  }

  @Test
  void demoFaultsRefusesAnUnknownRowListingTheValidOnesAndRowsElsewhere() {
    Run unknown = sidisCatchingStderr("demo", "faults", "--rows", "queues:flood");
    Run elsewhere = sidisCatchingStderr("demo", "causal", "--rows", "queues:pause");
    assertEquals(2, unknown.code(), unknown.all());
    assertEquals(2, elsewhere.code(), elsewhere.all());
    assertTrue(unknown.err().contains("error: --rows: unknown row [queues:flood]; valid rows: total:partition,"), unknown.all());
    assertTrue(elsewhere.err().contains("error: --rows is for demo faults only"), elsewhere.all());
  }

  @Test
  void anUnknownSetKeyIsAUsageErrorNamingTheClosestKey() {
    Run run = sidis("bench", "multicast", "--set", "sidis.multicast.windw=5", "--help");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("unknown setting [sidis.multicast.windw]"), run.all());
    assertTrue(run.err().contains("did you mean [sidis.multicast.window]?"), run.all());
    // The same line with the key spelt right passes the check and shows the help.
    Run known = sidis("bench", "multicast", "--set", "sidis.multicast.window=5", "--help");
    assertEquals(ExitCodes.OK, known.code(), known.all());
  }

  @Test
  void everyCommandThatTakesSetChecksItsKeys() {
    for (String[] command : List.of(new String[] {"node", "--name", "n1"}, new String[] {"demo", "causal"},
        new String[] {"sim", "gossip"}, new String[] {"bench", "broadcast"}, new String[] {"bench", "rpc"})) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--set", "sidis.gossip.rumor.p-stpo=0.5", "--help"));
      Run run = sidis(args.toArray(String[]::new));
      assertEquals(ExitCodes.USAGE, run.code(), String.join(" ", args) + "\n" + run.all());
      assertTrue(run.err().contains("did you mean [sidis.gossip.rumor.p-stop]?"), run.all());
    }
  }

  @Test
  void setKeysOutsideSidisAndWholeListsOrObjectsAreAccepted() {
    for (String[] set : List.of(new String[] {"akka.loglevel", "DEBUG"},
        new String[] {"sidis.multicast.groups", "[{name = bench, order = fifo}]"},
        new String[] {"sidis.net", "{loss = 0.1, delay-max = 40ms}"})) {
      Run run = sidis("bench", "broadcast", "--set", set[0] + "=" + set[1], "--help");
      assertEquals(ExitCodes.OK, run.code(), run.all());
    }
    Run inside = sidis("bench", "broadcast", "--set", "sidis.net={los = 0.1}", "--help");
    assertEquals(ExitCodes.USAGE, inside.code(), inside.all());
    assertTrue(inside.err().contains("unknown setting [sidis.net.los]"), inside.all());
  }

  @Test
  void aSetValueThatIsNotHoconIsAUsageError() {
    Run run = sidis("bench", "multicast", "--set", "sidis.multicast.window=[1,", "--help");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("is not a HOCON setting"), run.all());
  }

  @Test
  void theVersionIsThePomVersion() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String version = null;
    for (org.w3c.dom.Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeName().equals("version")) version = n.getTextContent().trim();
    }
    Run run = sidis("--version");
    assertEquals(ExitCodes.OK, run.code(), run.all());
    assertEquals("sidis " + version, run.out().strip(), run.all());
  }

  @Test
  void theCompletionScriptNamesEverySubcommandAndOption() {
    Run run = sidis("completion");
    assertEquals(ExitCodes.OK, run.code(), run.all());
    assertTrue(run.out().contains("complete -F"), run.all());
    List<String> missing = new ArrayList<>();
    forEachCommand(Sidis.commandLine(), c -> {
      if (!run.out().contains(c.getCommandName())) missing.add(c.getCommandSpec().qualifiedName());
      for (OptionSpec o : c.getCommandSpec().options()) {
        if (!o.hidden() && !run.out().contains(o.longestName())) missing.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
      }
    });
    assertEquals(List.of(), missing, "not in the completion script");
  }

  @Test
  void eachBenchWorkloadRejectsTheOptionsOfTheOthers() {
    CommandLine sidis = Sidis.commandLine();
    Map<String, CommandLine> workloads = sidis.getSubcommands().get("bench").getSubcommands();
    assertEquals(Set.of("multicast", "broadcast", "rpc", "queue", "log", "tiers", "stream", "migration", "all"), workloads.keySet());
    int pairs = 0;
    for (Map.Entry<String, CommandLine> a : workloads.entrySet()) {
      Set<String> own = names(a.getValue().getCommandSpec());
      for (CommandLine b : workloads.values()) {
        for (String option : names(b.getCommandSpec())) {
          if (own.contains(option)) continue;
          pairs++;
          List<String> args = List.of("bench", a.getKey(), option, "1");
          assertThrows(CommandLine.UnmatchedArgumentException.class, () -> sidis.parseArgs(args.toArray(String[]::new)),
              "sidis " + String.join(" ", args) + " was accepted");
        }
      }
    }
    assertTrue(pairs > 20, "pairs checked: " + pairs);
    // End to end: the error and the exit code (were --order accepted, rpc would refuse --calls 1 with another message).
    Run run = sidis("bench", "rpc", "--order", "fifo", "--calls", "1");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("Unknown options: '--order'"), run.all());
    assertTrue(run.err().contains("--order is an option of: sidis bench multicast"), run.all());
  }

  @Test
  void benchQueueMeasuresOneKindOrBothButNotBothFlags() {
    Run run = sidis("bench", "queue", "--persistent", "--transient");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("mutually exclusive"), run.all());
  }

  @Test
  void aBadConfigProfileIsAUsageErrorNamingIt() {
    Run run = sidis("bench", "rpc", "--config", "no-such-profile.conf");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("config profile [no-such-profile.conf] not found"), run.all());
  }

  @Test
  void documentedBenchCommandLinesStillParse() {
    for (String line : List.of(
        "bench multicast --order fifo --size 100",
        "bench multicast --order total --nodes 5 --set sidis.multicast.topology=tree --set sidis.multicast.fanout=2 --json x.json",
        "bench broadcast --nodes 25 --latency 100 --rate 100 --duration 20 --scenarios healthy,partitioned --partition-every 10"
            + " --partition-for 5 --mode flood --overlay star --interval 40ms --backup 1s --wait 30 --seed 1 --json x.json",
        "bench rpc --jvms 2 --size 100 --calls 20000 --workers 1,4,16,32 --handler-ms 10 --config latency.conf --runs-dir r --json x.json",
        "bench log --size 100 --window 100 --warmup 5 --duration 10 --json x.json",
        "bench queue --persistent --size 1024 --window 100 --consumers 8 --batch 100 --prefetch 100 --warmup 5 --duration 10 --json x.json",
        "bench queue --transient --size 256 --warmup 0 --duration 1")) {
      CommandLine.ParseResult parsed = Sidis.commandLine().parseArgs(line.split(" "));
      assertFalse(parsed.asCommandLineList().isEmpty(), line);
    }
  }

  @Test
  void theOrderIsParsedOnceIntoItsTypeAndTravelsAsTheGroupsConfigKey() {
    CommandLine cmd = Sidis.commandLine();
    CommandLine.ParseResult parsed = cmd.parseArgs("bench", "multicast", "--order", "FIFO");
    BenchMulticastCommand bench = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    assertEquals(Order.FIFO, bench.order);
    // The node reads back, from the --set arguments a child JVM gets, the order the command line parsed.
    for (Order order : Order.values()) {
      List<String> args = NodeArgs.sets(bench.phaseSettings(List.of("multicast", "bench-multicast"), order, new BenchMulticastCommand.Cell(3, 100)));
      Map<String, String> sets = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i += 2) {
        assertEquals("--set", args.get(i), args.toString());
        String[] kv = args.get(i + 1).split("=", 2);
        sets.put(kv[0], kv[1]);
      }
      Config node = Node.settings(sets);
      // Every key a bench gives its nodes is one sidis defines: the node would refuse it otherwise.
      org.sidis.node.SettingKeys.check(node, "bench multicast's node settings");
      Config group = node.getConfigList("sidis.multicast.groups").get(0);
      assertEquals(order, Order.parse(group.getString("order")), args.toString());
      assertEquals(node.getString("sidis.bench.group"), group.getString("name"), args.toString());
      assertEquals(5, node.getDuration("sidis.bench.warmup").toSeconds(), args.toString());
    }
  }

  @Test
  void aWordThatIsNoOrderIsAUsageErrorListingTheOrders() {
    Run run = sidis("bench", "multicast", "--order", "lamport");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("expected fifo, causal or total"), run.all());
  }

  @Test
  void simsRumorOptionsArriveInTheirTypes() {
    CommandLine.ParseResult parsed = Sidis.commandLine().parseArgs("sim", "gossip", "--mode", "push,rumor", "--stop", "counter",
        "--feedback", "off", "--overlay", "mesh");
    SimCommand sim = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertEquals(List.of(org.sidis.gossip.Mode.PUSH, org.sidis.gossip.Mode.RUMOR), sim.modes);
    assertEquals(org.sidis.gossip.GossipSettings.Stop.COUNTER, sim.stop);
    assertEquals(Boolean.FALSE, sim.feedback);
    assertEquals(org.sidis.gossip.Overlay.MESH, sim.overlay);
    Run run = sidis("sim", "gossip", "--feedback", "maybe");
    assertEquals(ExitCodes.USAGE, run.code(), run.all());
    assertTrue(run.err().contains("[maybe] is neither on nor off"), run.all());
  }

  @Test
  void theDemosModeAndTopologyArriveInTheirTypes() {
    CommandLine.ParseResult parsed = Sidis.commandLine().parseArgs("demo", "overlay", "--topology", "TREE");
    DemoCommand overlay = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertEquals(org.sidis.multicast.Overlay.Topology.TREE, overlay.topology);
    parsed = Sidis.commandLine().parseArgs("demo", "gossip", "--mode", "push-pull");
    DemoCommand gossip = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertEquals(org.sidis.gossip.Mode.PUSH_PULL, gossip.mode);
    Run ring = sidis("demo", "causal", "--topology", "ring");
    assertEquals(ExitCodes.USAGE, ring.code(), ring.all());
    assertTrue(ring.err().contains("expected direct, tree or mesh"), ring.all());
    Run mode = sidis("demo", "gossip", "--mode", "gossip");
    assertEquals(ExitCodes.USAGE, mode.code(), mode.all());
    assertTrue(mode.err().contains("expected one of push, pull, push-pull, rumor, flood"), mode.all());
  }

  @Test
  void everyHelpListsTheExitCodes() {
    forEachCommand(Sidis.commandLine(), c -> {
      String usage = c.getUsageMessage();
      assertTrue(usage.contains("Exit codes:"), usage);
      String promise = c.getCommandName().equals("inspect") ? "The --json file could not be written." : "Usage error";
      assertTrue(usage.contains(promise), usage);
    });
  }

  @Test
  void everyOptionDescriptionIsAWholeSentence() {
    List<String> fragments = new ArrayList<>();
    forEachCommand(Sidis.commandLine(), c -> {
      List<ArgSpec> args = new ArrayList<>(c.getCommandSpec().options());
      args.addAll(c.getCommandSpec().positionalParameters());
      for (ArgSpec a : args) {
        String text = String.join(" ", a.description()).strip();
        boolean sentence = !text.isEmpty() && Character.isUpperCase(text.charAt(0)) && text.endsWith(".");
        if (!sentence) fragments.add(c.getCommandSpec().qualifiedName() + " " + a.paramLabel() + ": [" + text + "]");
      }
    });
    assertEquals(List.of(), fragments, "descriptions that are not whole sentences");
  }

  private static Set<String> names(CommandSpec spec) {
    return spec.options().stream().flatMap(o -> java.util.Arrays.stream(o.names())).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void forEachCommand(CommandLine c, java.util.function.Consumer<CommandLine> action) {
    action.accept(c);
    for (CommandLine sub : c.getSubcommands().values()) forEachCommand(sub, action);
  }
}
