package org.sidis.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherCoreTest {

  private final List<String> log = new ArrayList<>();

  private DispatcherCore<String> core(int maxAttempts, int maxQueue) {
    return new DispatcherCore<>(maxAttempts, maxQueue, 100, new DispatcherCore.Effects<>() {
      @Override
      public void assign(int worker, String id, String payload, String answerTo) {
        log.add("assign w" + worker + " " + id + " for " + answerTo);
      }

      @Override
      public void send(String client, ServerProtocol.Response response) {
        log.add("send " + client + " " + response);
      }
    });
  }

  @Test
  void eachIdleWorkerTakesTheOldestRequestAndTheRestWait() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onReady(1);
    core.onRequest("a", "p", false, true, "c1");
    core.onRequest("b", "p", false, true, "c1");
    core.onRequest("c", "p", false, true, "c1");
    assertEquals(List.of("assign w0 a for c1", "assign w1 b for c1"), log, "log: " + log);
    assertEquals(1, core.queued());
    core.onDone(1, "b", "B"); // the worker answered c1 itself
    assertEquals(List.of("assign w0 a for c1", "assign w1 b for c1", "assign w1 c for c1"), log, "log: " + log);
  }

  @Test
  void aRequestHeldByACrashedWorkerIsRedispatchedAndAnsweredOnce() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onReady(1);
    core.onRequest("a", "p", false, true, "c1");
    core.onRequest("b", "p", false, true, "c2");
    assertEquals("a", core.onReady(0), "worker 0 restarted while holding a");
    assertEquals("assign w0 a for c1", log.get(log.size() - 1), "re-dispatched, still for c1; log: " + log);
    core.onDone(0, "a", "A");
    assertEquals(0, log.stream().filter(l -> l.startsWith("send c1")).count(), "the worker answered c1; log: " + log);
    assertEquals(1, core.redispatched());
  }

  @Test
  void aNonIdempotentRequestHeldByACrashedWorkerIsAnsweredWithAFailureNotRunAgain() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onRequest("withdraw", "p", false, false, "c1");
    assertEquals("withdraw", core.onReady(0));
    assertEquals(1, log.stream().filter(l -> l.startsWith("assign")).count(), "assigned once only; log: " + log);
    assertTrue(log.get(log.size() - 1).startsWith("send c1 Failed[id=withdraw, reason=the handler crashed mid-request; the request is not idempotent"),
        "log: " + log);
    assertEquals(DispatcherCore.Admission.ANSWERED_FROM_CACHE, core.onRequest("withdraw", "p", false, false, "c1"),
        "a retransmission gets the same failure, and still no second run");
    assertEquals(0, core.redispatched());
  }

  @Test
  void aRequestThatCrashedBeforeItsHandlerBeganRunsAgainEvenWhenNotIdempotent() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onRequest("withdraw", "p", false, false, "c1");
    assertEquals("withdraw", core.onReady(0, "withdraw"), "the restarted worker held it");
    assertEquals(List.of("assign w0 withdraw for c1", "assign w0 withdraw for c1"), log, "run again, not failed: " + log);
    assertEquals(1, core.redispatched());
    core.onDone(0, "withdraw", "ok");
    assertEquals(2, log.size(), "the worker answered the client itself; nothing else sent: " + log);
  }

  @Test
  void aNonIdempotentRequestThatRanIsNotRunAgainWhateverTheWorkerSaysOfAnother() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onRequest("withdraw", "p", false, false, "c1");
    core.onReady(0, "some-other-id");
    assertTrue(log.get(log.size() - 1).startsWith("send c1 Failed[id=withdraw, reason=the handler crashed mid-request"), "log: " + log);
  }

  @Test
  void aRetransmittedIdIsNeverRunTwice() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onRequest("a", "p", false, true, "c1");
    assertEquals(DispatcherCore.Admission.JOINED_RUNNING, core.onRequest("a", "p", false, true, "c1-again"));
    core.onDone(0, "a", "A");
    assertEquals(DispatcherCore.Admission.ANSWERED_FROM_CACHE, core.onRequest("a", "p", false, true, "c1-late"));
    assertEquals(1, log.stream().filter(l -> l.startsWith("assign")).count(), "log: " + log);
    assertTrue(log.contains("assign w0 a for c1") && log.contains("send c1-again Reply[id=a, result=A]")
        && log.contains("send c1-late Reply[id=a, result=A]"), "log: " + log);
  }

  @Test
  void aRequestThatCrashesEveryRunFailsAfterMaxAttempts() {
    DispatcherCore<String> core = core(2, 100);
    core.onReady(0);
    core.onRequest("a", "p", false, true, "c1");
    core.onReady(0);
    core.onReady(0);
    assertEquals("send c1 Failed[id=a, reason=the handler crashed 2 times on this request (sidis.server.max-attempts = 2)]",
        log.get(log.size() - 1), "log: " + log);
    assertNull(core.onReady(0), "nothing left to re-dispatch");
  }

  @Test
  void aFullQueueRefusesWithAClearError() {
    DispatcherCore<String> core = core(2, 1);
    core.onRequest("a", "p", true, true, "c1");
    assertEquals(DispatcherCore.Admission.REFUSED_OVERLOADED, core.onRequest("b", "p", true, true, "c2"));
    assertTrue(log.get(log.size() - 1).contains("server overloaded"), "log: " + log);
    assertEquals("send c1 Received[id=a]", log.get(0), "the ack of an accepted request comes at once");
  }

  @Test
  void aRequestAnsweredInPlaceRunsOnceAndARetransmissionGetsTheCachedAnswer() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    List<String> ran = new ArrayList<>();
    assertEquals(DispatcherCore.Admission.RAN_IN_PLACE, core.onRequestInPlace("a", "p", true, false, "c1", (id, p) -> {
      ran.add(id);
      return new ServerProtocol.Reply(id, "A");
    }));
    assertEquals(DispatcherCore.Admission.ANSWERED_FROM_CACHE, core.onRequestInPlace("a", "p", false, false, "c1", (id, p) -> {
      ran.add(id);
      return new ServerProtocol.Reply(id, "again");
    }));
    assertEquals(List.of("a"), ran, "run once");
    assertEquals(List.of("send c1 Received[id=a]", "send c1 Reply[id=a, result=A]", "send c1 Reply[id=a, result=A]"), log,
        "no worker was assigned; log: " + log);
  }

  @Test
  void anInPlaceRequestWhoseIdIsRunningOnAWorkerWaitsForThatRun() {
    DispatcherCore<String> core = core(3, 100);
    core.onReady(0);
    core.onRequest("a", "p", false, false, "c1");
    assertEquals(DispatcherCore.Admission.JOINED_RUNNING, core.onRequestInPlace("a", "p", false, false, "c2", (id, p) -> {
      throw new AssertionError("ran a second time");
    }));
    core.onDone(0, "a", "A");
    assertEquals(List.of("assign w0 a for c1", "send c2 Reply[id=a, result=A]"), log, "log: " + log);
  }
}
