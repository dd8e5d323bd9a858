package org.sidis.gossip;

import java.util.Collection;

/**
 * Which nodes keep a key's dormant death certificate: the {@code r} members with the highest
 * score for the key (rendezvous hashing). Every node computes it alone from the membership it
 * sees; when views agree, exactly r nodes keep each certificate, and a key's keepers change
 * little when one member comes or goes. {@link String#hashCode()} is fixed by the Java
 * language, so every JVM computes the same scores.
 */
public final class Keepers {

  private Keepers() {}

  public static boolean isKeeper(String key, String node, Collection<String> members, int r) {
    if (r <= 0) return false;
    long mine = score(key, node);
    int higher = 0;
    for (String m : members) {
      if (m.equals(node)) continue;
      long s = score(key, m);
      if (s > mine || (s == mine && m.compareTo(node) < 0)) {
        if (++higher >= r) return false;
      }
    }
    return true;
  }

  /** The keepers of {@code key} among {@code members}, highest score first. */
  public static java.util.List<String> of(String key, Collection<String> members, int r) {
    return members.stream().filter(m -> isKeeper(key, m, members, r)).sorted((a, b) -> {
      int c = Long.compare(score(key, b), score(key, a));
      return c != 0 ? c : a.compareTo(b);
    }).toList();
  }

  static long score(String key, String node) {
    long h = key.hashCode() * 0x9E3779B97F4A7C15L ^ (node.hashCode() + 0x632BE59BD9B4E019L);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
