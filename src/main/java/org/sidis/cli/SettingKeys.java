package org.sidis.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The setting keys under {@code sidis.} that a configuration may name: the leaves of the
 * defaults every node starts from ({@code application.conf} in the jar, over each library's
 * {@code reference.conf}). A key is known when the defaults have it; the closest key to an
 * unknown one is the one fewest single-character edits away (Levenshtein distance).
 */
final class SettingKeys {

  static final String ROOT = "sidis";

  private static SettingKeys defaults;

  private final Config config;
  private final List<String> leaves;

  SettingKeys(Config config) {
    this.config = config;
    TreeSet<String> keys = new TreeSet<>();
    if (config.hasPath(ROOT)) {
      for (Map.Entry<String, ?> e : config.getConfig(ROOT).entrySet()) keys.add(ROOT + "." + e.getKey());
    }
    this.leaves = List.copyOf(keys);
  }

  /** The keys of the configuration a node starts from. */
  static synchronized SettingKeys defaults() {
    if (defaults == null) {
      defaults = new SettingKeys(ConfigFactory.defaultApplication().withFallback(ConfigFactory.defaultReference()).resolve());
    }
    return defaults;
  }

  /** The first key under {@code sidis.} that {@code given} sets and the defaults do not define. */
  Optional<String> unknown(Config given) {
    if (!given.hasPath(ROOT)) return Optional.empty();
    return given.getConfig(ROOT).entrySet().stream().map(e -> ROOT + "." + e.getKey()).sorted().filter(k -> !known(k)).findFirst();
  }

  /**
   * Whether the defaults define {@code key}, or a prefix of it that holds a list or a plain
   * value (a key below such a value would fail the settings' own parsing with its own message).
   */
  boolean known(String key) {
    if (config.hasPathOrNull(key)) return true;
    String prefix = key;
    while (prefix.contains(".")) {
      prefix = prefix.substring(0, prefix.lastIndexOf('.'));
      if (config.hasPathOrNull(prefix)) return config.getValue(prefix).valueType() != ConfigValueType.OBJECT;
    }
    return false;
  }

  /** The known key closest to {@code key}. */
  String closest(String key) {
    return leaves.stream().min(Comparator.comparingInt((String k) -> distance(k, key)).thenComparing(k -> k)).orElse(ROOT);
  }

  /** Levenshtein distance: the fewest insertions, deletions and substitutions that turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
