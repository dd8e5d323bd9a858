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
 */
public record DemoOptions(int nodes, int messages, long seed, Mode mode, Overlay.Topology topology,
                   Map<String, String> settings, List<String> jvmOptions) {

  static final List<String> DEFAULT_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

  /** The options of every node's JVM. */
  List<String> jvm() {
    return jvmOptions != null ? jvmOptions : DEFAULT_JVM;
  }
}
