package org.sidis.tiers;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sidis.node.TestClusters;
import org.sidis.tiers.TiersProtocol.*;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The front end driven through probes: the probes play the application servers (registered in
 * the Receptionist, sending load reports) and the front door's per-request actors.
 */
@org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class FrontEndTest {

  private static ActorTestKit kit;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static int fronts;

  @BeforeAll
  static void cluster() {
    kit = ActorTestKit.create("sidis", TestClusters.nodeConfig("fe"));
    TestClusters.joinAndAwaitUp(List.of(kit));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static TiersSettings settings(String extra) {
    return TiersSettings.fromConfig(ConfigFactory.parseString(extra).withFallback(ConfigFactory.load()).getConfig("sidis.tiers"));
  }

  private static ActorRef<FrontEndCommand> frontEnd(String extra) {
    return kit.spawn(FrontEnd.create("fe", settings(extra)), "front-end-" + (++fronts));
  }

  private static TestProbe<ServerCommand> server(ActorRef<FrontEndCommand> fe, String name) {
    TestProbe<ServerCommand> s = kit.createTestProbe(name);
    kit.system().receptionist().tell(Receptionist.register(TiersProtocol.SERVERS, s.getRef()));
    fe.tell(new LoadReport(s.getRef(), "http://" + name + ":1", 0, 0, 0));
    return s;
  }

  private static void awaitRoutable(ActorRef<FrontEndCommand> fe, int n) {
    TestProbe<Status> st = kit.createTestProbe();
    st.awaitAssert(WAIT, () -> {
      fe.tell(new GetStatus(st.getRef()));
      long up = st.receiveMessage(WAIT).servers().stream().filter(ServerStatus::routable).count();
      assertEquals(n, up, "routable servers");
      return null;
    });
  }

  private static Status status(ActorRef<FrontEndCommand> fe) {
    TestProbe<Status> st = kit.createTestProbe();
    fe.tell(new GetStatus(st.getRef()));
    return st.receiveMessage(WAIT);
  }

  /** A front end with one routable server and a client: the set-up most rules need. */
  private record OneServer(ActorRef<FrontEndCommand> fe, TestProbe<ServerCommand> server, TestProbe<Answer> client) {
    /** The client asks for {@code key}; what the server is asked to serve. */
    Serve fetch(String id, int key) {
      fe.tell(new Fetch(id, key, null, null, client.getRef()));
      return server.expectMessageClass(Serve.class, WAIT);
    }
  }

  private static OneServer oneServer(String config, String serverName) {
    ActorRef<FrontEndCommand> fe = frontEnd(config);
    TestProbe<ServerCommand> server = server(fe, serverName);
    awaitRoutable(fe, 1);
    return new OneServer(fe, server, kit.createTestProbe());
  }

  @Test
  void relayPassesTheServersReplyBackThroughTheFrontEnd() {
    OneServer t = oneServer("sidis.tiers.reply-mode = relay", "relay-a");
    Serve serve = t.fetch("r1", 5);
    assertEquals(5, serve.key());
    assertNotEquals(t.client().getRef(), serve.replyTo(), "relay: the server must answer the front end, not the client");
    serve.replyTo().tell(new Document("r1", 5, "doc 5 body", "relay-a"));
    assertEquals(new Document("r1", 5, "doc 5 body", "relay-a"), t.client().receiveMessage(WAIT));
    assertEquals("doc 5 body".length(), status(t.fe()).replyBytesThroughFrontEnd());
  }

  @Test
  void handoffPassesTheClientsReplyPathSoTheFrontEndNeverTouchesTheReply() {
    OneServer t = oneServer("sidis.tiers.reply-mode = handoff", "handoff-a");
    Serve serve = t.fetch("h1", 7);
    assertEquals(t.client().getRef(), serve.replyTo(), "handoff: the request must carry the client's reply path");
    t.fe().tell(new Completed("h1"));
    Status s = status(t.fe());
    assertEquals(0, s.replyBytesThroughFrontEnd());
    assertEquals(1, s.answered());
  }

  @Test
  void redirectAnswersAtOnceWithTheChosenServersOwnEndpoint() {
    ActorRef<FrontEndCommand> fe = frontEnd("sidis.tiers.reply-mode = redirect");
    TestProbe<ServerCommand> a = server(fe, "redirect-a");
    awaitRoutable(fe, 1);
    TestProbe<Answer> client = kit.createTestProbe();
    fe.tell(new Fetch("d1", 9, null, null, client.getRef()));
    assertEquals(new Redirect("d1", "http://redirect-a:1/doc/9"), client.receiveMessage(WAIT));
    a.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aRequestWhileNoServerIsUpIsRefused503() {
    ActorRef<FrontEndCommand> fe = frontEnd("sidis.tiers.reply-mode = relay");
    TestProbe<Answer> client = kit.createTestProbe();
    // A probe that registered but never reported its endpoint is not routable either.
    TestProbe<ServerCommand> silent = kit.createTestProbe("silent");
    kit.system().receptionist().tell(Receptionist.register(TiersProtocol.SERVERS, silent.getRef()));
    fe.tell(new Fetch("n1", 1, ReplyMode.RELAY, Policy.ROUND_ROBIN, client.getRef()));
    Refused r = (Refused) client.receiveMessage(WAIT);
    assertEquals(503, r.status(), r.reason());
    silent.expectNoMessage(Duration.ofMillis(100));
    kit.system().receptionist().tell(Receptionist.deregister(TiersProtocol.SERVERS, silent.getRef()));
  }

  @Test
  void anUnknownKeyIsRefused404WithoutAServer() {
    ActorRef<FrontEndCommand> fe = frontEnd("sidis.tiers.documents = 10");
    TestProbe<Answer> client = kit.createTestProbe();
    fe.tell(new Fetch("k1", 10, null, null, client.getRef()));
    assertEquals(404, ((Refused) client.receiveMessage(WAIT)).status());
  }

  @Test
  void aDepartedServersRequestIsRetriedOnceElsewhereAndAnsweredOnce() {
    ActorRef<FrontEndCommand> fe = frontEnd("sidis.tiers.reply-mode = relay\nsidis.tiers.policy = round-robin");
    TestProbe<ServerCommand> a = server(fe, "depart-a");
    TestProbe<ServerCommand> b = server(fe, "depart-b");
    awaitRoutable(fe, 2);
    TestProbe<Answer> client = kit.createTestProbe();
    fe.tell(new Fetch("x1", 3, null, null, client.getRef()));
    fe.tell(new Fetch("x2", 4, null, null, client.getRef()));
    // Round-robin: one request each; find which went where.
    Serve atA = a.expectMessageClass(Serve.class, WAIT);
    Serve atB = b.expectMessageClass(Serve.class, WAIT);
    kit.system().receptionist().tell(Receptionist.deregister(TiersProtocol.SERVERS, a.getRef()));
    Serve retried = b.expectMessageClass(Serve.class, WAIT);
    assertEquals(atA.id(), retried.id(), "a's request goes to b");
    assertEquals(atA.key(), retried.key());
    retried.replyTo().tell(new Document(retried.id(), retried.key(), "from b", "depart-b"));
    atA.replyTo().tell(new Document(atA.id(), atA.key(), "from a, late", "depart-a")); // a's reply arrives after all
    atB.replyTo().tell(new Document(atB.id(), atB.key(), "b's own", "depart-b"));
    List<Answer> answers = client.receiveSeveralMessages(2, WAIT);
    assertEquals(List.of(retried.id(), atB.id()), answers.stream().map(Answer::id).toList(), "each request answered once: " + answers);
    assertEquals("from b", ((Document) answers.get(0)).body());
    client.expectNoMessage(Duration.ofMillis(300));
    Status s = status(fe);
    assertEquals(1, s.retried());
    assertEquals(1, s.duplicatesDropped());
    b.expectNoMessage(Duration.ofMillis(100));
  }

  /** A server that tells {@code sink} "name:key" for each request it gets. */
  private static void namedServer(ActorRef<FrontEndCommand> fe, String name, TestProbe<String> sink) {
    ActorRef<ServerCommand> s = kit.spawn(akka.actor.typed.javadsl.Behaviors.receiveMessage(m -> {
      if (m instanceof Serve serve) sink.getRef().tell(name + ":" + serve.key());
      return akka.actor.typed.javadsl.Behaviors.same();
    }), name);
    kit.system().receptionist().tell(Receptionist.register(TiersProtocol.SERVERS, s));
    fe.tell(new LoadReport(s, "http://" + name + ":1", 0, 0, 0));
  }

  @Test
  void contentAwareSendsADocumentToOneServerAndSpreadsDocumentsWhileRoundRobinSpreadsEachDocument() {
    ActorRef<FrontEndCommand> fe = frontEnd("sidis.tiers.reply-mode = handoff\nsidis.tiers.policy = content-aware");
    TestProbe<String> sink = kit.createTestProbe();
    namedServer(fe, "lard-a", sink);
    namedServer(fe, "lard-b", sink);
    awaitRoutable(fe, 2);
    TestProbe<Answer> client = kit.createTestProbe();
    for (int i = 0; i < 4; i++) fe.tell(new Fetch("c" + i, 42, null, null, client.getRef()));
    fe.tell(new Fetch("c4", 43, null, null, client.getRef()));
    // Two servers tell the sink: their lines interleave in any order, so compare what each got.
    List<String> got = sink.receiveSeveralMessages(5, WAIT);
    List<String> for42 = got.stream().filter(g -> g.endsWith(":42")).distinct().toList();
    List<String> for43 = got.stream().filter(g -> g.endsWith(":43")).toList();
    assertEquals(1, for42.size(), "document 42 must stay on one server: " + got);
    assertEquals(4, got.stream().filter(g -> g.endsWith(":42")).count(), got.toString());
    assertEquals(1, for43.size(), got.toString());
    assertNotEquals(for42.get(0).split(":")[0], for43.get(0).split(":")[0], "document 43 goes to the less loaded server: " + got);
    // The same front end, asked for round-robin, spreads document 42 over both.
    for (int i = 0; i < 2; i++) fe.tell(new Fetch("rr" + i, 42, null, Policy.ROUND_ROBIN, client.getRef()));
    List<String> rr = sink.receiveSeveralMessages(2, WAIT);
    assertNotEquals(rr.get(0), rr.get(1), "round-robin: " + rr);
    client.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRequestNoServerAnswersIsAnswered504AfterTheTimeout() {
    OneServer t = oneServer("sidis.tiers.request-timeout = 300ms\nsidis.tiers.reply-mode = relay", "slow-a");
    Serve serve = t.fetch("t1", 1);
    assertEquals(504, ((Refused) t.client().receiveMessage(WAIT)).status());
    serve.replyTo().tell(new Document("t1", 1, "too late", "slow-a"));
    t.client().expectNoMessage(Duration.ofMillis(300));
    assertEquals(1, status(t.fe()).timedOut());
  }

  @Test
  void aHandoffWhoseServerNeverAnswersIsAnswered504OnceAndForgotten() {
    OneServer t = oneServer("sidis.tiers.request-timeout = 300ms\nsidis.tiers.reply-mode = handoff", "mute-a");
    ActorRef<FrontEndCommand> fe = t.fe();
    TestProbe<Answer> client = t.client();
    Serve serve = t.fetch("m1", 2);
    assertEquals(client.getRef(), serve.replyTo(), "handoff");
    // The server never answers the client, so the front door never sends its Completed notice.
    Refused r = (Refused) client.receiveMessage(WAIT);
    assertEquals(504, r.status(), r.reason());
    Status s = status(fe);
    assertEquals(0, s.pending(), "the request must leave the front end's pending set");
    assertEquals(1, s.timedOut());
    // A notice after the timeout (the server answered after all) changes nothing and answers nobody.
    fe.tell(new Completed("m1"));
    client.expectNoMessage(Duration.ofMillis(500));
    s = status(fe);
    assertEquals(0, s.answered());
    assertEquals(1, s.timedOut());
    assertEquals(0, s.pending());
  }
}
