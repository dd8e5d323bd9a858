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
 * {@code --config} file over conf/application.conf (in the jar) over Akka's reference.conf.
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
    return ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.parseMap(flags))
        .withFallback(settings)
        .withFallback(file)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

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
