package org.sidis.demo;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the nodes of one {@code --hosts netns} run live: one /24 of 198.18.0.0/15 (the range
 * RFC 2544 reserves for benchmark tests, so no address of a real network is ever taken), the
 * bridge at {@code .254}, node {@code n<i>} at {@code .<i>}; and the names of the namespaces,
 * veths and bridge, all carrying the run's {@code tag} (the launcher's pid and a letter), so a
 * later run can tell its leftovers from a live run's and remove them.
 *
 * <p>Linux names a link with at most 15 characters (IFNAMSIZ 16, with the NUL): {@code sb} +
 * tag for the bridge, {@code sv} + tag + {@code h<i>} (root side) and {@code p<i>} (the side
 * moved into the namespace and renamed {@code eth0}) for the veths; a pid has at most 7 digits,
 * so the longest is {@code sv4194304ah253}, 14 characters.
 *
 * @param subnet which /24 of the 512 in 198.18.0.0/15: 0 is 198.18.0.0/24, 256 is 198.19.0.0/24
 * @param tag    the run's mark: digits (the launcher's pid) then one lower-case letter
 */
public record AddressPlan(int subnet, String tag) {

  /** Most nodes one /24 holds with the bridge at .254 (.0 and .255 are the network and broadcast). */
  public static final int MAX_NODES = 253;

  /** Every namespace this launcher makes is named {@code sidis-<tag>-<node>}. */
  public static final String NAMESPACE_PREFIX = "sidis-";

  private static final Pattern TAG = Pattern.compile("[0-9]{1,7}[a-z]");
  private static final Pattern NODE = Pattern.compile("n([0-9]{1,3})");
  private static final Pattern OUR_NAMESPACE = Pattern.compile("sidis-([0-9]{1,7})[a-z]-.+");
  private static final Pattern OUR_LINK = Pattern.compile("s[bv]([0-9]{1,7})[a-z](?:[hp][0-9]{1,3})?");

  public AddressPlan {
    if (subnet < 0 || subnet > 511) throw new IllegalArgumentException("subnet must be in 0..511 (a /24 of 198.18.0.0/15), got " + subnet);
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("tag must be up to 7 digits and a letter, got [" + tag + "]");
    }
  }

  /** The tag of launcher process {@code pid}'s {@code nth} netns run (a letter, cycling through a..z). */
  public static String tag(long pid, int nth) {
    return pid + String.valueOf((char) ('a' + Math.floorMod(nth, 26)));
  }

  /** The first three octets of the subnet, "198.18.0". */
  public String prefix() {
    return (198) + "." + (18 + subnet / 256) + "." + (subnet % 256);
  }

  /** The bridge's address in the root namespace, through which the launcher reaches the nodes. */
  public String bridgeAddress() {
    return prefix() + ".254";
  }

  public String bridge() {
    return "sb" + tag;
  }

  /** The node's index: {@code n<i>} with i in 1..253; anything else cannot be placed. */
  public static int index(String node) {
    Matcher m = NODE.matcher(node);
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > MAX_NODES) {
      throw new IllegalArgumentException("netns hosts place nodes named n1..n" + MAX_NODES + ", got [" + node + "]");
    }
    return Integer.parseInt(m.group(1));
  }

  public String address(String node) {
    return prefix() + "." + index(node);
  }

  public String namespace(String node) {
    return NAMESPACE_PREFIX + tag + "-" + node;
  }

  /** The veth's end that stays in the root namespace, enslaved to the bridge. */
  public String hostVeth(String node) {
    return "sv" + tag + "h" + index(node);
  }

  /** The veth's end moved into the node's namespace (then renamed {@code eth0}). */
  public String peerVeth(String node) {
    return "sv" + tag + "p" + index(node);
  }

  /**
   * The lowest /24 of 198.18.0.0/15 that no address in {@code inUse} (IPv4 addresses of this
   * machine's interfaces) falls into, so two runs at once never share a subnet; empty if all
   * 512 are taken.
   */
  public static Optional<Integer> freeSubnet(Collection<String> inUse) {
    boolean[] taken = new boolean[512];
    for (String a : inUse) {
      String[] o = a.split("[./]");
      if (o.length < 3 || !o[0].equals("198")) continue;
      try {
        int second = Integer.parseInt(o[1]), third = Integer.parseInt(o[2]);
        if ((second == 18 || second == 19) && third >= 0 && third < 256) taken[(second - 18) * 256 + third] = true;
      } catch (NumberFormatException ignored) {
        // not an address: nothing taken
      }
    }
    for (int k = 0; k < 512; k++) if (!taken[k]) return Optional.of(k);
    return Optional.empty();
  }

  /** The pid of the launcher that made namespace {@code name}, if it is one of ours. */
  public static Optional<Long> ownerOfNamespace(String name) {
    Matcher m = OUR_NAMESPACE.matcher(name);
    return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }

  /** The pid of the launcher that made link {@code name} (a bridge or veth end), if it is one of ours. */
  public static Optional<Long> ownerOfLink(String name) {
    Matcher m = OUR_LINK.matcher(name);
    return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }
}
