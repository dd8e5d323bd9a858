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
 * <p>Settings: {@code sidis.trace.enabled}, {@code sidis.trace.dir}, {@code sidis.trace.flush-interval}.
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
  private final TraceSink sink;
  private final Tracer nodeTracer;
  private final Map<String, AtomicLong> lseqs = new ConcurrentHashMap<>();

  private Traces(ActorSystem<?> system) {
    Config config = system.settings().config();
    this.node = config.getString("sidis.node.name");
    if (config.getBoolean("sidis.trace.enabled")) {
      Path dir = Path.of(config.getString("sidis.trace.dir"));
      this.sink = TraceSink.open(dir.resolve(node + ".jsonl"));
    } else {
      this.sink = TraceSink.DISABLED;
    }
    this.nodeTracer = new Tracer(sink, node, "node", Events.Proto.NODE, null);
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

  public TraceSink sink() {
    return sink;
  }

  /**
   * A voice for {@code actor} in the node's trace. Tracers of one actor share its {@code lseq},
   * so an actor restarted by its supervisor, which asks for a new tracer, keeps it gapless.
   */
  public Tracer tracer(String actor, String proto, String group) {
    return new Tracer(sink, node, actor, proto, group, lseqs.computeIfAbsent(actor, a -> new AtomicLong()));
  }

  /** Writes the node's {@code stop} line and closes the file. Idempotent. */
  public synchronized void stop() {
    if (!sink.enabled()) return;
    nodeTracer.event(Events.Node.STOP, (Map<String, ?>) null);
    sink.flush();
    sink.close();
  }
}
