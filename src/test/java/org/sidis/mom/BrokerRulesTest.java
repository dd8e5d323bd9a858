package org.sidis.mom;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.junit.jupiter.api.Test;
import org.sidis.mom.BrokerRules.Destination;
import org.sidis.mom.BrokerRules.Outcome;
import org.sidis.mom.BrokerRules.Refused;
import org.sidis.mom.BrokerRules.Routed;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's routing and transformation rules as a value: what goes where, in what format, and what is refused. */
class BrokerRulesTest {

  private static BrokerRules rules(String hocon) {
    return BrokerRules.fromConfig(ConfigFactory.parseString("sidis.mom.broker { unmatched = \"\"\n" + hocon + "\n}",
        ConfigParseOptions.defaults().setOriginDescription("test.conf")), "sidis.mom.broker");
  }

  private static Routed routed(Outcome o) {
    return assertInstanceOf(Routed.class, o, () -> "expected the message routed, got " + o);
  }

  private static JsonNode json(String s) throws Exception {
    return BrokerRules.JSON.readTree(s);
  }

  private static final String ORDERS = """
      rules = [
        { name = eu-orders, match = { field = customer.region, equals = eu }, to = "queue:orders-eu" }
        { name = us-orders, match = { field = customer.region, in = [us, ca] }, to = "queue:orders-us" }
        { name = big, match = { field = total, greater-than = 1000 }, to = "topic:audit" }
        { name = sku, match = { field = sku, regex = "[A-Z]{3}-\\\\d+" }, to = "queue:catalog" }
        { name = rest, match = { all = [ { field = kind, exists = true }, { not = { field = kind, equals = test } } ] }, to = "queue:other" }
      ]""";

  @Test
  void firstMatchingRuleDecidesTheDestination() {
    BrokerRules r = rules(ORDERS);
    assertEquals(Destination.parse("queue:orders-eu"), routed(r.route("{\"customer\":{\"region\":\"eu\"},\"total\":5000}")).to());
    assertEquals("us-orders", routed(r.route("{\"customer\":{\"region\":\"ca\"}}")).rule());
    assertEquals(Destination.parse("topic:audit"), routed(r.route("{\"total\":1000.5}")).to());
    assertEquals("sku", routed(r.route("{\"sku\":\"ABC-12\"}")).rule());
    assertEquals("rest", routed(r.route("{\"sku\":\"ABC-12x\",\"kind\":\"x\"}")).rule());
  }

  @Test
  void numbersCompareByValueAndStringsDoNotEqualNumbers() {
    BrokerRules r = rules("rules = [ { name = five, match = { field = n, equals = 5 }, to = \"queue:five\" } ]");
    assertEquals("five", routed(r.route("{\"n\":5.0}")).rule());
    assertInstanceOf(Refused.class, r.route("{\"n\":\"5\"}"));
  }

  @Test
  void aMessageNoRuleMatchesIsRefusedUnlessUnmatchedNamesADestination() {
    Refused refused = assertInstanceOf(Refused.class, rules(ORDERS).route("{\"kind\":\"test\"}"));
    assertTrue(refused.reason().contains("no rule matches"), refused.reason());
    BrokerRules keep = BrokerRules.fromConfig(ConfigFactory.parseString(
        "b { unmatched = \"queue:unrouted\", rules = [] }"), "b");
    Routed r = routed(keep.route("{\"kind\":\"test\"}"));
    assertEquals(Destination.parse("queue:unrouted"), r.to());
    assertEquals("{\"kind\":\"test\"}", r.payload());
  }

  @Test
  void aPayloadThatIsNotAJsonObjectIsRefusedSayingSo() {
    BrokerRules r = rules(ORDERS);
    assertTrue(((Refused) r.route("not json")).reason().startsWith("payload is not JSON"));
    assertTrue(((Refused) r.route("[1,2]")).reason().contains("not a JSON object"));
  }

  @Test
  void transformRenamesNestsFlattensRemovesAndSetsFields() throws Exception {
    BrokerRules r = rules("""
        rules = [ { name = v2, to = "queue:v2", transform {
          rename { "customer.name" = buyer, sku = item.code, qty = item.quantity, "a" = "b", "b" = "a" }
          remove = [ internal ]
          set { version = 2, "meta.source" = broker }
        } } ]""");
    Routed out = routed(r.route("{\"customer\":{\"name\":\"Ana\",\"region\":\"eu\"},\"sku\":\"X-1\",\"qty\":3,"
        + "\"internal\":true,\"a\":1,\"b\":2}"));
    assertEquals(json("{\"customer\":{\"region\":\"eu\"},\"buyer\":\"Ana\",\"item\":{\"code\":\"X-1\",\"quantity\":3},"
        + "\"a\":2,\"b\":1,\"version\":2,\"meta\":{\"source\":\"broker\"}}"), json(out.payload()));
  }

