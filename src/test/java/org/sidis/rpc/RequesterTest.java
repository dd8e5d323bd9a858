package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sidis.server.ServerProtocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the client's requester completes a call's future: a blocking caller's on the thread that
 * delivers the answer (no mailbox hop), a future the application holds on the dispatcher (so its
 * callbacks never run on the remoting thread). A probe plays the server; the test thread plays
 * the thread that delivers the answer.
 */
class RequesterTest {

  private static ActorTestKit kit;
  private static RpcClient client;

  @BeforeAll
  static void start() {
    kit = org.sidis.node.TestKits.local("requester");
    client = RpcClient.create(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Sends one request to a probe; returns it and, completed with the thread that ran its first step, the answer. */
  private record Sent(ServerProtocol.Request request, CompletableFuture<ServerProtocol.Response> answer,
                      CompletableFuture<String> ranOn) {}

  private static Sent send(boolean direct) {
    return send(client, direct);
  }

  private static Sent send(RpcClient client, boolean direct) {
    TestProbe<ServerProtocol.Command> server = kit.createTestProbe();
    String id = client.newId();
    CompletableFuture<ServerProtocol.Response> answer = client.send(server.getRef(), id, "p", false, null, 10_000, direct);
    CompletableFuture<String> ranOn = answer.thenApply(r -> Thread.currentThread().getName());
    ServerProtocol.Request request = server.expectMessageClass(ServerProtocol.Request.class);
    assertEquals(id, request.id());
    return new Sent(request, answer, ranOn);
  }

  @Test
  void aBlockingCallersAnswerIsCompletedByTheThreadThatDeliversIt() throws Exception {
    Sent s = send(true);
    s.request().replyTo().tell(new ServerProtocol.Reply(s.request().id(), "r"));
    assertTrue(s.answer().isDone(), "completed before tell returned, on the delivering thread");
    assertEquals(Thread.currentThread().getName(), s.ranOn().get(5, TimeUnit.SECONDS));
    assertEquals("r", assertInstanceOf(ServerProtocol.Reply.class, s.answer().get()).result());
  }

  @Test
  void aFutureTheApplicationHoldsIsCompletedOnTheDispatcherNotOnTheDeliveringThread() throws Exception {
    Sent s = send(false);
    s.request().replyTo().tell(new ServerProtocol.Reply(s.request().id(), "r"));
    String thread = s.ranOn().get(5, TimeUnit.SECONDS);
    assertNotEquals(Thread.currentThread().getName(), thread);
    assertTrue(thread.contains("default-dispatcher"), "ran on " + thread);
    assertEquals("r", assertInstanceOf(ServerProtocol.Reply.class, s.answer().get()).result());
  }

  @Test
  void anAnswerNoOneWaitsForIsCountedAndSaidAndTheNextCallIsStillAnswered() throws Exception {
    RpcClient fresh = RpcClient.create(kit.system()); // its first late answer is logged
    Sent s = send(fresh, true);
    ActorRef<ServerProtocol.Response> requester = s.request().replyTo();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RpcClient.class);
    log.start();
    logger.addAppender(log);
    try {
      requester.tell(new ServerProtocol.Reply("no-such-call", "late"));
    } finally {
      logger.detachAppender(log);
    }
    assertEquals(1, log.list.size(), "one line for the late answer: " + log.list);
    assertTrue(log.list.get(0).getFormattedMessage().startsWith("RPC answer to call no-such-call came after its caller stopped waiting"),
        log.list.get(0).getFormattedMessage());
    requester.tell(new ServerProtocol.Failed(s.request().id(), "refused"));
    requester.tell(new ServerProtocol.Reply(s.request().id(), "second answer of a retransmission"));
    assertEquals("refused", assertInstanceOf(ServerProtocol.Failed.class, s.answer().get(5, TimeUnit.SECONDS)).reason());
    assertEquals(2, fresh.lateAnswers(), "the unknown call's answer and the second answer are both counted");
  }

  @Test
  void anAcknowledgementOfReceiptCompletesTheAckedFutureAndLeavesTheCallWaiting() throws Exception {
    TestProbe<ServerProtocol.Command> server = kit.createTestProbe();
    CompletableFuture<Void> acked = new CompletableFuture<>();
    String id = client.newId();
    CompletableFuture<ServerProtocol.Response> answer = client.send(server.getRef(), id, "p", false, acked, 10_000, true);
    ServerProtocol.Request request = server.expectMessageClass(ServerProtocol.Request.class);
    request.replyTo().tell(new ServerProtocol.Received(id));
    acked.get(5, TimeUnit.SECONDS);
    assertTrue(!answer.isDone(), "a receipt is not the answer");
    request.replyTo().tell(new ServerProtocol.Reply(id, "done"));
    assertEquals("done", assertInstanceOf(ServerProtocol.Reply.class, answer.get(5, TimeUnit.SECONDS)).result());
  }

  @Test
  void aCallNoOneAnswersFailsWithATimeoutAndItsLateAnswerIsDropped() throws Exception {
    TestProbe<ServerProtocol.Command> server = kit.createTestProbe();
    String id = client.newId();
    CompletableFuture<ServerProtocol.Response> answer = client.send(server.getRef(), id, "p", false, null, 200, true);
    ServerProtocol.Request request = server.expectMessageClass(ServerProtocol.Request.class);
    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
    assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause());
    request.replyTo().tell(new ServerProtocol.Reply(id, "too late"));
    assertTrue(answer.isCompletedExceptionally(), "the late answer changed nothing");
  }
}
