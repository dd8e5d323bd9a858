package org.sidis.example;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sidis.membership.NodeNames;
import org.sidis.multicast.GroupEvent;
import org.sidis.multicast.GroupMember;
import org.sidis.multicast.MulticastSettings;
import org.sidis.multicast.Order;
import org.sidis.net.NetworkModel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * sidis as a library (docs/library.md): an application with its own ActorSystem and its own
 * configuration — only sidis's and Akka's reference.conf beneath it, none of the sidis node's
 * settings — starts a causal group member and tests its protocol with ActorTestKit probes.
 * Only public API is used, as from another project that depends on sidis.
 */
class LibraryExampleTest {

  private final List<ActorTestKit> apps = new ArrayList<>();

  /** What an application puts in its application.conf to run a sidis group member. */
  private static Config applicationConf(String node) {
    return ConfigFactory.parseString("""
        akka.actor.provider = cluster
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        akka.cluster.jmx.multi-mbeans-in-same-jvm = on
        akka.coordinated-shutdown.exit-jvm = off
        sidis.node.name = %s
        sidis.trace.enabled = off
        """.formatted(node))
        // Peers name each other by this role (NodeNames): a member publishes its node's name.
        .withFallback(ConfigFactory.parseMap(java.util.Map.of("akka.cluster.roles", List.of(NodeNames.role(node)))))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @AfterEach
  void stop() {
    apps.forEach(ActorTestKit::shutdownTestKit);
  }

  @Test
  void anApplicationRunsACausalGroupMemberAndTestsItWithProbes() {
    ActorTestKit alice = ActorTestKit.create("app", applicationConf("alice"));
    ActorTestKit bob = ActorTestKit.create("app", applicationConf("bob"));
    apps.add(alice);
    apps.add(bob);
    for (ActorTestKit app : apps) Cluster.get(app.system()).manager().tell(Join.create(alice.system().address()));
    TestProbe<Void> waiter = alice.createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(200), () -> {
      for (ActorTestKit app : apps) {
        assertEquals(2, StreamSupport.stream(Cluster.get(app.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count());
      }
      return null;
    });

    // The group member: causal order, no simulated network delay or loss.
    MulticastSettings chat = MulticastSettings.defaults("chat", Order.CAUSAL);
    ActorRef<GroupMember.Command> a = alice.spawn(GroupMember.create(chat, new NetworkModel(0, 0, 0.0, new Random(1))), "chat");
    ActorRef<GroupMember.Command> b = bob.spawn(GroupMember.create(chat, new NetworkModel(0, 0, 0.0, new Random(2))), "chat");
    TestProbe<GroupEvent> aliceSees = alice.createTestProbe();
    TestProbe<GroupEvent> bobSees = bob.createTestProbe();
    a.tell(new GroupMember.Subscribe(aliceSees.getRef()));
    b.tell(new GroupMember.Subscribe(bobSees.getRef()));
    awaitView(aliceSees);
    awaitView(bobSees);

    a.tell(new GroupMember.Multicast("question"));
    assertEquals("question", nextDelivery(bobSees).payload());
    b.tell(new GroupMember.Multicast("answer")); // bob answers after he delivered the question
    GroupEvent.Delivered first = nextDelivery(aliceSees);
    GroupEvent.Delivered second = nextDelivery(aliceSees);
    assertEquals(List.of("question", "answer"), List.of(first.payload(), second.payload()),
        "alice delivers her own question, then bob's answer, never the answer first");
  }

  private static void awaitView(TestProbe<GroupEvent> app) {
    app.fishForMessage(Duration.ofSeconds(60), e -> e instanceof GroupEvent.MembersChanged m && m.members().size() == 2
        ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete() : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
  }

  private static GroupEvent.Delivered nextDelivery(TestProbe<GroupEvent> app) {
    return (GroupEvent.Delivered) app.fishForMessage(Duration.ofSeconds(30), e -> e instanceof GroupEvent.Delivered
        ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete() : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore())
        .get(0);
  }
}