  @Test
  void aRenameWhoseSourceIsMissingLeavesTheMessageAsItIs() throws Exception {
    BrokerRules r = rules("rules = [ { name = t, to = \"queue:q\", transform.rename { missing = there } } ]");
    assertEquals(json("{\"x\":1}"), json(routed(r.route("{\"x\":1}")).payload()));
  }

  @Test
  void aTransformThatWouldWriteThroughAValueRefusesTheMessageNamingTheRule() {
    BrokerRules r = rules("rules = [ { name = nest, to = \"queue:q\", transform.set { \"a.b\" = 1 } } ]");
    Refused refused = assertInstanceOf(Refused.class, r.route("{\"a\":7}"));
    assertTrue(refused.reason().contains("rule [nest]") && refused.reason().contains("[a] is number"), refused.reason());
  }

  // ------------------------------------------------------------------ malformed rules, refused at start

  private static String refusal(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> rules(hocon)).getMessage();
  }

  @Test
  void aMalformedRuleIsRefusedNamingItsIndexNameAndLine() {
    String m = refusal("""
        rules = [
          { name = ok, to = "queue:a" }
          { name = bad, match = { field = x, regex = "(" }, to = "queue:b" }
        ]""");
    assertTrue(m.startsWith("sidis.mom.broker.rules[1] (name \"bad\") in test.conf: 4"), m);
    assertTrue(m.contains("regex is not a regular expression"), m);
  }

  @Test
  void everyKindOfMalformedRuleIsRefusedWithItsReason() {
    assertTrue(refusal("rules = [ { to = \"queue:a\" } ]").contains("the rule has no name"));
    assertTrue(refusal("rules = [ { name = a } ]").contains("no destination"));
    assertTrue(refusal("rules = [ { name = a, to = \"mailbox:a\" } ]").contains("neither queue:<name> nor topic:<name>"));
    assertTrue(refusal("rules = [ { name = a, to = \"queue:\" } ]").contains("neither queue"));
    assertTrue(refusal("rules = [ { name = a, macth = {}, to = \"queue:a\" } ]").contains("unknown key [macth]"));
    assertTrue(refusal("rules = [ { name = a, match = { field = x }, to = \"queue:a\" } ]").contains("needs exactly one of"));
    assertTrue(refusal("rules = [ { name = a, match = { field = x, equals = 1, in = [1] }, to = \"queue:a\" } ]")
        .contains("got [equals, in]"));
    assertTrue(refusal("rules = [ { name = a, match = { equals = 1 }, to = \"queue:a\" } ]").contains("names no field"));
    assertTrue(refusal("rules = [ { name = a, match = { field = x, greater-than = lots }, to = \"queue:a\" } ]")
        .contains("greater-than"));
    assertTrue(refusal("rules = [ { name = a, match = { all = [] }, to = \"queue:a\" } ]").contains("non-empty list"));
    assertTrue(refusal("rules = [ { name = a, transform { rename { x = \"\" } }, to = \"queue:a\" } ]").contains("rename.x"));
    assertTrue(refusal("rules = [ { name = a, transform { rename { x = z, y = z } }, to = \"queue:a\" } ]").contains("two fields to [z]"));
    assertTrue(refusal("rules = [ { name = a, transform { move {} }, to = \"queue:a\" } ]").contains("unknown key [move]"));
    assertTrue(refusal("rules = [ { name = a, to = \"queue:a\" }, { name = a, to = \"queue:b\" } ]").contains("already named \"a\""));
    assertTrue(refusal("rules = [ 42 ]").contains("rules[0] in test.conf: 2: a rule is an object"));
  }

  @Test
  void aRuleInAFileIsNamedByTheFileAndLine() throws Exception {
    Path f = Files.createTempFile("broker", ".conf");
    Files.writeString(f, "sidis.mom.broker.rules = [\n  { name = a, to = \"queue:a\" },\n  { name = b, to = \"bin:b\" }\n]\n");
    String m = assertThrows(IllegalArgumentException.class,
        () -> BrokerRules.fromConfig(ConfigFactory.parseFile(f.toFile()), "sidis.mom.broker")).getMessage();
    assertTrue(m.startsWith("sidis.mom.broker.rules[1] (name \"b\") in " + f.getFileName()) || m.contains(f.toString() + ": 3"), m);
    assertTrue(m.contains(": 3"), m);
    Files.delete(f);
  }
}
