package org.sidis.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sidis.* key that no reference config defines is refused at start, naming the closest real one. */
class SettingKeysTest {

  @Test
  void aMisspelledKeyIsRefusedNamingTheClosestKnownOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SettingKeys.check(ConfigFactory.parseString("sidis.multicast.windw = 5"), "--set"));
    assertEquals("unknown setting [sidis.multicast.windw] in --set; did you mean [sidis.multicast.window]?", e.getMessage());
  }

  @Test
  void aNodeConfiguredWithAnUnknownKeyDoesNotStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Node.config(new Node.Options("n1", "127.0.0.1", 0,
        List.of(), null, null, Map.of("sidis.trace.enabeld", "off"))));
    assertTrue(e.getMessage().contains("[sidis.trace.enabled]"), e.getMessage());
  }

  @Test
  void knownKeysListsAndEveryShippedConfigPass() throws Exception {
    SettingKeys.check(ConfigFactory.parseString("sidis.multicast.window = 5, sidis.mom.queues = [{ name = jobs }]"), "--set");
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
        Config c = ConfigFactory.parseFile(f.toFile());
        SettingKeys.check(c, f.toString());
      }
    }
  }

  @Test
  void akkasOwnKeysAreNotJudged() {
    SettingKeys.check(ConfigFactory.parseString("akka.whatever = 1"), "--set");
  }
}
