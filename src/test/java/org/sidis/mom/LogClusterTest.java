package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.mom.LogProtocol.*;
import org.sidis.check.Inspection;
import org.sidis.check.LogCheck;
import org.sidis.check.Report;
import org.sidis.trace.Traces;
import org.sidis.check.Verdict;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three ActorSystems in one JVM on a real cluster over loopback: the event log on one, a
 * producer and a consumer-group member on another, a second member on the third. Every
 * message crosses the wire through Akka's serializer. The group shares the partitions (at least
 * once: a hand-over may deliver a record again), the
 * survivor takes over a departed member's partitions from its committed offsets, and the
 * traces of all three pass the event-log checker.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // several ActorSystems in one cluster on a shared machine
class LogClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private Config node(String name) {
    return org.sidis.node.TestClusters.tracedNodeConfig(name, dir.resolve("trace"),
        org.sidis.node.TestClusters.h2Store(dir.resolve("store").resolve(name)));
  }

  @Test
  void aConsumerGroupAcrossNodesReadsEveryRecordAtItsOffsetAndTakesOverFromCommittedOffsets() {
    ActorTestKit a = ActorTestKit.create("sidis", node("a"));
    ActorTestKit b = ActorTestKit.create("sidis", node("b"));
    ActorTestKit c = ActorTestKit.create("sidis", node("c"));
    try {
      org.sidis.node.TestClusters.joinAndAwaitUp(List.of(a, b, c));
      a.spawn(LogManager.create(LogSettings.defaults().withTopic("orders", 4), "a"), "event-log");
      ActorRef<LogProtocol.Command> log = find(b);

      // Producer on b: 200 records over 20 keys, each traced once acknowledged.
      LogTrace producerTrace = new LogTrace(b.system(), "/user/producer", "orders");
      TestProbe<Reply> producer = b.createTestProbe();
      Map<String, AppendAck> appended = new TreeMap<>();
      for (int i = 1; i <= 200; i++) {
        log.tell(new Append("orders", "key-" + (i % 20), "b:" + i, "order " + i, producer.getRef()));
        AppendAck ack = producer.expectMessageClass(AppendAck.class, WAIT);
        producerTrace.append(ack.msgId(), ack.partition(), ack.offset());
        appended.put(ack.msgId(), ack);
      }

      TestProbe<LogConsumer.Delivered> atB = b.createTestProbe();
      TestProbe<LogConsumer.Delivered> atC = c.createTestProbe();
      b.spawn(LogConsumer.create(log, "orders", "billing", "member-b", atB.getRef(), Duration.ofMillis(50), 50), "consumer");
      ActorRef<LogConsumer.Command> memberC =
          c.spawn(LogConsumer.create(find(c), "orders", "billing", "member-c", atC.getRef(), Duration.ofMillis(50), 50), "consumer");

      // Both members read until every record has been delivered once; each reads only its share.
      Map<String, String> deliveredBy = new HashMap<>();
      Map<Integer, String> owner = new HashMap<>();
      long deadline = System.nanoTime() + WAIT.toNanos() * 2;
      while (deliveredBy.size() < 200 && System.nanoTime() < deadline) {
        for (var probe : List.of(Map.entry("b", atB), Map.entry("c", atC))) {
          LogConsumer.Delivered d = pollOne(probe.getValue());
          if (d == null) continue;
          AppendAck expected = appended.get(d.entry().msgId());
          assertNotNull(expected, "unexpected record " + d.entry().msgId());
          assertEquals(expected.partition(), d.partition(), d.entry().msgId() + "'s partition");
          assertEquals(expected.offset(), d.entry().offset(), d.entry().msgId() + "'s offset");
          deliveredBy.putIfAbsent(d.entry().msgId(), probe.getKey());
          owner.putIfAbsent(d.partition(), probe.getKey());
        }
      }
      assertEquals(200, deliveredBy.size(), "records delivered to the group: " + deliveredBy.size() + " of 200");
      assertEquals(Set.of("b", "c"), new HashSet<>(owner.values()), "both members read a share: " + owner);

      // member-c stops: member-b is assigned its partitions and reads new records in them too.
      c.stop(memberC);
      for (int i = 201; i <= 240; i++) {
        log.tell(new Append("orders", "key-" + (i % 20), "b:" + i, "order " + i, producer.getRef()));
        AppendAck ack = producer.expectMessageClass(AppendAck.class, WAIT);
        producerTrace.append(ack.msgId(), ack.partition(), ack.offset());
        appended.put(ack.msgId(), ack);
      }
      Set<String> late = new HashSet<>();
      deadline = System.nanoTime() + WAIT.toNanos();
      while (late.size() < 40 && System.nanoTime() < deadline) {
        LogConsumer.Delivered d = pollOne(atB);
        if (d != null && Integer.parseInt(d.entry().msgId().substring(2)) > 200) late.add(d.entry().msgId());
      }
      assertEquals(40, late.size(), "member-b alone reads every new record, in c's former partitions too");

      // An auditor reads the whole topic from offset 0 (replay), so the checker can see every offset.
      LogTrace auditTrace = new LogTrace(a.system(), "/user/auditor", "orders");
      TestProbe<Reply> auditor = a.createTestProbe();
      ActorRef<LogProtocol.Command> localLog = find(a); // a reference of a's own system, for a's probe
      for (int p = 0; p < 4; p++) {
        localLog.tell(new Read("orders", p, 0, 500, auditor.getRef()));
        for (Entry e : auditor.expectMessageClass(Records.class, WAIT).records()) auditTrace.read(e.msgId(), p, e.offset());
      }
      for (ActorTestKit k : List.of(a, b, c)) Traces.get(k.system()).sink().flush();
      Report report = Inspection.of(dir.resolve("trace"));
      Verdict v = report.verdict("orders", LogCheck.PROPERTY);
      assertNotNull(v, report.table());
      assertEquals(Verdict.Outcome.HELD, v.outcome(), report.table());
      assertEquals(240, v.messages(), report.table());
    } finally {
      c.shutdownTestKit();
      b.shutdownTestKit();
      a.shutdownTestKit();
    }
  }

  private static LogConsumer.Delivered pollOne(TestProbe<LogConsumer.Delivered> probe) {
    try {
      LogConsumer.Delivered d = probe.receiveMessage(Duration.ofMillis(20));
      d.confirm(); // the test is the handler: it has the record, so the group may commit past it
      return d;
    } catch (AssertionError timeout) {
      return null;
    }
  }

  private static ActorRef<LogProtocol.Command> find(ActorTestKit kit) {
    TestProbe<Receptionist.Listing> listings = kit.createTestProbe();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      kit.system().receptionist().tell(Receptionist.find(LogManager.KEY, listings.getRef()));
      Set<ActorRef<LogProtocol.Command>> refs = listings.expectMessageClass(Receptionist.Listing.class, WAIT).getServiceInstances(LogManager.KEY);
      if (!refs.isEmpty()) return refs.iterator().next();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("no event log registered within " + WAIT);
  }
}
