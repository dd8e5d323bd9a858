package org.sidis.node;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Single local ActorSystems (no cluster) for the protocol tests that talk to one actor through probes. */
public final class TestKits {

  private TestKits() {}

  /** An ActorSystem {@code systemName} with the local provider and no trace. */
  public static ActorTestKit local(String systemName) {
    return local(systemName, Map.of());
  }

  /** {@link #local(String)} with {@code extra} settings on top. */
  public static ActorTestKit local(String systemName, Map<String, ?> extra) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("akka.actor.provider", "local");
    settings.put("sidis.trace.enabled", "off");
    settings.putAll(extra);
    return ActorTestKit.create(systemName, ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()));
  }

  /** An ActorSystem {@code systemName} with the local provider, as node {@code n1} tracing into {@code traceDir}. */
  public static ActorTestKit localN1(String systemName, Path traceDir) {
    return ActorTestKit.create(systemName, ConfigFactory.parseMap(Map.of(
        "akka.actor.provider", "local",
        "sidis.node.name", "n1",
        "sidis.trace.dir", traceDir.toString()))
        .withFallback(ConfigFactory.load()));
  }
}
