package org.sidis.cli;

import org.sidis.demo.BrokerDemo;
import org.sidis.demo.ChatDemo;
import org.sidis.demo.Demo;
import org.sidis.demo.DemoOptions;
import org.sidis.demo.DemoRun;
import org.sidis.demo.FaultMatrix;
import org.sidis.demo.FaultSchedule;
import org.sidis.demo.Hosts;
import org.sidis.demo.Nemesis;
import org.sidis.demo.Netns;
import org.sidis.demo.GossipDemo;
import org.sidis.demo.Launcher;
import org.sidis.demo.LogDemo;
import org.sidis.demo.MigrationDemo;
import org.sidis.demo.PlacementDemo;
import org.sidis.demo.PubsubDemo;
import org.sidis.demo.QueuesDemo;
import org.sidis.demo.RpcDemo;
import org.sidis.demo.ServersDemo;
import org.sidis.demo.StreamDemo;
import org.sidis.demo.SupervisionDemo;
import org.sidis.demo.TiersDemo;
import org.sidis.node.tls.KeyTool;
import org.sidis.node.tls.TlsDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sidis demo <name>}: a multi-JVM run on loopback with a verdict. The demo's settings
 * are {@code conf/<name>.conf} (from the working directory, else the copy inside the jar); a
 * copy goes into the run directory with the traces and logs, so a run can be read — and
 * repeated — from its directory alone. Each demo is a {@link Demo} of its own; this command
 * only checks the options, makes the run directory and hands over.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, modelTransformer = DemoCommand.ListDemos.class,
    description = "Run a multi-JVM demo on loopback or netns hosts, gather its logs and traces into runs/, and check them.")
