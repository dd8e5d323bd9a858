package org.sidis.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.sidis.node.Node;
import org.sidis.node.SettingKeys;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --set key=value}, shared by every command that runs nodes or reads sidis' settings.
 * Each value is HOCON ({@code [a, b]}, {@code 5s}, quoted strings). A key under {@code sidis.}
 * must be one sidis' defaults define ({@link SettingKeys}): a misspelt key would otherwise be ignored and
 * the run would use the default without a word. {@link Sidis#commandLine()} checks the keys
 * before any command runs.
 */
public final class SettingsOption {

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides one setting for this run, the value in HOCON (5s, [a, b], \"text\"); the key must be one"
          + " that sidis' defaults (conf/reference.conf) define. Repeat the option for more settings.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The settings as the command line gave them, in order. */
  public Map<String, String> asMap() {
    return settings;
  }

  /** The settings as one Config (checked by {@link #check}), to put over a node's or a benchmark's defaults. */
  public Config asConfig() {
    return Node.settings(settings);
  }

  /** A usage error naming the first unknown {@code sidis.} key and the closest known one, or a value that is not HOCON. */
  void check(CommandLine cmd) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Config one;
      try {
        one = Node.settings(Map.of(e.getKey(), e.getValue()));
      } catch (ConfigException bad) {
        throw new ParameterException(cmd, "--set " + e.getKey() + "=" + e.getValue() + " is not a HOCON setting: " + bad.getMessage());
      }
      try {
        SettingKeys.check(one, "--set");
      } catch (IllegalArgumentException unknown) {
        throw new ParameterException(cmd, unknown.getMessage());
      }
    }
  }
}
