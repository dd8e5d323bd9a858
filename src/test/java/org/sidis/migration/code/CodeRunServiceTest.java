package org.sidis.migration.code;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Fetch;
import org.sidis.migration.code.CodeProtocol.Publish;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;
import org.sidis.node.Service;
import org.sidis.node.TestClusters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Service {@code code-run}: its settings' errors stop the node with the reason, and a fetch asks again until a member has the unit. */
class CodeRunServiceTest {

  private static final ActorTestKit KIT = ActorTestKit.create("sidis", TestClusters.nodeConfig("n1"));

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Service.Context node(Map<String, Object> run, ActorRef<Command> host) {
    Config config = ConfigFactory.parseMap(Map.of("sidis.migration.code.run", run)).withFallback(ConfigFactory.load());
    return new Service.Context() {
      public String node() {
        return "n1";
      }

      public Config config() {
        return config;
      }

      public long seed() {
        return 1;
      }

      public ActorSystem<?> system() {
        return KIT.system();
      }

      @SuppressWarnings("unchecked")
      public <T> ActorRef<T> lookup(Service.Key<T> key) {
        return (ActorRef<T>) host;
      }
    };
  }

  private static String error(Map<String, Object> run) {
    ActorRef<Command> host = KIT.<Command>createTestProbe().ref();
    return assertThrows(IllegalArgumentException.class, () -> new CodeRunService().spawns(node(run, host))).getMessage();
  }

  @Test
  void badSettingsAreRefusedWithTheReason() throws IOException {
    String missing = error(Map.of("jar", dir.resolve("none.jar").toString(), "unit", "sort", "entry", ShippedCode.SORT_ENTRY, "at", "n2"));
    assertTrue(missing.contains("sidis.migration.code.run.jar") && missing.contains("no such file"), missing);
    String noJar = error(Map.of("unit", "sort", "at", "n2"));
    assertTrue(noJar.contains("needs sidis.migration.code.run.jar"), noJar);
    String nothing = error(Map.of());
    assertTrue(nothing.contains("name a unit"), nothing);
    Path jar = dir.resolve("sort.jar");
    Files.write(jar, ShippedCode.jar(ShippedCode.compile(ShippedCode.SORT)));
    String noEntry = error(Map.of("jar", jar.toString(), "unit", "sort", "at", "n2"));
    assertTrue(noEntry.contains("entry class"), noEntry);
    String notAJar = error(Map.of("jar", dir.toString(), "unit", "sort", "entry", ShippedCode.SORT_ENTRY, "at", "n2"));
    assertTrue(notAJar.contains("no such file"), notAJar);
  }

  @Test
  void aJarIsPublishedOnThisNodesHost() throws IOException {
    Path jar = dir.resolve("sort.jar");
    Files.write(jar, ShippedCode.jar(ShippedCode.compile(ShippedCode.SORT)));
    TestProbe<Command> host = KIT.createTestProbe();
    List<Service.Spawn<?>> spawns = new CodeRunService().spawns(node(Map.of("jar", jar.toString(), "unit", "sort", "entry", ShippedCode.SORT_ENTRY), host.ref()));
    assertEquals(1, spawns.size());
    KIT.spawn(spawns.get(0).behavior());
    assertEquals(ShippedCode.sortUnit().digest(), host.expectMessageClass(Publish.class).unit().digest());
  }

  @Test
  void aFetchAsksAgainWhileNoMemberHasTheUnitThenRunsIt() {
    TestProbe<Command> host = KIT.createTestProbe();
    KIT.spawn(RunAt.create(new RunAt.Settings(null, "sort", "n1", List.of("b", "a"), Duration.ofSeconds(60)), host.ref()));
    Fetch first = host.expectMessageClass(Fetch.class, Duration.ofSeconds(10));
    assertEquals("sort", first.unit());
    first.replyTo().tell(new Refused("sort", null, Refusal.UNKNOWN_UNIT, "no other code host"));
    Fetch again = host.expectMessageClass(Fetch.class, Duration.ofSeconds(10));
    TestProbe<MobileJob.Run> job = KIT.createTestProbe();
    again.replyTo().tell(new Running("sort", ShippedCode.sortUnit().digest().hex(), "n1", job.ref()));
    assertEquals(List.of("b", "a"), job.expectMessageClass(MobileJob.Run.class, Duration.ofSeconds(10)).input());
  }

  @Test
  void aFetchRefusedBecauseTheSenderIsNotYetUpHereAsksAgainThenRunsIt() {
    TestProbe<Command> host = KIT.createTestProbe();
    KIT.spawn(RunAt.create(new RunAt.Settings(null, "sort", "n1", List.of("b", "a"), Duration.ofSeconds(60)), host.ref()));
    host.expectMessageClass(Fetch.class, Duration.ofSeconds(10)).replyTo()
        .tell(new Refused("sort", null, Refusal.NOT_MEMBER, "sender n2 is not an Up member of this node's cluster [n1]"));
    Fetch again = host.expectMessageClass(Fetch.class, Duration.ofSeconds(10));
    TestProbe<MobileJob.Run> job = KIT.createTestProbe();
    again.replyTo().tell(new Running("sort", ShippedCode.sortUnit().digest().hex(), "n1", job.ref()));
    assertEquals(List.of("b", "a"), job.expectMessageClass(MobileJob.Run.class, Duration.ofSeconds(10)).input());
  }

  @Test
  void anyOtherRefusalEndsTheRunWithoutAskingAgain() {
    TestProbe<Command> host = KIT.createTestProbe();
    KIT.spawn(RunAt.create(new RunAt.Settings(null, "sort", "n1", List.of(), Duration.ofSeconds(60)), host.ref()));
    host.expectMessageClass(Fetch.class, Duration.ofSeconds(10)).replyTo()
        .tell(new Refused("sort", null, Refusal.DIGEST_MISMATCH, "altered on the way"));
    host.expectNoMessage(Duration.ofMillis(1500));
  }
}
