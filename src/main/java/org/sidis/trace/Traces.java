package org.sidis.trace;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;

/**
 * The node's trace, as an Akka extension: one {@link TraceSink} per ActorSystem (so several
 * nodes in one JVM keep separate files), a {@link Tracer} per traced actor, periodic flushing,
 * and the node's own {@code start} and {@code stop} lines. A node whose trace has no
 * {@code stop} line crashed: the checkers rely on it to tell correct nodes from crashed ones.
 *
 * <p>A node started again under its name (the launcher's restart after a kill or a downing) is
 * its {@code sidis.trace.incarnation}-th start: its actors are named with that mark
 * ({@link ActorNames}), so their lseq, which starts at 1 again, never meets the earlier start's.
 *
 * <p>Settings: {@code sidis.trace.enabled}, {@code sidis.trace.dir}, {@code sidis.trace.flush-interval},
 * {@code sidis.trace.incarnation}.
 */
public final class Traces implements Extension {

  public static final ExtensionId<Traces> ID = new ExtensionId<>() {
    @Override
    public Traces createExtension(ActorSystem<?> system) {
      return new Traces(system);
    }
  };

  public static Traces get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final String node;
  private final int incarnation;
  private final TraceSink sink;
  private final Tracer nodeTracer;
  /** The actor of the node's own start and stop lines. */
  public static final String NODE_ACTOR = "node";

  private final Map<String, AtomicLong> lseqs = new ConcurrentHashMap<>();

  private Traces(ActorSystem<?> system) {
    Config config = system.settings().config();
    this.node = config.getString("sidis.node.name");
    this.incarnation = config.hasPath("sidis.trace.incarnation") ? config.getInt("sidis.trace.incarnation") : ActorNames.FIRST;
    if (incarnation < ActorNames.FIRST) {
      throw new IllegalArgumentException("sidis.trace.incarnation must be 1 or more, is " + incarnation);
    }
    if (config.getBoolean("sidis.trace.enabled")) {
      Path dir = Path.of(config.getString("sidis.trace.dir"));
      this.sink = TraceSink.open(dir.resolve(node + ".jsonl"));
    } else {
      this.sink = TraceSink.DISABLED;
    }
    this.nodeTracer = new Tracer(sink, node, actor(NODE_ACTOR), Events.Proto.NODE, null);
    nodeTracer.event(Events.Node.START, Map.of("address", system.address().toString()));
    sink.flush();
    if (sink.enabled()) {
      Duration every = config.getDuration("sidis.trace.flush-interval");
      system.scheduler().scheduleAtFixedRate(every, every, sink::flush, system.executionContext());
    }
    // The last task of a clean shutdown: every protocol actor has stopped tracing by then.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseActorSystemTerminate(), "sidis-trace-stop", () -> {
      stop();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  public String node() {
    return node;
  }

  /** Which start of this node under its name this is: 1, or the launcher's restart count. */
  public int incarnation() {
    return incarnation;
  }

  /**
   * The {@code actor} field for the actor at {@code path} in this start of the node: the path,
   * marked with the incarnation after a restart. Every tracer of the node names its actor so.
   */
  public String actor(String path) {
    return ActorNames.of(path, incarnation);
  }

  public TraceSink sink() {
    return sink;
  }

  /**
   * A voice for {@code actor} in the node's trace. Tracers of one actor share its {@code lseq},
   * so an actor restarted by its supervisor, which asks for a new tracer, keeps it gapless.
   */
  public Tracer tracer(String actor, String proto, String group) {
    String named = actor(actor);
    return new Tracer(sink, node, named, proto, group, lseqs.computeIfAbsent(named, a -> new AtomicLong()));
  }

  /** Writes the node's {@code stop} line and closes the file. Idempotent. */
  public synchronized void stop() {
    if (!sink.enabled()) return;
    nodeTracer.event(Events.Node.STOP, (Map<String, ?>) null);
    sink.flush();
    sink.close();
  }
}
