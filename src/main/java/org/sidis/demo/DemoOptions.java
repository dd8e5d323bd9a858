package org.sidis.demo;

import org.sidis.gossip.Mode;
import org.sidis.multicast.Overlay;

import java.util.List;
import java.util.Map;

/**
 * The options of {@code sidis demo}, as the command line gave them, checked for their form and
 * already in their types: the gossip mode and the chat overlay were parsed once, at the command line.
 *
 * @param mode     the gossip demo's mode, or null for its config's
 * @param topology the chat demos' overlay, or null for the demo's config's
 * @param hosts    where the nodes run: loopback (the default) or a network namespace each
 * @param nemesis  the faults to inject during the workload, or null for none
 * @param tls      the directory of the cluster's TLS keys (every node gets {@code --tls} with it), or null for plain TCP
 */
public record DemoOptions(int nodes, int messages, long seed, Mode mode, Overlay.Topology topology,
                   Map<String, String> settings, List<String> jvmOptions, Hosts.Kind hosts, Nemesis.Plan nemesis,
                   java.nio.file.Path tls) {

  static final List<String> DEFAULT_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

  public DemoOptions {
    if (hosts == null) hosts = Hosts.Kind.LOOPBACK;
  }

  /** Over plain TCP. */
  public DemoOptions(int nodes, int messages, long seed, Mode mode, Overlay.Topology topology,
                     Map<String, String> settings, List<String> jvmOptions, Hosts.Kind hosts, Nemesis.Plan nemesis) {
    this(nodes, messages, seed, mode, topology, settings, jvmOptions, hosts, nemesis, null);
  }

  /** On loopback, without a nemesis. */
  public DemoOptions(int nodes, int messages, long seed, Mode mode, Overlay.Topology topology,
                     Map<String, String> settings, List<String> jvmOptions) {
    this(nodes, messages, seed, mode, topology, settings, jvmOptions, Hosts.Kind.LOOPBACK, null);
  }

  /** The options of every node's JVM. */
  List<String> jvm() {
    return jvmOptions != null ? jvmOptions : DEFAULT_JVM;
  }
}
