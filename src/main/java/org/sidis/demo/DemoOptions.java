package org.sidis.demo;

import java.util.List;
import java.util.Map;

/** The options of {@code sidis demo}, as the command line gave them, checked for their form. */
public record DemoOptions(int nodes, int messages, long seed, String mode, String topology,
                   Map<String, String> settings, List<String> jvmOptions) {

  static final List<String> DEFAULT_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

  /** The options of every node's JVM. */
  List<String> jvm() {
    return jvmOptions != null ? jvmOptions : DEFAULT_JVM;
  }
}