public final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Every demo, in the order {@code --help} lists them. */
  private static final List<Demo> ALL = List.of(
      new ChatDemo("causal", "causal (chat with causal order)"),
      new ChatDemo("fifo", "fifo (the same chat with FIFO order only)"),
      new ChatDemo("total", "total (the chat with total order; the sequencer's JVM is killed with SIGKILL mid-run)"),
      new ChatDemo("overlay", "overlay (the FIFO chat disseminated over a tree or mesh overlay: --topology)"),
      new GossipDemo(),
      new RpcDemo(),
      new ServersDemo(),
      new QueuesDemo(),
      new LogDemo(),
      new BrokerDemo(),
      new PubsubDemo(),
      new SupervisionDemo(),
      new TiersDemo(),
      new MigrationDemo(),
      new PlacementDemo(),
      new StreamDemo());

  public static final List<String> DEMOS = ALL.stream().map(Demo::name).toList();

  @Parameters(index = "0", description = "Names the demo to run, one of: ${COMPLETION-CANDIDATES}.", completionCandidates = Names.class)
  String name;

  @Option(names = "--nodes", defaultValue = "3", description = "Number of JVMs (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--messages", defaultValue = "3000",
      description = "Messages multicast by the whole group; gossip: writes and deletes by all nodes; rpc: calls (default: ${DEFAULT-VALUE}).")
  int messages;

  @Option(names = "--mode", converter = Converters.DemoMode.class, completionCandidates = Converters.DemoModes.class,
      description = "Spreads the gossip demo's updates by push, pull, push-pull, rumor or flood (default: conf/gossip.conf's);"
          + " moves the migration demo's actor by pre-copy or stop-and-copy (default: pre-copy);"
          + " sets the stream demo's transmission by async, sync or isochronous (default: isochronous).")
  void mode(Object parsed) {
    mode = parsed;
    streamMode = parsed instanceof org.sidis.stream.Mode sm ? sm : null;
  }

  /** What {@code --mode} named, parsed into its type: a gossip Mode, a migration MoveMode or a stream Mode. */
  Object mode;

  @Option(names = "--moves", description = "Demo migration: how many times the actor moves (default: 10).")
  Integer moves;

  @Option(names = "--state", description = "Demos migration and placement: the moving actor's state, as HOCON bytes: 64MiB, 16MiB"
      + " (default: 64MiB; placement: 8MiB).")
  String state;

  @Option(names = "--policy", converter = Converters.PlacementPolicy.class, completionCandidates = Converters.PlacementPolicies.class,
      description = "Demo placement: why the placer moves the actor: load (off the busy node, to the least loaded) or locality"
          + " (next to the node that calls it) (default: load).")
  org.sidis.migration.Placement.Reason policy;

  /** The stream demo's transmission mode, when {@code --mode} named one. */
  org.sidis.stream.Mode streamMode;

  @Option(names = "--loss", description = "Demo stream: the probability that a datagram is lost at the receiving socket (default: 0.05).")
  Double loss;

  @Option(names = "--jitter", description = "Demo stream: each datagram is delayed by 0 .. this at the receiving socket, e.g. 30ms (default: 30ms).")
  String jitter;

  @Option(names = "--seconds", description = "Demo stream: the stream's length in seconds (default: 20).")
  Integer seconds;

  @Option(names = "--no-retransmit", description = "Demo stream: the sink asks for no missing frame (the plain datagram stream).")
  boolean noRetransmit;

  @Option(names = "--no-interleave", description = "Demo stream: consecutive frames go in one packet (one lost packet, a gap).")
  boolean noInterleave;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the network model and the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--timeout", defaultValue = "180s", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--runs-dir", defaultValue = "runs", description = "Where run directories go (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--topology", converter = Converters.MulticastTopology.class,
      completionCandidates = Converters.MulticastTopologies.class, description = "Chat demos: direct, tree or mesh (default: the demo's config; overlay: tree).")
  org.sidis.multicast.Overlay.Topology topology;

  @CommandLine.Mixin
  SettingsOption settings;

  @Option(names = "--jvm-opt", description = "An option for each node's JVM (repeatable; default: -Xmx384m -XX:+UseSerialGC).")
  List<String> jvmOptions;

  @Option(names = "--hosts", defaultValue = "loopback",
      description = "Runs the nodes on loopback (the default) or, with netns, each node's JVM in a Linux network namespace of its own, at 198.18.x.<i> on a"
          + " bridge (needs root and the ip command; everything made is removed afterwards).")
  String hosts;

  @Option(names = "--nemesis", description = "Inject faults during the workload: partition (iptables DROP between netns hosts),"
      + " pause (SIGSTOP then SIGCONT of a node's JVM), kill (SIGKILL, then a restart under the same name), or mix."
      + " Each fault is a line of faults.ndjson in the run directory.")
  String nemesis;

  @Option(names = "--nemesis-every", defaultValue = "10s", description = "A fault this often (default: ${DEFAULT-VALUE}).")
  String nemesisEvery;

  @Option(names = "--nemesis-for", defaultValue = "5s", description = "Each fault lasts this long (default: ${DEFAULT-VALUE}).")
  String nemesisFor;

  @Option(names = "--nemesis-count", defaultValue = "0", description = "At most this many faults (default: 0, no limit).")
  int nemesisCount;

  @Option(names = "--tls", arity = "0..1", paramLabel = "DIR", fallbackValue = FRESH_KEYS,
      description = "The nodes speak mutual TLS: with keys from DIR (made by 'sidis tls init DIR'), or, with --tls alone,"
          + " a new CA and node keys made in the run directory's tls/ (docs/security.md).")
  String tls;

  /** {@code --tls} without a directory: fresh keys in the run directory. */
  static final String FRESH_KEYS = "";

  @Option(names = "--json", description = "Also writes the fault matrix (demo faults), the table (demo tiers), the moves (demo migration) or the QoS report (demo stream) as JSON to this file.")
  Path json;

  @Option(names = "--servers", description = "Demo tiers: application servers, each its own JVM (default: conf/tiers.conf's, 3).")
  Integer servers;

  @Option(names = "--front-ends", description = "Demo tiers: front ends, each its own JVM with its own front door; the demo's"
      + " client alternates between the doors (default: conf/tiers.conf's, 1).")
  Integer frontEnds;

  @Option(names = "--requests", description = "Demo tiers: requests per reply mode and policy (default: conf/tiers.conf's, 1000).")
  Integer requests;

  @Option(names = "--reply-size", description = "Demo tiers: the size of each document, as HOCON bytes: 64KiB, 4096 (default: conf/tiers.conf's, 64KiB).")
  String replySize;

  @Option(names = "--keep-running", description = "Demo broker: once the run is done, keeps the cluster and its HTTP gateway up"
      + " until stdin closes or SIGTERM (the gateway's address and token file are printed); sets sidis.demo.broker.keep-running."
      + " Demo tiers: keeps the cluster and its front door (printed as 'front door: URL') up the same way.")
  boolean keepRunning;

  @Option(names = "--long", description = "Runs the long fault matrix: more messages, a fault every 10s for 5s throughout (demo faults only).")
  boolean longMatrix;

  @Option(names = "--rows", paramLabel = "DEMO:FAULT,...", description = "Runs only these rows of the fault matrix, in this order,"
      + " e.g. queues:pause,log:pause (demo faults only).")
  String rows;

  static final class Names extends ArrayList<String> {
    Names() {
      super(DEMOS);
      add(FaultMatrix.NAME);
    }
  }

  /** Adds each demo's line to {@code --help}'s description, from the demos themselves. */
  static final class ListDemos implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
      lines.add("Demos:");
      for (Demo d : ALL) lines.add("  " + d.description());
      lines.add("  " + FaultMatrix.NAME + " (total, causal, queues, log and gossip on netns hosts under partition, pause and kill:"
          + " one table, --json FILE, --long, --rows DEMO:FAULT,...)");
      spec.usageMessage().description(lines.toArray(String[]::new));
      return spec;
    }
  }

  @Override
  public Integer call() {
    if (name.equals(FaultMatrix.NAME)) return faults();
    Demo demo = ALL.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
    if (demo == null) return refused("unknown demo [" + name + "]; known: " + String.join(", ", DEMOS));
    String notTaken = notTaken(demo);
    if (notTaken != null) return refused(notTaken);
    String unfit = demo instanceof MigrationDemo ? migrationSettings()
        : demo instanceof PlacementDemo ? placementSettings()
        : demo instanceof StreamDemo ? streamSettings()
        : demo instanceof TiersDemo ? tiersSettings()
        : null;
    if (unfit != null) return refused(unfit);
    if (nodes < 1) return refused("--nodes must be at least 1, got " + nodes);
    if (messages < 0) return refused("--messages must not be negative, got " + messages);
    org.sidis.gossip.Mode gossipMode = mode instanceof org.sidis.gossip.Mode g ? g : null;
    if (keepRunning) settings.asMap().put("sidis.demo." + name + ".keep-running", "on");
    Duration limit;
    try {
      limit = Duration.parse("PT" + timeout.toUpperCase());
    } catch (RuntimeException e) {
      return refused("--timeout [" + timeout + "] is not a duration like 180s or 5m");
    }
    Hosts.Kind hostKind;
    Nemesis.Plan plan = null;
    try {
      hostKind = Hosts.Kind.parse(hosts);
      if (nemesis != null) {
        plan = new Nemesis.Plan(FaultSchedule.Mode.parse(nemesis), duration("--nemesis-every", nemesisEvery),
            duration("--nemesis-for", nemesisFor), nemesisCount);
      }
    } catch (IllegalArgumentException e) {
      return refused(e.getMessage());
    }
    if (plan != null && plan.mode() == FaultSchedule.Mode.PARTITION && hostKind != Hosts.Kind.NETNS) {
      return refused("--nemesis partition cuts the network between hosts: it needs --hosts netns (loopback hosts share one network)");
    }
    if (hostKind == Hosts.Kind.NETNS) {
      String why = Netns.refusal(plan != null && plan.mode() == FaultSchedule.Mode.PARTITION);
      if (why != null) return refused(why);
    }
    List<String> tlsNames = tlsNames(nodes);
    if (tls != null && !tls.equals(FRESH_KEYS)) {
      List<String> missing = new TlsDir(Path.of(tls)).missing(tlsNames);
      if (!missing.isEmpty()) {
        return refused("--tls " + tls + " has no " + String.join(", ", missing) + "; make them with: sidis tls init " + tls
            + " --nodes " + String.join(",", tlsNames));
      }
    }
    DemoOptions probe = new DemoOptions(nodes, messages, seed, gossipMode, topology, settings.asMap(), jvmOptions, hostKind, plan);
    String refusal = demo.refuse(probe);
    if (refusal != null) return refused(refusal);
    Path runDir = Launcher.newRunDir(runsDir, name);
    Path tlsDir = null;
    if (tls != null) {
      tlsDir = tls.equals(FRESH_KEYS) ? runDir.resolve("tls") : Path.of(tls);
      if (tls.equals(FRESH_KEYS)) {
        System.out.println("tls: making a CA and keys for " + String.join(", ", tlsNames) + " in " + tlsDir);
        try {
          new KeyTool(new TlsDir(tlsDir), new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).init(tlsNames, false);
        } catch (RuntimeException e) {
          System.err.println("error: cannot make the TLS keys: " + e.getMessage());
          return ExitCodes.FAILED;
        }
      }
    }
    DemoOptions options = new DemoOptions(nodes, messages, seed, gossipMode, topology, settings.asMap(), jvmOptions, hostKind, plan, tlsDir);
    Path conf = runDir.resolve("conf").resolve(name + ".conf");
    try {
      copyDemoConfig(name, conf);
    } catch (IOException e) {
      return refused("cannot copy the settings of demo [" + name + "]: " + e.getMessage());
    }
    try {
      return demo.run(new DemoRun(System.out, runDir, conf, limit, options));
    } catch (IllegalStateException e) {
      // Making the netns hosts failed (the launcher undid what it made): say which command and why.
      if (e.getMessage() != null && e.getMessage().startsWith("netns hosts")) return refused(e.getMessage());
      throw e;
    }
  }

  /** Demo stream's options as settings for both nodes; the reason they are refused, or null. */
  /** The options that only some demos take: each demo says which of them it takes ({@link Demo#takes()}). */
  private static final List<String> DEMO_SPECIFIC = List.of("--mode", "--topology", "--json", "--moves", "--state", "--policy",
      "--loss", "--jitter", "--seconds", "--no-retransmit", "--no-interleave", "--servers", "--front-ends", "--requests",
      "--reply-size", "--keep-running", "--long", "--rows");

  /** What the fault matrix, which is not a {@link Demo}, takes of {@link #DEMO_SPECIFIC}. */
  private static final java.util.Set<String> FAULTS_TAKE = java.util.Set.of("--json", "--long", "--rows");

  /**
   * The one check of demo-specific options: the first option given that {@code demo} does not
   * take, named with the demos that take it; or a {@code --mode} value of another demo's kind;
   * null when every option given fits.
   */
  private String notTaken(Demo demo) {
    String option = notTaken(demo.takes());
    if (option != null) return option;
    if (mode == null) return null;
    String modeDemo;
    String word;
    if (mode instanceof org.sidis.gossip.Mode g) {
      modeDemo = "gossip";
      word = g.id();
    } else if (mode instanceof org.sidis.migration.MoveMode m) {
      modeDemo = "migration";
      word = m.word();
    } else {
      modeDemo = "stream";
      word = streamMode.word();
    }
    if (!modeDemo.equals(demo.name())) {
      return "--mode " + word + " is for demo " + modeDemo + " only; demo " + demo.name()
          + (demo instanceof GossipDemo ? " spreads by push, pull, push-pull, rumor or flood"
              : demo instanceof MigrationDemo ? " moves by pre-copy or stop-and-copy" : " sends async, sync or isochronous");
    }
    return null;
  }

  /** The first demo-specific option given that is not in {@code takes}, named with the demos that take it; or null. */
  private String notTaken(java.util.Set<String> takes) {
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    for (String option : DEMO_SPECIFIC) {
      if (given.hasMatchedOption(option) && !takes.contains(option)) {
        List<String> takers = new ArrayList<>(ALL.stream().filter(d -> d.takes().contains(option)).map(Demo::name).toList());
        if (FAULTS_TAKE.contains(option)) takers.add(FaultMatrix.NAME);
        return option + " is for demo" + (takers.size() > 1 ? "s " : " ") + andList(takers) + " only";
      }
    }
    return null;
  }

  /** "a", "a and b", "a, b and c". */
  private static String andList(List<String> names) {
    if (names.size() < 2) return String.join("", names);
    return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  /** Demo migration's options into its settings; why they do not fit, or null. */
  private String migrationSettings() {
    java.util.Map<String, String> m = settings.asMap();
    if (moves != null && moves < 1) return "--moves must be at least 1, got " + moves;
    if (moves != null) m.put("sidis.demo.migration.moves", String.valueOf(moves));
    String unfit = stateSetting(m);
    if (unfit != null) return unfit;
    if (mode instanceof org.sidis.migration.MoveMode move) m.put("sidis.demo.migration.mode", move.word());
    if (json != null) m.put("sidis.demo.migration.json", com.fasterxml.jackson.databind.node.TextNode.valueOf(
        json.toAbsolutePath().toString()).toString());
    return null;
  }

  /** {@code --state} into the moving actor's state size; why it does not fit, or null. */
  private String stateSetting(java.util.Map<String, String> m) {
    if (state == null) return null;
    try {
      long bytes = com.typesafe.config.ConfigFactory.parseString("b = \"" + state.replace("\"", "") + "\"").getBytes("b");
      if (bytes < 64 * 1024 || bytes > 1024L * 1024 * 1024) return "--state must be 64 KiB .. 1 GiB, got " + state;
      m.put("sidis.migration.state-size", String.valueOf(bytes));
      return null;
    } catch (com.typesafe.config.ConfigException e) {
      return "--state [" + state + "] is not a size like 64MiB or 16MiB";
    }
  }

  /** Demo placement's options into its settings; why they do not fit, or null. */
  private String placementSettings() {
    java.util.Map<String, String> m = settings.asMap();
    if (policy != null) m.put("sidis.demo.placement.policy", policy.word());
    return stateSetting(m);
  }

  /** Demo tiers' options into its settings; why they do not fit, or null. */
  private String tiersSettings() {
    java.util.Map<String, String> m = settings.asMap();
    if (servers != null && (servers < 1 || servers > 16)) return "--servers must be 1 .. 16, got " + servers;
    if (frontEnds != null && (frontEnds < 1 || frontEnds > 4)) return "--front-ends must be 1 .. 4, got " + frontEnds;
    if (requests != null && requests < 1) return "--requests must be at least 1, got " + requests;
    if (frontEnds != null) m.put("sidis.demo.tiers.front-ends", String.valueOf(frontEnds));
    if (servers != null) m.put("sidis.demo.tiers.servers", String.valueOf(servers));
    if (requests != null) m.put("sidis.demo.tiers.requests", String.valueOf(requests));
    if (replySize != null) {
      try {
        long bytes = com.typesafe.config.ConfigFactory.parseString("b = \"" + replySize.replace("\"", "") + "\"").getBytes("b");
        if (bytes < 16 || bytes > 128 * 1024) return "--reply-size must be 16 B .. 128 KiB, got " + replySize;
        m.put("sidis.tiers.document-size", String.valueOf(bytes));
      } catch (com.typesafe.config.ConfigException e) {
        return "--reply-size [" + replySize + "] is not a size like 64KiB or 4096";
      }
    }
    if (json != null) m.put("sidis.demo.tiers.json", com.fasterxml.jackson.databind.node.TextNode.valueOf(
        json.toAbsolutePath().toString()).toString());
    return null;
  }

  private String streamSettings() {
    java.util.Map<String, String> m = settings.asMap();
    if (loss != null) {
      if (!(loss >= 0 && loss < 1)) return "--loss must be in [0, 1), got " + loss;
      m.put("sidis.net.loss", String.valueOf(loss));
    } else m.putIfAbsent("sidis.net.loss", "0.05");
    String j = jitter == null ? "30ms" : jitter;
    long jitterMs;
    try {
      jitterMs = com.typesafe.config.ConfigFactory.parseString("j = \"" + j.replace("\"", "") + "\"").getDuration("j").toMillis();
    } catch (com.typesafe.config.ConfigException e) {
      return "--jitter [" + j + "] is not a duration like 30ms";
    }
    if (jitterMs < 0 || jitterMs > 1000) return "--jitter must be 0 .. 1s, got " + j;
    if (jitter != null || !m.containsKey("sidis.net.delay-max")) {
      m.put("sidis.net.delay-min", "0ms");
      m.put("sidis.net.delay-max", jitterMs + "ms");
      // admission reckons with the jitter the path is known to have
      m.put("sidis.stream.link.jitter", jitterMs + "ms");
    }
    if (seconds != null) {
      if (seconds < 1 || seconds > 3600) return "--seconds must be 1 .. 3600, got " + seconds;
      m.put("sidis.stream.length", seconds + "s");
    }
    if (streamMode != null) m.put("sidis.stream.contract.mode", streamMode.word());
    if (noRetransmit) m.put("sidis.stream.retransmit", "off");
    if (noInterleave) m.put("sidis.stream.interleave", "off");
    if (json != null) m.put("sidis.demo.stream.json", com.fasterxml.jackson.databind.node.TextNode.valueOf(json.toAbsolutePath().toString()).toString());
    return null;
  }

  /** {@code demo faults}: the fault matrix on netns hosts. */
  private int faults() {
    String notTaken = notTaken(FAULTS_TAKE);
    if (notTaken != null) return refused(notTaken);
    FaultMatrix matrix = new FaultMatrix(System.out, runsDir, longMatrix, seed, jvmOptions, this::demo, DemoCommand::copyDemoConfig);
    try {
      matrix.check(rows);
    } catch (IllegalArgumentException e) {
      return refused(e.getMessage());
    }
    String why = Netns.refusal(true);
    if (why != null) return refused("demo " + FaultMatrix.NAME + " runs every demo on netns hosts: " + why);
    return matrix.run(json, rows);
  }

  private Demo demo(String demoName) {
    return ALL.stream().filter(d -> d.name().equals(demoName)).findFirst().orElseThrow();
  }

  /**
   * The nodes a demo with {@code nodes} nodes may start: n1 … n{@code nodes}, and at least n1 … n4,
   * since some demos start a fixed number of nodes (pubsub: three and a late joiner).
   */
  static List<String> tlsNames(int nodes) {
    return TlsDir.numbered(Math.max(nodes, 4));
  }

  private static Duration duration(String option, String text) {
    try {
      return Duration.parse("PT" + text.toUpperCase());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " [" + text + "] is not a duration like 10s or 1m");
    }
  }

  private static int refused(String why) {
    System.err.println("error: " + why);
    return 2;
  }

  static void copyDemoConfig(String name, Path to) throws IOException {
    Path onDisk = Path.of("conf", name + ".conf");
    if (Files.isRegularFile(onDisk)) {
      Files.copy(onDisk, to);
      return;
    }
    try (InputStream in = DemoCommand.class.getResourceAsStream("/conf/" + name + ".conf")) {
      if (in == null) throw new IOException("no conf/" + name + ".conf on disk or in the jar");
      Files.copy(in, to);
    }
  }
}
