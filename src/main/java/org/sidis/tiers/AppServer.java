package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.server.Dispatcher;
import org.sidis.server.Handler;
import org.sidis.server.ServerProtocol;
import org.sidis.server.ServerSettings;
import org.sidis.tiers.TiersProtocol.Answer;
import org.sidis.tiers.TiersProtocol.ClearCache;
import org.sidis.tiers.TiersProtocol.DataCommand;
import org.sidis.tiers.TiersProtocol.DataReply;
import org.sidis.tiers.TiersProtocol.Document;
import org.sidis.tiers.TiersProtocol.Done;
import org.sidis.tiers.TiersProtocol.FrontEndCommand;
import org.sidis.tiers.TiersProtocol.Found;
import org.sidis.tiers.TiersProtocol.LoadReport;
import org.sidis.tiers.TiersProtocol.Refused;
import org.sidis.tiers.TiersProtocol.Serve;
import org.sidis.tiers.TiersProtocol.ServerCommand;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The second tier: an application server. It is a concurrent server of {@code server/} — a
 * {@link Dispatcher} with workers on the blocking pool — whose handler reads a document through
 * the server's bounded LRU {@link DocumentCache} and, on a miss, from the {@link DataTier}. It
 * answers whoever the request names: the front end (relay) or the front door's per-request
 * actor (handoff), and its own HTTP endpoint's requests (redirect). It offers itself under
 * {@link TiersProtocol#SERVERS} and tells every front end its load (requests accepted and not
 * yet answered) and its endpoint every {@code report-interval}.
 */
public final class AppServer extends AbstractBehavior<ServerCommand> {

  /** The dispatcher answered a request. */
  private record Answered(ServerProtocol.Response response) implements ServerCommand {}

  /** The data tier's or the front ends' listing (one adapter: a message adapter is per message class). */
  private record Listed(Receptionist.Listing listing) implements ServerCommand {}

  private enum Report implements ServerCommand { INSTANCE }

  /** This server's own HTTP endpoint is bound at {@code url} (or failed to bind: null). */
  private record DoorBound(String url, Throwable failure) implements ServerCommand {}

  private record Pending(int key, ActorRef<Answer> replyTo) {}

  /** A result the handler returns instead of a document: "!" then the HTTP status, a space, the reason. */
  private static final char REFUSAL = '!';

