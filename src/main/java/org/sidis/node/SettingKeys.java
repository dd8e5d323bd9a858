package org.sidis.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses a {@code sidis.*} setting that no reference config defines: a typo such as
 * {@code sidis.multicast.windw} would otherwise be ignored in silence, and the node would run
 * with the default the user meant to change. The error names the key and the closest real one.
 */
public final class SettingKeys {

  private SettingKeys() {}

  /** Every {@code sidis.*} key the reference configs define (sidis's defaults). */
  public static Set<String> known() {
    Set<String> keys = new TreeSet<>();
    Config ref = ConfigFactory.defaultReference();
    if (ref.hasPath("sidis")) for (Map.Entry<String, ConfigValue> e : ref.getConfig("sidis").entrySet()) keys.add("sidis." + e.getKey());
    return keys;
  }

  /** Throws {@link IllegalArgumentException} for the first {@code sidis.*} key of {@code given} that is unknown. */
  public static void check(Config given, String where) {
    if (!given.hasPathOrNull("sidis")) return;
    Set<String> known = known();
    Set<String> prefixes = new TreeSet<>();
    for (String k : known) {
      for (int i = k.indexOf('.'); i > 0; i = k.indexOf('.', i + 1)) prefixes.add(k.substring(0, i));
    }
    for (Map.Entry<String, ConfigValue> e : given.getConfig("sidis").entrySet()) {
      String key = "sidis." + e.getKey();
      // A key the reference defines, or one under a setting whose default is an empty object.
      if (known.contains(key) || prefixes.contains(key) || underKnownLeaf(key, known)) continue;
      throw new IllegalArgumentException("unknown setting [" + key + "] in " + where + "; did you mean [" + closest(key, known) + "]?");
    }
  }

  /** A key below one the reference holds as a whole value (an object map such as a list of rules' fields). */
  private static boolean underKnownLeaf(String key, Set<String> known) {
    for (int i = key.lastIndexOf('.'); i > 0; i = key.lastIndexOf('.', i - 1)) {
      if (known.contains(key.substring(0, i))) return true;
    }
    return false;
  }

  /** The known key at the smallest edit distance from {@code key}. */
  public static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
