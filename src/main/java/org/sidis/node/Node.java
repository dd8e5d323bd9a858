package org.sidis.node;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sidis node: an ActorSystem named {@value #SYSTEM} that is a member of the Akka Cluster,
 * with the {@link NodeGuardian} at its root. The config is layered: flags over the
 * {@code --config} file over conf/node.conf (the Akka settings of a node) over the reference
 * configs (sidis's conf/reference.conf with every sidis setting's default, and Akka's). A
 * {@code sidis.*} key that no reference defines is refused, naming it and the closest real one.
 */
public final class Node {
  public static final String SYSTEM = "sidis";

  private Node() {}

  /** What the node command line says. */
  public record Options(String name, String host, int port, List<String> seeds, Path configFile,
                        Path traceDir, Map<String, String> settings) {}

  public static Config config(Options o) {
    Map<String, Object> flags = new HashMap<>();
    flags.put("sidis.node.name", o.name());
    flags.put("akka.remote.artery.canonical.hostname", o.host());
    flags.put("akka.remote.artery.canonical.port", o.port());
    List<String> seeds = new ArrayList<>();
    for (String s : o.seeds()) seeds.add("akka://" + SYSTEM + "@" + s.trim());
    flags.put("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    flags.put("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of(org.sidis.membership.NodeNames.role(o.name()))));
    if (o.traceDir() != null) flags.put("sidis.trace.dir", o.traceDir().toString());
    Config settings = settings(o.settings());
    Config file = ConfigFactory.empty();
    if (o.configFile() != null) {
      if (!Files.isRegularFile(o.configFile()))
        throw new IllegalArgumentException("config file [" + o.configFile() + "] does not exist");
      file = ConfigFactory.parseFile(o.configFile().toFile());
    }
    Config given = ConfigFactory.parseMap(flags).withFallback(settings).withFallback(file);
    SettingKeys.check(given, file.origin() == null ? "the settings" : "config file [" + o.configFile() + "] or --set");
    return ConfigFactory.defaultOverrides()
        .withFallback(given)
        .withFallback(defaults())
        .resolve();
  }

  /**
   * What a node runs with when nothing is given: conf/node.conf (Akka as a sidis node uses it) over
   * the reference configs. Unresolved, so settings layered over it reach its substitutions.
   */
  public static Config defaults() {
    return ConfigFactory.defaultApplication()
        .withFallback(ConfigFactory.parseResources(Node.class.getClassLoader(), NODE_CONF))
        .withFallback(ConfigFactory.defaultReference());
  }

  /** The classpath resource of the node's Akka settings (conf/node.conf in the repository). */
  public static final String NODE_CONF = "conf/node.conf";

  /**
   * The command line's {@code --set key=value}s as one Config, each value in HOCON syntax (so
   * {@code [a, b]}, {@code 5s} and quoted strings work). Every command that takes {@code --set}
   * reads them through here.
   */
  public static Config settings(Map<String, String> sets) {
    Config settings = ConfigFactory.empty();
    for (Map.Entry<String, String> e : sets.entrySet()) {
      settings = settings.withFallback(ConfigFactory.parseString(e.getKey() + " = " + e.getValue()));
    }
    return settings;
  }

  /** Fails with a clear message when the port is taken, before Akka would fail with a long one. */
  public static void checkPortFree(String host, int port) {
    if (port == 0) return;
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " on " + host + " is already in use (" + e.getMessage() + ")");
    }
  }

  public static ActorSystem<NodeGuardian.Command> start(Config config, java.util.List<Service> services) {
    return ActorSystem.create(NodeGuardian.create(services), SYSTEM, config);
  }
}
