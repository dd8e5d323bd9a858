package org.sidis.cli;

import org.sidis.node.tls.KeyTool;
import org.sidis.node.tls.TlsDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sidis tls init DIR}: the keys of a cluster that speaks mutual TLS (docs/security.md). */
@Command(name = "tls", mixinStandardHelpOptions = true,
    description = "Makes the keys for mutual TLS between nodes: 'tls init DIR' creates a CA and a key per node with the JDK's keytool.",
    subcommands = TlsCommand.Init.class)
public final class TlsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Bare {@code tls}: a usage error naming what it can do. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is needed: " + String.join(", ", spec.subcommands().keySet()));
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Creates a cluster CA in DIR (unless DIR has one) and a key and certificate signed by it for each node "
          + "that has none, with the JDK's keytool: ca.pem, ca.p12 and ca.password (the CA: keep ca.p12 off the nodes), "
          + "and NAME.p12, NAME.password and NAME.pem per node. A node needs ca.pem, NAME.p12 and NAME.password.",
          "Run it again on the same DIR to add nodes; --renew replaces the named nodes' keys (rotation)."})
  static final class Init implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory of the keys (made if missing).")
    Path dir;

    @Option(names = "--nodes", paramLabel = "N|NAMES", defaultValue = "3",
        description = "A count (nodes n1 … nN) or comma-separated node names, e.g. n1,n2,edge (default: ${DEFAULT-VALUE}).")
    String nodes;

    @Option(names = "--renew", description = "Replaces the keys of the named nodes that already have one, signed by the same CA.")
    boolean renew;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      List<String> names = names(spec, nodes);
      try {
        List<String> made = new KeyTool(new TlsDir(dir), System.out).init(names, renew);
        System.out.println("tls: " + made.size() + " node key(s) made in " + dir + "; start each node with --tls " + dir);
        return ExitCodes.OK;
      } catch (RuntimeException e) {
        System.err.println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }

  /** {@code --nodes}: a count or names; a bad one is a usage error. */
  static List<String> names(CommandSpec spec, String nodes) {
    if (nodes.matches("\\d+")) {
      int count;
      try {
        count = Integer.parseInt(nodes);
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count < 1 || count > 1000) throw new ParameterException(spec.commandLine(), "--nodes must be 1..1000 or names, got " + nodes);
      return TlsDir.numbered(count);
    }
    List<String> names = new ArrayList<>(new LinkedHashSet<>(List.of(nodes.split(","))));
    for (String n : names) {
      if (!n.matches("[A-Za-z0-9_-]+")) {
        throw new ParameterException(spec.commandLine(), "node name [" + n + "] in --nodes must be letters, digits, '-' or '_'");
      }
    }
    return names;
  }
}