  public static Behavior<ServerCommand> create(String name, TiersSettings settings, ServerSettings server) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new AppServer(ctx, timers, name, settings, server)));
  }

  private final String name;
  private final TiersSettings settings;
  private final DocumentCache cache;
  private final AtomicReference<ActorRef<DataCommand>> dataTier = new AtomicReference<>();
  private final ActorRef<ServerProtocol.Command> dispatcher;
  private final ActorRef<ServerProtocol.Response> answers;
  private final Map<String, Pending> pending = new HashMap<>();
  private Set<ActorRef<FrontEndCommand>> frontEnds = new HashSet<>();
  private String url = "";
  private ServerDoor door;
  private final TiersTrace trace;

  private AppServer(ActorContext<ServerCommand> ctx, TimerScheduler<ServerCommand> timers, String name, TiersSettings settings,
                    ServerSettings server) {
    super(ctx);
    this.name = name;
    this.settings = settings;
    this.cache = new DocumentCache(settings.cacheSize());
    this.trace = TiersTrace.of(ctx.getSystem(), ctx.getSelf());
    this.dispatcher = ctx.spawn(Dispatcher.create(server, handler(ctx)), "dispatcher");
    this.answers = ctx.messageAdapter(ServerProtocol.Response.class, Answered::new);
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(TiersProtocol.DATA_TIER, listings));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(TiersProtocol.FRONT_ENDS, listings));
    ctx.getSystem().receptionist().tell(Receptionist.register(TiersProtocol.SERVERS, ctx.getSelf()));
    timers.startTimerWithFixedDelay(Report.INSTANCE, settings.reportInterval());
    ctx.pipeToSelf(ServerDoor.bind(ctx.getSystem(), ctx.getSelf(), settings), (d, e) -> {
      if (d != null) door = d;
      return new DoorBound(d == null ? null : d.url(), e);
    });
    ctx.getLog().info("app server [{}]: cache of {} documents, {} workers", name, settings.cacheSize(), server.workers());
  }

  /** The worker's work: the cache, else a read from the data tier (blocking: it runs on the blocking pool). */
  private Handler handler(ActorContext<ServerCommand> ctx) {
    akka.actor.typed.Scheduler scheduler = ctx.getSystem().scheduler();
    Duration wait = settings.requestTimeout();
    return payload -> {
      int key = Integer.parseInt(payload);
      var cached = cache.get(key);
      if (cached.isPresent()) return cached.get();
      ActorRef<DataCommand> data = dataTier.get();
      if (data == null) return REFUSAL + "503 the data tier is not reachable from app server " + name;
      DataReply reply;
      try {
        reply = AskPattern.<DataCommand, DataReply>ask(data, r -> new TiersProtocol.Read(key, r), wait, scheduler)
            .toCompletableFuture().get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        return REFUSAL + "504 the data tier did not answer app server " + name + " within " + wait;
      }
      if (reply instanceof Found f) {
        cache.put(key, f.body());
        return f.body();
      }
      var nf = (TiersProtocol.NotFound) reply;
      return REFUSAL + "404 no document " + key + ": the data tier holds keys 0.." + (nf.documents() - 1);
    };
  }

  @Override
  public Receive<ServerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Listed.class, l -> {
          if (l.listing().isForKey(TiersProtocol.DATA_TIER)) {
            var all = l.listing().getServiceInstances(TiersProtocol.DATA_TIER);
            dataTier.set(all.isEmpty() ? null : all.iterator().next());
            report();
          } else if (l.listing().isForKey(TiersProtocol.FRONT_ENDS)) {
            frontEnds = new HashSet<>(l.listing().getServiceInstances(TiersProtocol.FRONT_ENDS));
            report();
          }
          return this;
        })
        .onMessage(Report.class, r -> {
          report();
          return this;
        })
        .onMessage(DoorBound.class, d -> {
          if (d.url() == null) {
            getContext().getLog().error("app server [{}]: its HTTP endpoint did not bind: {}", name, d.failure().toString());
          } else {
            url = d.url();
            getContext().getLog().info("app server [{}]: HTTP endpoint {}", name, url);
            report();
          }
          return this;
        })
        .onMessage(ClearCache.class, c -> {
          cache.clear();
          c.replyTo().tell(Done.INSTANCE);
          return this;
        })
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          if (door != null) door.stop();
          return this;
        })
        .build();
  }

  private Behavior<ServerCommand> onServe(Serve s) {
    if (pending.containsKey(s.id())) {
      getContext().getLog().debug("app server [{}]: request [{}] again while it runs; answered once", name, s.id());
      return this;
    }
    pending.put(s.id(), new Pending(s.key(), s.replyTo()));
    dispatcher.tell(new ServerProtocol.Request(s.id(), String.valueOf(s.key()), false, true, answers));
    return this;
  }

  private Behavior<ServerCommand> onAnswered(Answered a) {
    Pending p = pending.remove(a.response().id());
    if (p == null) return this;
    String id = a.response().id();
    Answer answer;
    if (a.response() instanceof ServerProtocol.Reply r) {
      String result = r.result();
      answer = result.isEmpty() || result.charAt(0) != REFUSAL
          ? new Document(id, p.key(), result, name)
          : new Refused(id, Integer.parseInt(result.substring(1, 4)), result.substring(5));
    } else if (a.response() instanceof ServerProtocol.Failed f) {
      answer = new Refused(id, 503, "app server " + name + " failed: " + f.reason());
    } else {
      answer = null; // Received: not asked for
    }
    if (answer != null) {
      trace.serve(id, answer, url);
      p.replyTo().tell(answer);
    }
    else pending.put(id, p);
    return this;
  }

  private void report() {
    // Not routable until it can serve: its endpoint (for redirects) and the data tier are known.
    if (url.isEmpty() || dataTier.get() == null) return;
    LoadReport r = new LoadReport(getContext().getSelf(), url, pending.size(), cache.hits(), cache.misses());
    for (ActorRef<FrontEndCommand> f : frontEnds) f.tell(r);
  }
}
