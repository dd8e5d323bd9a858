package org.sidis.rpc;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every call mode, deadlines, marshalling and bad input, against one skeleton in one ActorSystem. */
class RpcTest {

  private ActorTestKit kit;
  private ServerSettings server;
  private RpcSettings rpc;
  private Gated impl;
  private ActorRef<ServerProtocol.Command> skeleton;
  private RpcClient client;
  private Calculator calc;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.local("rpc");
    server = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
    rpc = RpcSettings.fromConfig(kit.system().settings().config().getConfig("sidis.rpc"));
    impl = new Gated();
    skeleton = kit.spawn(Skeleton.create("calc", Calculator.class, impl, server, rpc), "calc");
    client = RpcClient.create(kit.system());
    calc = client.stub(Calculator.class, "calc");
  }

  @AfterEach
  void stop() {
    impl.gate.countDown(); // lets any call still at the gate finish before the system stops
    kit.shutdownTestKit();
  }

  @Test
  void aSynchronousCallReturnsTheResultAndCopiesValuesInAndOut() {
    assertEquals(5, calc.add(2, 3));
    Calculator.Point p = new Calculator.Point(1, 2);
    assertEquals(new Calculator.Point(11, 2), calc.move(p, 10));
    assertEquals(new Calculator.Point(1, 2), p, "copy-in: the caller's value is untouched");
    assertEquals(List.of(new Calculator.Point(2, 0), new Calculator.Point(3, 0)),
        calc.path(List.of(new Calculator.Point(1, 0), new Calculator.Point(2, 0))));
  }

  // The call modes are judged by what the server had done when the call returned, not by how
  // long the call took: the gated methods wait at the server until the test opens the gate, so a
  // call that returns while the gate is still shut provably did not wait for the server to run it.

  @Test
  void anAsynchronousCallReturnsOnceTheServerAcknowledgedReceiptNotOnceItRan() {
    returnsWhileTheServerIsStillAtTheGate("record", () -> calc.record("entry-1"));
    assertFalse(impl.recorded.contains("entry-1"), "not run yet when the call returned");
    impl.gate.countDown();
    awaitRecorded("entry-1");
  }

  @Test
  void aDeferredSynchronousCallReturnsACompletionStageAtOnce() throws Exception {
    CompletionStage<Integer> square = returnsWhileTheServerIsStillAtTheGate("slowSquare", () -> calc.slowSquare(7));
    assertFalse(square.toCompletableFuture().isDone(), "the server has not answered: its method is still at the gate");
    impl.gate.countDown();
    assertEquals(49, square.toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aOneWayCallReturnsAtOnceAndTheServerStillRunsIt() {
    returnsWhileTheServerIsStillAtTheGate("log", () -> calc.log("one-way"));
    assertFalse(impl.recorded.contains("one-way"), "not run yet when the call returned");
    impl.gate.countDown();
    awaitRecorded("one-way");
  }

  @Test
  void aPollingCallGivesAHandleToPollAndAwait() {
    Polled<Integer> cube = returnsWhileTheServerIsStillAtTheGate("slowCube", () -> calc.slowCube(3));
    assertEquals(Optional.empty(), cube.poll(), "not in yet: the server's method is still at the gate");
    impl.gate.countDown();
    assertEquals(27, cube.await());
    assertTrue(cube.isDone());
    assertEquals(Optional.of(27), cube.poll());
  }

  @Test
  void aCallPastItsDeadlineFailsWithDeadlineExceeded() {
    long t0 = System.nanoTime();
    RpcException.DeadlineExceededException e = assertThrows(RpcException.DeadlineExceededException.class, () -> calc.sleepy(2000));
    long took = (System.nanoTime() - t0) / 1_000_000;
    // A lower bound only (a loaded machine makes calls slower, never faster); the failure came
    // from the deadline, not from an answer: the server's method is still waiting at the gate.
    assertTrue(took >= 250, "failed after " + took + " ms, before its 300 ms deadline: " + e.getMessage());
    assertEquals(1, impl.gate.getCount(), "the server never answered");
    assertTrue(impl.entered.contains("sleepy"), "the request reached the server: " + impl.entered);
    assertEquals(5, calc.add(2, 3), "the server keeps serving others");
  }

  /**
   * Runs the call on another thread and waits (bounded) for it to return while the server's
   * method is still waiting at the gate; a call that waited for the server fails here.
   */
  private <T> T returnsWhileTheServerIsStillAtTheGate(String method, java.util.concurrent.Callable<T> call) {
    CompletableFuture<T> returned = CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    try {
      T result = returned.get(20, TimeUnit.SECONDS);
      assertEquals(1, impl.gate.getCount(), "the gate is shut");
      return result;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(method + " did not return while the server was still running it (at the gate); the server saw "
          + impl.entered);
    } catch (Exception e) {
      throw new AssertionError(method + " failed", e);
    }
  }

  private <T> T returnsWhileTheServerIsStillAtTheGate(String method, Runnable call) {
    return returnsWhileTheServerIsStillAtTheGate(method, () -> {
      call.run();
      return null;
    });
  }

  /** A Calculator whose slow methods wait at a gate the test opens, and that notes which were entered. */
  static final class Gated extends CalculatorService {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<String> entered = new java.util.concurrent.CopyOnWriteArrayList<>();

    Gated() {
      super("only", 0);
    }

    private void atTheGate(String method) {
      entered.add(method);
      try {
        gate.await(60, TimeUnit.SECONDS); // bounded: a test that never opens it still ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void record(String entry) {
      atTheGate("record");
      recorded.add(entry);
    }

    @Override
    public void log(String entry) {
      atTheGate("log");
      recorded.add(entry);
    }

    @Override
    public CompletionStage<Integer> slowSquare(int x) {
      atTheGate("slowSquare");
      return CompletableFuture.completedFuture(x * x);
    }

    @Override
    public Polled<Integer> slowCube(int x) {
      atTheGate("slowCube");
      return Polled.of(x * x * x);
    }

    @Override
    public String sleepy(long millis) {
      atTheGate("sleepy");
      return "woke";
    }
  }

  @Test
  void anExceptionInTheImplementationReachesTheCallerByNameAndTheServerGoesOn() {
    RpcException.RemoteException e = assertThrows(RpcException.RemoteException.class, () -> calc.divide(1, 0));
    assertEquals("application", e.kind());
    assertEquals("java.lang.ArithmeticException", e.remoteType());
    assertEquals(2, calc.divide(4, 2));
  }

  @Test
  void aParameterThatCannotBeMarshalledIsRefusedBeforeAnythingIsSent() {
    RpcException.MarshallingException e = assertThrows(RpcException.MarshallingException.class, () -> calc.describe(new Object()));
    assertTrue(e.getMessage().startsWith("cannot marshal parameter 1 (java.lang.Object, value of java.lang.Object) of Calculator.describe"),
        e.getMessage());
  }

  @Test
  void anOversizedRequestIsRefusedOnBothSidesWithAClearError() {
    String big = "x".repeat(200 * 1024);
    RpcException.MarshallingException e = assertThrows(RpcException.MarshallingException.class, () -> calc.echo(big));
    assertTrue(e.getMessage().contains("more than sidis.rpc.max-payload-bytes"), e.getMessage());
    TestProbe<ServerProtocol.Response> raw = kit.createTestProbe();
    skeleton.tell(new ServerProtocol.Request("big", "{\"m\":\"echo(java.lang.String)\",\"a\":[\"" + big + "\"]}", false, raw.getRef()));
    String answer = ((ServerProtocol.Reply) raw.receiveMessage(Duration.ofSeconds(5))).result();
    assertTrue(answer.contains("too-large"), answer);
  }

  /** A client built against another version of the interface. */
  interface CalculatorV2 {
    int multiply(int a, int b);

    int add(String a, String b);
  }

  @Test
  void anUnknownMethodOrWrongArgumentTypesGetAClearErrorAndTheServerKeepsServing() {
    CalculatorV2 v2 = client.stub(CalculatorV2.class, "calc");
    RpcException.RemoteException unknown = assertThrows(RpcException.RemoteException.class, () -> v2.multiply(2, 3));
    assertEquals("unknown-method", unknown.kind());
    assertTrue(unknown.getMessage().contains("multiply(int,int)") && unknown.getMessage().contains("add(int,int)"), unknown.getMessage());
    assertEquals("unknown-method", assertThrows(RpcException.RemoteException.class, () -> v2.add("1", "2")).kind());

    TestProbe<ServerProtocol.Response> raw = kit.createTestProbe();
    skeleton.tell(new ServerProtocol.Request("bad", "{\"m\":\"add(int,int)\",\"a\":[\"one\",2]}", false, raw.getRef()));
    String answer = ((ServerProtocol.Reply) raw.receiveMessage(Duration.ofSeconds(5))).result();
    assertTrue(answer.contains("bad-arguments") && answer.contains("argument 1 is not a int"), answer);
    skeleton.tell(new ServerProtocol.Request("short", "{\"m\":\"add(int,int)\",\"a\":[1]}", false, raw.getRef()));
    assertTrue(((ServerProtocol.Reply) raw.receiveMessage()).result().contains("1 arguments for 2 parameters"));
    assertEquals(5, calc.add(2, 3));
  }

  @Test
  void aCallToAServiceNobodyRegisteredFailsWithServiceUnavailable() {
    Calculator nobody = client.stub(Calculator.class, Endpoints.registry(kit.system(), "nobody"),
        rpc.withDeadline(Duration.ofMillis(300)));
    RpcException.ServiceUnavailableException e = assertThrows(RpcException.ServiceUnavailableException.class, () -> nobody.add(1, 2));
    assertTrue(e.getMessage().contains("[nobody]"), e.getMessage());
  }

  @Test
  void aStubIsSafeForManyCallingThreads() throws Exception {
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int base = t * 1000;
      results.add(CompletableFuture.supplyAsync(() -> {
        int sum = 0;
        for (int i = 0; i < 50; i++) sum += calc.add(base, i) - base;
        return sum;
      }));
    }
    for (CompletableFuture<Integer> r : results) assertEquals(1225, r.get());
  }

  @Test
  void callingSeveralServersInParallelHasEveryCallInFlightAtOnceNotOneAfterAnother() {
    // Judged by overlap at the servers, not by wall time (which a loaded machine stretches):
    // sequential calls never overlap; each parallel call waits at its server until all four are
    // there, so the four names come back only if the client had all four in flight at once.
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicBoolean meet = new AtomicBoolean(false);
    CountDownLatch allIn = new CountDownLatch(4);
    List<Calculator> servers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CalculatorService service = new CalculatorService("s" + i, 0) {
        @Override
        public String whoAmI() {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            if (!meet.get()) {
              Thread.sleep(50);
              return name;
            }
            allIn.countDown();
            return allIn.await(20, TimeUnit.SECONDS) ? name : name + " (alone: the others never came)";
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return name + " (interrupted)";
          } finally {
            running.decrementAndGet();
          }
        }
      };
      ActorRef<ServerProtocol.Command> s = kit.spawn(Skeleton.unregistered(Calculator.class, service, server, rpc), "slow-" + i);
      servers.add(client.stub(Calculator.class, List.of(s)));
    }
    List<String> inTurn = new ArrayList<>();
    for (Calculator s : servers) inTurn.add(s.whoAmI());
    assertEquals(List.of("s0", "s1", "s2", "s3"), inTurn);
    assertEquals(1, most.get(), "calls one by one never overlap");

    meet.set(true);
    ExecutorService threads = Executors.newFixedThreadPool(servers.size());
    try {
      // A multithreaded client: one calling thread per server, each blocked in its own call.
      List<CompletableFuture<String>> all = servers.stream().map(s -> CompletableFuture.supplyAsync(s::whoAmI, threads)).toList();
      assertEquals(List.of("s0", "s1", "s2", "s3"), all.stream().map(CompletableFuture::join).toList());
      assertEquals(4, most.get(), "all four calls were in flight at once");
    } finally {
      threads.shutdown();
    }
  }

  private void awaitRecorded(String entry) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!impl.recorded.contains(entry) && System.nanoTime() < deadline) Thread.onSpinWait();
    assertTrue(impl.recorded.contains(entry), "the server ran it: " + impl.recorded);
  }

  @Test
  void aNonBlockingMethodIsAnsweredByTheSkeletonItselfAndAnyOtherOnTheWorkerPool() {
    String inPlace = calc.threadInPlace();
    String worker = calc.threadOnWorker();
    assertFalse(inPlace.contains("blocking-pool"), "a @NonBlocking call ran on " + inPlace);
    assertTrue(worker.contains("sidis.server.blocking-pool"), "an unmarked call ran on " + worker);
  }
}
