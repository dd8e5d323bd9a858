package org.sidis.mom;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sidis.fault.InjectedFailure;
import org.sidis.fault.Supervision;
import org.sidis.mom.QueueProtocol.*;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Failure transparency for the queue manager by supervision: the manager routes, its queues hold
 * the state (messages, deliveries in flight with their tokens, consumers' waiting GETs). Spawned
 * as QueueService spawns it — restarted by the node's policy with its children kept — a crash of
 * the manager costs its clients nothing: a delivery made before the crash is acknowledged with its
 * token after it, the queue keeps its messages, a GET waiting through the crash is answered. The
 * negative control spawns it with Akka's default (children stop on restart) and sees the client
 * lose exactly that: the ack refused, a transient queue emptied.
 */
class QueueManagerRestartTest {

  /** Tells the manager under test to crash now, as an injected failure would (only the test's interceptor reads it). */
  private record CrashNow() implements Command {}

  @TempDir
  Path dir;

  private ActorTestKit kit;
  private TestProbe<Reply> client;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.localN1("mom", dir);
    client = kit.createTestProbe("client");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** The manager of n1 with a transient queue "jobs", under the node's policy (fast backoff), crashing on CrashNow. */
  private ActorRef<Command> manager(boolean keepChildren) {
    Supervision policy = new Supervision(Duration.ofMillis(50), Duration.ofMillis(200), 0.0, 10, Duration.ofSeconds(30));
    QueueSettings settings = QueueSettings.defaults().withQueue("jobs", QueueSettings.Durability.TRANSIENT)
        .withVisibility(Duration.ofSeconds(30), 5);
    Behavior<Command> crashing = Behaviors.intercept(CrashOnCue::new, QueueManager.create(settings, "n1"));
    return kit.spawn(policy.supervise(crashing, keepChildren), "queue-manager");
  }

  private void put(ActorRef<Command> qm, String id) {
    qm.tell(new Put("jobs", id, "payload-" + id, client.getRef()));
    assertEquals(new PutAck("jobs", id), client.receiveMessage(Duration.ofSeconds(10)));
  }

  private Reply get(ActorRef<Command> qm) {
    qm.tell(new Get("jobs", Duration.ZERO, client.getRef()));
    return client.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void aCrashOfTheManagerCostsItsClientsNothing() {
    ActorRef<Command> qm = manager(true);
    for (String id : new String[] {"p:1", "p:2", "p:3"}) put(qm, id);
    Delivery first = assertInstanceOf(Delivery.class, get(qm));
    assertEquals("p:1", first.msgId());

    qm.tell(new CrashNow());

    // The delivery made before the crash is acknowledged with its token after it.
    qm.tell(new Ack("jobs", first.msgId(), first.token(), client.getRef()));
    assertEquals(new Acked("jobs", "p:1"), client.receiveMessage(Duration.ofSeconds(10)));
    // The queue kept its messages, in order.
    assertEquals("p:2", assertInstanceOf(Delivery.class, get(qm)).msgId());
    assertEquals("p:3", assertInstanceOf(Delivery.class, get(qm)).msgId());
    assertEquals(new Empty("jobs"), get(qm));

    // A GET waiting through a crash is answered by the next PUT.
    TestProbe<Reply> waiting = kit.createTestProbe("waiting");
    qm.tell(new Get("jobs", Duration.ofSeconds(30), waiting.getRef()));
    qm.tell(new CrashNow());
    put(qm, "p:4");
    assertEquals("p:4", waiting.expectMessageClass(Delivery.class, Duration.ofSeconds(10)).msgId());
  }

  /** The negative control: with Akka's default the queue dies with its manager, and the client sees it. */
  @Test
  void withTheQueuesStoppedOnRestartTheClientLosesItsDeliveryAndTheMessages() {
    ActorRef<Command> qm = manager(false);
    for (String id : new String[] {"p:1", "p:2", "p:3"}) put(qm, id);
    Delivery first = assertInstanceOf(Delivery.class, get(qm));

    qm.tell(new CrashNow());

    qm.tell(new Ack("jobs", first.msgId(), first.token(), client.getRef()));
    assertInstanceOf(Refused.class, client.receiveMessage(Duration.ofSeconds(10)), "the ack names a delivery of the dead queue");
    assertEquals(new Empty("jobs"), get(qm), "a transient queue restarted empty: p:2 and p:3 are gone");
  }

  /** Throws on {@link CrashNow}, as {@code FaultInjector.strike} throws before a message is handled; passes the rest on. */
  private static final class CrashOnCue extends BehaviorInterceptor<Command, Command> {
    CrashOnCue() {
      super(Command.class);
    }

    @Override
    public Behavior<Command> aroundReceive(TypedActorContext<Command> ctx, Command msg, ReceiveTarget<Command> target) {
      if (msg instanceof CrashNow) throw new InjectedFailure("queue-manager", "CrashNow from the test");
      return target.apply(ctx, msg);
    }
  }
}
