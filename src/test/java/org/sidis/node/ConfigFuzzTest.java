package org.sidis.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.fault.Supervision;
import org.sidis.gossip.GossipSettings;
import org.sidis.mom.BrokerSettings;
import org.sidis.mom.LogSettings;
import org.sidis.mom.QueueSettings;
import org.sidis.multicast.MulticastSettings;
import org.sidis.multicast.Order;
import org.sidis.net.NetworkModel;
import org.sidis.rpc.RpcSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutations of the shipped conf/*.conf files — cut off, characters flipped, known sidis.*
 * keys given the wrong type, huge or negative numbers, unknown keys — read the way
 * {@code bin/sidis node --config FILE} reads them: {@link Node#config} and then every settings
 * class' fromConfig that the node command and the services call at start.
 *
 * <p>The rule: a file is accepted, or refused with an IllegalArgumentException or a
 * ConfigException whose message names the file or a key; never a NullPointerException,
 * ClassCastException or any other crash. A failure prints the seed, the case and the mutation.
 */
@Timeout(300)
class ConfigFuzzTest {

  private static final long SEED = Long.getLong("sidis.fuzz.seed", 0x5EED_C0FL);
  private static final int CASES = 300;

  private static final String[] WRONG = {
      "\"abc\"", "\"\"", "[1, 2]", "[]", "{ a = 1 }", "{}", "-1", "0", "-9223372036854775808", "99999999999999999999999",
      "1e309", "-1e309", "NaN", "true", "null", "5 parsecs", "-5s", "1000000000d", "\"\\u0000\"", "[[[[[[[[1]]]]]]]]",
      "${undefined.key}", "\"${sidis.node.name}\"", "9999999999GiB", "\"" + "x".repeat(10_000) + "\""};

  @TempDir
  Path dir;

