package org.sidis.mom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The message broker's rules as one immutable value (no actors): a content-based router and a
 * message translator (Tanenbaum &amp; van Steen, "Message brokers"; Hohpe &amp; Woolf's
 * <em>Content-Based Router</em> and <em>Message Translator</em>). A message is a JSON object; the
 * first rule whose {@link Match} holds for it decides its destination (a queue or a topic), and
 * that rule's {@link Transform} turns it into the destination's format on the way. A message no
 * rule matches goes to the {@code unmatched} destination when one is configured, and is refused
 * otherwise — never dropped.
 *
 * <p>Rules are read once at start from {@code sidis.mom.broker.rules}; a malformed rule is
 * refused there with an error naming the rule, its index and where it is written (file and
 * line), so a typo never becomes a message routed nowhere at run time.
 */
public final class BrokerRules {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Where a message goes: {@code queue:<name>} (a node's queue may be {@code <node>/<name>}) or {@code topic:<name>}. */
  public record Destination(Kind kind, String name) {
    public enum Kind { QUEUE, TOPIC }

    public static Destination parse(String text) {
      int colon = text.indexOf(':');
      String kind = colon < 0 ? "" : text.substring(0, colon);
      String name = colon < 0 ? "" : text.substring(colon + 1);
      if (name.isBlank() || !(kind.equals("queue") || kind.equals("topic"))) {
        throw new IllegalArgumentException("destination [" + text + "] is neither queue:<name> nor topic:<name>");
      }
      return new Destination(kind.equals("queue") ? Kind.QUEUE : Kind.TOPIC, name);
    }

    @Override
    public String toString() {
      return (kind == Kind.QUEUE ? "queue:" : "topic:") + name;
    }
  }

  /** A predicate on a message's content. Paths are dotted field names: {@code customer.region}. */
  public sealed interface Match {
    boolean test(JsonNode message);

    /** Every message. */
    record Always() implements Match {
      public boolean test(JsonNode m) { return true; }
    }

    /** The field's value equals {@code value} (numbers compare by value: 5 equals 5.0). */
    record Equals(String path, JsonNode value) implements Match {
      public boolean test(JsonNode m) { return same(at(m, path), value); }
    }

    /** The field's value is one of {@code values}. */
    record In(String path, List<JsonNode> values) implements Match {
      public boolean test(JsonNode m) {
        JsonNode v = at(m, path);
        return values.stream().anyMatch(x -> same(v, x));
      }
    }

    /** The field is a string, number or boolean whose text matches {@code pattern} entirely. */
    record Regex(String path, Pattern pattern) implements Match {
      public boolean test(JsonNode m) {
        JsonNode v = at(m, path);
        return v != null && v.isValueNode() && !v.isNull() && pattern.matcher(v.asText()).matches();
      }
    }

    /** The field is present (or, with {@code present} false, absent). */
    record Exists(String path, boolean present) implements Match {
      public boolean test(JsonNode m) { return (at(m, path) != null) == present; }
    }

    /** The field is a number greater than (or less than) {@code bound}. */
    record Compare(String path, boolean greater, double bound) implements Match {
      public boolean test(JsonNode m) {
        JsonNode v = at(m, path);
        return v != null && v.isNumber() && (greater ? v.asDouble() > bound : v.asDouble() < bound);
      }
    }

    record All(List<Match> all) implements Match {
      public boolean test(JsonNode m) { return all.stream().allMatch(x -> x.test(m)); }
    }

    record Any(List<Match> any) implements Match {
      public boolean test(JsonNode m) { return any.stream().anyMatch(x -> x.test(m)); }
    }

    record Not(Match not) implements Match {
      public boolean test(JsonNode m) { return !not.test(m); }
    }
  }

  /**
   * Turns a message into another format, in three steps: {@code rename} moves fields (all at
   * once, so two fields can swap; a dotted target nests, a dotted source flattens; a source the
   * message lacks is skipped), then {@code remove} deletes fields, then {@code set} writes fixed
   * values (a format version, a constant the destination expects).
   */
  public record Transform(Map<String, String> rename, List<String> remove, Map<String, JsonNode> set) {
    public static final Transform NONE = new Transform(Map.of(), List.of(), Map.of());

    public boolean isNone() {
      return rename.isEmpty() && remove.isEmpty() && set.isEmpty();
    }

    /** The transformed copy, or why it cannot be made (a target path runs through a non-object). */
    ObjectNode apply(ObjectNode message) {
      ObjectNode m = message.deepCopy();
      Map<String, JsonNode> moved = new LinkedHashMap<>();
      rename.forEach((from, to) -> {
        JsonNode v = BrokerRules.remove(m, from);
        if (v != null) moved.put(to, v);
      });
      moved.forEach((to, v) -> BrokerRules.put(m, to, v));
      remove.forEach(p -> BrokerRules.remove(m, p));
      set.forEach((p, v) -> BrokerRules.put(m, p, v.deepCopy()));
      return m;
    }
  }

  /** One configured rule, with {@code where} it is written (for errors and logs). */
  public record Rule(String name, Match match, Transform transform, Destination to, String where) {}

  /** What the rules make of one message. */
  public sealed interface Outcome {}

  /** The message goes to {@code to} as {@code payload} (transformed by {@code rule}; null rule: unmatched). */
  public record Routed(String rule, Destination to, String payload) implements Outcome {}

  /** The message cannot be routed, and why: not a JSON object, no rule matched, or a transform failed. */
  public record Refused(String reason) implements Outcome {}

  private final List<Rule> rules;
  private final Optional<Destination> unmatched;

  public BrokerRules(List<Rule> rules, Optional<Destination> unmatched) {
    this.rules = List.copyOf(rules);
    this.unmatched = unmatched;
  }

  public List<Rule> rules() {
    return rules;
  }

  public Optional<Destination> unmatched() {
    return unmatched;
  }

  /** Routes and transforms one message by the first rule that matches it. */
  public Outcome route(String payload) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return new Refused("payload is not JSON: " + e.getOriginalMessage());
    }
    if (parsed == null || !parsed.isObject()) {
      return new Refused("payload is not a JSON object (the broker's rules read fields of an object)");
    }
    ObjectNode message = (ObjectNode) parsed;
    for (Rule r : rules) {
      if (!r.match().test(message)) continue;
      if (r.transform().isNone()) return new Routed(r.name(), r.to(), payload);
      try {
        return new Routed(r.name(), r.to(), JSON.writeValueAsString(r.transform().apply(message)));
      } catch (IllegalArgumentException | JsonProcessingException e) {
        return new Refused("rule [" + r.name() + "] cannot transform the message: " + e.getMessage());
      }
    }
    return unmatched.<Outcome>map(d -> new Routed(null, d, payload))
        .orElseGet(() -> new Refused("no rule matches the message (" + rules.size()
            + " rules; set sidis.mom.broker.unmatched to keep such messages in a queue)"));
  }

  // ------------------------------------------------------------------ reading the configuration

  private static final Set<String> RULE_KEYS = Set.of("name", "match", "transform", "to");
  private static final Set<String> TRANSFORM_KEYS = Set.of("rename", "remove", "set");
  private static final Set<String> TESTS = Set.of("equals", "in", "regex", "exists", "greater-than", "less-than");

  /**
   * Reads {@code <path>.rules} and {@code <path>.unmatched} (path: {@code sidis.mom.broker}).
   * Throws {@link IllegalArgumentException} naming the first malformed rule and where it is.
   */
  public static BrokerRules fromConfig(Config config, String path) {
    List<Rule> rules = new ArrayList<>();
    ConfigList list;
    try {
      list = config.getList(path + ".rules");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(path + ".rules: " + e.getMessage());
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigValue v = list.get(i);
      String at = path + ".rules[" + i + "]";
      String origin = " in " + v.origin().description();
      if (v.valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(at + origin + ": a rule is an object { name, match, transform, to }, not " + v.valueType());
      }
      Config r = ((ConfigObject) v).toConfig();
      String name = r.hasPath("name") && r.getValue("name").valueType() == ConfigValueType.STRING ? r.getString("name") : null;
      String where = at + (name != null ? " (name \"" + name + "\")" : "") + origin;
      try {
        rules.add(rule(r, (ConfigObject) v, name, where));
      } catch (ConfigException | IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + message(e));
      }
      if (!names.add(name)) throw new IllegalArgumentException(where + ": another rule is already named \"" + name + "\"");
    }
    Optional<Destination> unmatched = Optional.empty();
    String u = path + ".unmatched";
    if (config.hasPath(u) && !config.getString(u).isBlank()) {
      try {
        unmatched = Optional.of(Destination.parse(config.getString(u)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(u + " in " + config.getValue(u).origin().description() + ": " + e.getMessage());
      }
    }
    return new BrokerRules(rules, unmatched);
  }

  private static Rule rule(Config r, ConfigObject o, String name, String where) {
    for (String key : o.keySet()) {
      if (!RULE_KEYS.contains(key)) throw new IllegalArgumentException("unknown key [" + key + "]; a rule has " + sorted(RULE_KEYS));
    }
    if (name == null || name.isBlank()) throw new IllegalArgumentException("the rule has no name (name = \"...\")");
    if (!r.hasPath("to")) throw new IllegalArgumentException("the rule has no destination (to = \"queue:<name>\" or \"topic:<name>\")");
    Destination to = Destination.parse(r.getString("to"));
    Match match = r.hasPath("match") ? match(o.get("match"), "match") : new Match.Always();
    Transform transform = r.hasPath("transform") ? transform(r.getConfig("transform"), (ConfigObject) o.get("transform")) : Transform.NONE;
    return new Rule(name, match, transform, to, where);
  }

  private static Match match(ConfigValue v, String at) {
    if (v.valueType() != ConfigValueType.OBJECT) throw new IllegalArgumentException(at + " must be an object, not " + v.valueType());
    ConfigObject o = (ConfigObject) v;
    Config c = o.toConfig();
    if (o.containsKey("all") || o.containsKey("any")) {
      if (o.size() != 1) throw new IllegalArgumentException(at + " with all/any takes nothing else, got " + sorted(o.keySet()));
      String kind = o.containsKey("all") ? "all" : "any";
      ConfigValue l = o.get(kind);
      if (l.valueType() != ConfigValueType.LIST || ((ConfigList) l).isEmpty()) {
        throw new IllegalArgumentException(at + "." + kind + " must be a non-empty list of conditions");
      }
      List<Match> parts = new ArrayList<>();
      ConfigList list = (ConfigList) l;
      for (int i = 0; i < list.size(); i++) parts.add(match(list.get(i), at + "." + kind + "[" + i + "]"));
      return kind.equals("all") ? new Match.All(parts) : new Match.Any(parts);
    }
    if (o.containsKey("not")) {
      if (o.size() != 1) throw new IllegalArgumentException(at + " with not takes nothing else, got " + sorted(o.keySet()));
      return new Match.Not(match(o.get("not"), at + ".not"));
    }
    for (String key : o.keySet()) {
      if (!key.equals("field") && !TESTS.contains(key)) {
        throw new IllegalArgumentException(at + ": unknown key [" + key + "]; a condition is { field, and one of " + sorted(TESTS)
            + " }, or all/any = [...], or not = {...}");
      }
    }
    if (!c.hasPath("field") || c.getString("field").isBlank()) throw new IllegalArgumentException(at + " names no field (field = \"a.b\")");
    String field = c.getString("field");
    List<String> tests = o.keySet().stream().filter(TESTS::contains).sorted().toList();
    if (tests.size() != 1) {
      throw new IllegalArgumentException(at + " needs exactly one of " + sorted(TESTS) + ", got " + (tests.isEmpty() ? "none" : tests));
    }
    String test = tests.get(0);
    return switch (test) {
      case "equals" -> new Match.Equals(field, json(o.get("equals")));
      case "in" -> {
        if (o.get("in").valueType() != ConfigValueType.LIST) throw new IllegalArgumentException(at + ".in must be a list of values");
        List<JsonNode> values = ((ConfigList) o.get("in")).stream().map(BrokerRules::json).toList();
        yield new Match.In(field, values);
      }
      case "regex" -> {
        try {
          yield new Match.Regex(field, Pattern.compile(c.getString("regex")));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(at + ".regex is not a regular expression: " + e.getDescription() + " near index "
              + e.getIndex() + " of [" + e.getPattern() + "]");
        }
      }
      case "exists" -> new Match.Exists(field, c.getBoolean("exists"));
      case "greater-than" -> new Match.Compare(field, true, c.getDouble("greater-than"));
      default -> new Match.Compare(field, false, c.getDouble("less-than"));
    };
  }

  private static Transform transform(Config t, ConfigObject o) {
    for (String key : o.keySet()) {
      if (!TRANSFORM_KEYS.contains(key)) {
        throw new IllegalArgumentException("transform: unknown key [" + key + "]; a transform has " + sorted(TRANSFORM_KEYS));
      }
    }
    Map<String, String> rename = new LinkedHashMap<>();
    if (t.hasPath("rename")) {
      Set<String> targets = new HashSet<>();
      for (Map.Entry<String, ConfigValue> e : t.getConfig("rename").entrySet()) {
        String from = String.join(".", ConfigUtil.splitPath(e.getKey()));
        if (e.getValue().valueType() != ConfigValueType.STRING || ((String) e.getValue().unwrapped()).isBlank()) {
          throw new IllegalArgumentException("transform.rename." + from + " must name the target field, a non-empty string");
        }
        String to = (String) e.getValue().unwrapped();
        if (!targets.add(to)) throw new IllegalArgumentException("transform.rename moves two fields to [" + to + "]");
        rename.put(from, to);
      }
    }
    List<String> remove = t.hasPath("remove") ? t.getStringList("remove") : List.of();
    Map<String, JsonNode> set = new LinkedHashMap<>();
    if (t.hasPath("set")) {
      for (Map.Entry<String, ConfigValue> e : t.getConfig("set").entrySet()) {
        set.put(String.join(".", ConfigUtil.splitPath(e.getKey())), json(e.getValue()));
      }
    }
    return new Transform(rename, remove, set);
  }

  // ------------------------------------------------------------------ JSON paths

  static JsonNode at(JsonNode m, String path) {
    JsonNode n = m;
    for (String part : path.split("\\.")) {
      if (n == null || !n.isObject()) return null;
      n = n.get(part);
    }
    return n;
  }

  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) return false;
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    return a.equals(b);
  }

  private static JsonNode remove(ObjectNode m, String path) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = dot < 0 ? m : at(m, path.substring(0, dot));
    if (parent == null || !parent.isObject()) return null;
    return ((ObjectNode) parent).remove(dot < 0 ? path : path.substring(dot + 1));
  }

  private static void put(ObjectNode m, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode n = m;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = n.get(parts[i]);
      if (next == null) next = n.putObject(parts[i]);
      if (!next.isObject()) {
        throw new IllegalArgumentException("cannot write [" + path + "]: [" + String.join(".", List.of(parts).subList(0, i + 1))
            + "] is " + next.getNodeType().toString().toLowerCase() + ", not an object");
      }
      n = (ObjectNode) next;
    }
    n.set(parts[parts.length - 1], value);
  }

  private static JsonNode json(ConfigValue v) {
    return JSON.valueToTree(v.unwrapped());
  }

  private static String message(RuntimeException e) {
    // Typesafe Config's messages start with the origin, which the caller already names.
    return e instanceof ConfigException ce && ce.origin() != null
        ? e.getMessage().replace(ce.origin().description() + ": ", "") : e.getMessage();
  }

  private static String sorted(Set<String> s) {
    return s.stream().sorted().toList().toString();
  }
}
