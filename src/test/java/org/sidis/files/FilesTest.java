package org.sidis.files;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sidis.rpc.RpcClient;
import org.sidis.rpc.RpcException;
import org.sidis.rpc.RpcSettings;
import org.sidis.rpc.Skeleton;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file-like service stateless and stateful, over RPC: caches, invalidation, restarts. */
class FilesTest {

  private ActorTestKit kit;
  private ServerSettings server;
  private RpcSettings rpcSettings;
  private RpcClient rpc;
  private final FileStore store = new FileStore();
  private final Map<String, CacheCallback> callbackStubs = new ConcurrentHashMap<>();
  private int generation;

  @BeforeEach
  void start() {
    kit = org.sidis.node.TestKits.local("files");
    server = ServerSettings.fromConfig(kit.system().settings().config().getConfig("sidis.server"));
    rpcSettings = RpcSettings.fromConfig(kit.system().settings().config().getConfig("sidis.rpc"));
    rpc = RpcClient.create(kit.system());
    store.write("notes.txt", 0, "hello world");
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private StatefulFileServer impl;

  private ActorRef<ServerProtocol.Command> startStateful() {
    impl = new StatefulFileServer(store, c -> callbackStubs.computeIfAbsent(c,
        x -> rpc.stub(CacheCallback.class, CacheCallback.serviceName(x))));
    return kit.spawn(Skeleton.create("files", StatefulFiles.class, impl, server, rpcSettings), "files-" + (++generation));
  }

  private FileClient client(String name, boolean listening) {
    FileClient c = new FileClient(name, rpc.stub(StatefulFiles.class, "files"), listening);
    kit.spawn(Skeleton.create(CacheCallback.serviceName(name), CacheCallback.class, c, server, rpcSettings), "cache-" + name);
    return c;
  }

  @Test
  void theStatelessServerKeepsNothingBetweenRequestsSoARestartLosesNothing() {
    ActorRef<ServerProtocol.Command> first = kit.spawn(Skeleton.create("plain", StatelessFiles.class, new StatelessFileServer(store),
        server, rpcSettings), "plain-1");
    StatelessFiles files = rpc.stub(StatelessFiles.class, "plain");
    assertEquals("hello", files.read("notes.txt", 0, 5));
    files.write("notes.txt", 6, "there");
    kit.stop(first);
    kit.spawn(Skeleton.create("plain", StatelessFiles.class, new StatelessFileServer(store), server, rpcSettings), "plain-2");
    // The same request, with its path and offset, means the same thing to the new server.
    assertEquals("there", files.read("notes.txt", 6, 5));
    assertEquals(11, files.size("notes.txt"));
  }

  @Test
  void aClientCacheWithoutInvalidationReadsStaleData() {
    startStateful();
    FileClient deaf = client("deaf", false);
    FileClient writer = client("writer", true);
    assertEquals("hello world", deaf.read("notes.txt"));
    writer.write("notes.txt", "HELLO");
    assertEquals("HELLO world", writer.read("notes.txt"));
    sleep(300); // the callback came and was ignored
    assertEquals("hello world", deaf.read("notes.txt"), "the stale copy: nothing told this cache");
  }

  @Test
  void invalidationCallbacksKeepEveryClientCacheCorrect() {
    startStateful();
    FileClient reader = client("reader", true);
    FileClient writer = client("writer", true);
    assertEquals("hello world", reader.read("notes.txt"));
    assertTrue(reader.caches("notes.txt"));
    writer.write("notes.txt", "HELLO");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (reader.caches("notes.txt") && System.nanoTime() < deadline) sleep(10);
    assertFalse(reader.caches("notes.txt"), "the server's callback dropped the cached copy");
    assertEquals("HELLO world", reader.read("notes.txt"));
  }

  @Test
  void sequentialReadsAreServedFromTheSessionsPrefetch() {
    startStateful();
    StatefulFiles files = rpc.stub(StatefulFiles.class, "files");
    long h = files.open("c", "notes.txt", 0);
    assertEquals("hel", files.read(h, 3));
    assertEquals("lo ", files.read(h, 3));
    assertEquals("wor", files.read(h, 3));
    assertEquals(2, impl.prefetchHits());
    files.close(h);
    assertEquals(0, impl.sessions());
  }

  @Test
  void aRestartLosesTheStatefulServersSessionsAndTheClientRecovers() {
    ActorRef<ServerProtocol.Command> first = startStateful();
    StatefulFiles files = rpc.stub(StatefulFiles.class, "files");
    FileClient c = new FileClient("c", files, true);
    FileClient.Reader reader = c.reader("notes.txt");
    long before = files.open("c", "notes.txt", 0);
    assertEquals("hello", reader.next(5));
    kit.stop(first);
    startStateful();
    sleep(300); // the registry lists the new server
    RpcException.RemoteException stale = assertThrows(RpcException.RemoteException.class, () -> files.read(before, 5));
    assertTrue(stale.remoteType().endsWith("StaleHandleException"), stale.getMessage());
    assertEquals(" worl", reader.next(5), "the reader reopened at its own position");
    assertEquals(1, reader.reopened());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