  @Test
  void mutatedShippedConfigsAreAcceptedOrRefusedWithAMessageNamingTheFileOrKey() throws IOException {
    List<Path> shipped;
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      shipped = files.filter(p -> p.toString().endsWith(".conf") && !p.getFileName().toString().equals("reference.conf")).sorted().toList();
    }
    // Every leaf under sidis.* that the defaults know, with its type: the keys a wrong value is put on.
    List<Map.Entry<String, ConfigValue>> leaves = new ArrayList<>(Node.defaults().resolve().getConfig("sidis").entrySet());
    leaves.sort(Map.Entry.comparingByKey());
    System.out.println("ConfigFuzzTest seed=" + SEED + " (rerun with -Dsidis.fuzz.seed=" + SEED + "), " + shipped.size()
        + " files, " + leaves.size() + " sidis.* keys, " + CASES + " cases");
    Random random = new Random(SEED);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      Path source = shipped.get(random.nextInt(shipped.size()));
      String text = Files.readString(source, StandardCharsets.UTF_8);
      StringBuilder what = new StringBuilder();
      String mutated = mutate(random, text, leaves, what);
      Path file = dir.resolve("case-" + i + "-" + source.getFileName());
      Files.writeString(file, mutated, StandardCharsets.UTF_8);
      String described = "seed " + SEED + " case " + i + ": " + source + " with " + what + " (the file: " + file + ")";
      try {
        readAsTheNodeCommandDoes(file);
      } catch (IllegalArgumentException | ConfigException e) {
        String m = String.valueOf(e.getMessage());
        // A wrong type for a key that conf/node.conf substitutes (seed 1 case 57: sidis.node.store-dir = [1])
        // fails at resolve naming conf/node.conf's line that uses it, not the user's file or key:
        // accepted here as naming a file, but a weaker message than the others (issue 18 item 5 report).
        boolean named = m.contains(file.getFileName().toString()) || m.contains("sidis.") || m.contains("akka.") || namesAKey(m, leaves)
            || m.contains("conf/node.conf");
        if (!named) fail(described + "\nrefused without naming the file or a key: " + e, e);
        refused++;
      } catch (RuntimeException | StackOverflowError e) {
        fail(described + "\ncrashed with " + e, e);
      }
    }
    System.out.println("ConfigFuzzTest: " + refused + " of " + CASES + " files refused");
    if (refused < CASES / 4) fail("only " + refused + " of " + CASES + " files refused: the mutations are not biting");
  }

  /** What {@code sidis node --config FILE} and the services check before and at start (NodeCommand, *Service). */
  static void readAsTheNodeCommandDoes(Path file) {
    Config config = Node.config(new Node.Options("n1", "127.0.0.1", 0, List.of(), file, null, Map.of()));
    config.getStringList("sidis.node.services");
    QueueSettings queues = QueueSettings.fromConfig(config.getConfig("sidis.mom"));
    queues.checkFrame(config.getBytes("akka.remote.artery.advanced.maximum-frame-size"));
    BrokerSettings.fromConfig(config.getConfig("sidis.mom"));
    LogSettings.fromConfig(config.getConfig("sidis.mom.log"));
    Supervision.fromConfig(config.getConfig("sidis.node"));
    RpcSettings.fromConfig(config.getConfig("sidis.rpc"));
    GossipSettings.fromConfig(config.getConfig("sidis.gossip"));
    NetworkModel.fromConfig(config.getConfig("sidis.net"), 1);
    org.sidis.tiers.TiersSettings.fromConfig(config.getConfig("sidis.tiers"));
    org.sidis.server.ServerSettings.fromConfig(config.getConfig("sidis.server"));
    Config mc = config.getConfig("sidis.multicast");
    for (Config g : mc.getConfigList("groups")) {
      String name = g.getString("name");
      MulticastSettings.fromConfig(mc, name, Order.parse(g.getString("order")));
    }
  }

  private static boolean namesAKey(String message, List<Map.Entry<String, ConfigValue>> leaves) {
    for (Map.Entry<String, ConfigValue> e : leaves) {
      String last = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
      if (message.contains(last)) return true;
    }
    return false;
  }

  private static String mutate(Random r, String text, List<Map.Entry<String, ConfigValue>> leaves, StringBuilder what) {
    switch (r.nextInt(6)) {
      case 0 -> {
        int at = r.nextInt(text.length() + 1);
        what.append("cut off at char ").append(at);
        return text.substring(0, at);
      }
      case 1 -> {
        StringBuilder b = new StringBuilder(text);
        int n = 1 + r.nextInt(5);
        what.append(n).append(" chars flipped at");
        String syntax = "{}[]=:\"\\$,#\n+.";
        for (int k = 0; k < n && b.length() > 0; k++) {
          int at = r.nextInt(b.length());
          char c = r.nextBoolean() ? syntax.charAt(r.nextInt(syntax.length())) : (char) r.nextInt(0x3000);
          b.setCharAt(at, c);
          what.append(' ').append(at).append("->U+").append(Integer.toHexString(c));
        }
        return b.toString();
      }
      case 2, 3 -> {
        Map.Entry<String, ConfigValue> leaf = leaves.get(r.nextInt(leaves.size()));
        String value = wrongFor(r, leaf.getValue().valueType());
        String line = "sidis." + leaf.getKey() + " = " + value;
        what.append("appended [").append(line.length() > 120 ? line.substring(0, 120) + "..." : line).append(']');
        return text + "\n" + line + "\n";
      }
      case 4 -> {
        String line = "sidis." + leaves.get(r.nextInt(leaves.size())).getKey() + "x" + r.nextInt(100) + " = 1";
        what.append("appended unknown key [").append(line).append(']');
        return text + "\n" + line + "\n";
      }
      default -> {
        // The whole multicast group list or the queue list replaced with something odd.
        String[] odd = {"sidis.multicast.groups = [{ name = g }]", "sidis.multicast.groups = [{ order = fifo }]",
            "sidis.multicast.groups = [{ name = g, order = sideways }]", "sidis.multicast.groups = [1, 2]",
            "sidis.multicast.groups = \"all\"", "sidis.mom.queues = [{}]", "sidis.mom.queues = [{ name = \"\" }]",
            "sidis.mom.queues = [{ name = q, max-length = -5 }]", "sidis.node.services = [nonsense]",
            "sidis.node.services = \"queues\"", "sidis.mom.queues = [\"q\"]", "sidis.mom.broker.rules = [{ x = 1 }]"};
        String line = odd[r.nextInt(odd.length)];
        what.append("appended [").append(line).append(']');
        return text + "\n" + line + "\n";
      }
    }
  }

  private static String wrongFor(Random r, ConfigValueType type) {
    String v = WRONG[r.nextInt(WRONG.length)];
    // Half the time a value of a clearly different type than the key's, so wrong types are common.
    if (r.nextBoolean()) {
      return switch (type) {
        case NUMBER, BOOLEAN -> r.nextBoolean() ? "\"abc\"" : "[1]";
        case STRING -> r.nextBoolean() ? "{ a = 1 }" : "[1]";
        case LIST -> r.nextBoolean() ? "5" : "{ a = 1 }";
        case OBJECT -> r.nextBoolean() ? "5" : "[1]";
        case NULL -> "[1]";
      };
    }
    return v;
  }
}
