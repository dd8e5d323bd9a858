package org.sidis.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings for a child node's command line. A bench builds them as a typed {@link Config}
 * (values from {@code ConfigValueFactory}, not text glued together) and this renders each
 * leaf as one {@code --set key=value}, the value in JSON, which HOCON reads back as it was.
 */
final class NodeArgs {

  private NodeArgs() {}

  /** {@code --set key=value} for every leaf of {@code settings}, in key order. */
  static List<String> sets(Config settings) {
    Map<String, ConfigValue> leaves = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : settings.entrySet()) leaves.put(e.getKey(), e.getValue());
    List<String> args = new ArrayList<>();
    leaves.forEach((key, value) -> {
      args.add("--set");
      args.add(key + "=" + value.render(ConfigRenderOptions.concise()));
    });
    return args;
  }

  /** {@code --set key=value} for each of the command line's own {@code --set}s, as given. */
  static List<String> sets(Map<String, String> given) {
    List<String> args = new ArrayList<>();
    given.forEach((key, value) -> {
      args.add("--set");
      args.add(key + "=" + value);
    });
    return args;
  }
}
