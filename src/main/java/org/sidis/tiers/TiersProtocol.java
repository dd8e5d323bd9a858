package org.sidis.tiers;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import org.sidis.wire.CborSerializable;

import java.util.List;

/**
 * The messages of the three tiers: the front door's HTTP layer and the {@link FrontEnd}, the
 * front end and the {@link AppServer}s, the servers and the {@link DataTier}. Every part finds
 * the others through the Receptionist under the keys below.
 */
public final class TiersProtocol {

  private TiersProtocol() {}

  public static final ServiceKey<FrontEndCommand> FRONT_ENDS = ServiceKey.create(FrontEndCommand.class, "sidis-tiers-front-end");
  public static final ServiceKey<ServerCommand> SERVERS = ServiceKey.create(ServerCommand.class, "sidis-tiers-app-server");
  public static final ServiceKey<DataCommand> DATA_TIER = ServiceKey.create(DataCommand.class, "sidis-tiers-data-tier");

  // ------------------------------------------------------------------ front end

  /** Everything the front end accepts. */
  public interface FrontEndCommand {}

  /**
   * Fetch document {@code key} for the front door's per-request actor {@code replyTo}.
   * {@code mode} and {@code policy} null: the configured ones.
   */
  public record Fetch(String id, int key, ReplyMode mode, Policy policy, ActorRef<Answer> replyTo)
      implements FrontEndCommand, CborSerializable {}

  /** The front door's per-request actor got its answer from a server (handoff: the front end did not see it). */
  public record Completed(String id) implements FrontEndCommand, CborSerializable {}

  /** An application server's load: requests running or queued, and its cache's counters. */
  public record LoadReport(ActorRef<ServerCommand> server, String url, int load, long hits, long misses)
      implements FrontEndCommand, CborSerializable {}

  public record GetStatus(ActorRef<Status> replyTo) implements FrontEndCommand, CborSerializable {}

  /** Empty every application server's cache (so a measurement starts cold). */
  public record ClearCaches(ActorRef<Done> replyTo) implements FrontEndCommand, CborSerializable {}

  public enum Done implements CborSerializable { INSTANCE }

  /** What the front door answers on its status path. */
  public record Status(String node, String replyMode, String policy, int documents, List<ServerStatus> servers, long requests,
                       long answered, long refused, long timedOut, long retried, long duplicatesDropped, long redirected,
                       long replyBytesThroughFrontEnd, long cacheHits, long cacheMisses, long pending) implements CborSerializable {}

  public record ServerStatus(String server, String url, boolean routable, int load, long cacheHits, long cacheMisses)
      implements CborSerializable {}

  // ------------------------------------------------------------------ answers to the front door

  /** What the front door's per-request actor hears: from the front end (relay, redirect, refusals) or a server (handoff). */
  public sealed interface Answer extends CborSerializable permits Document, Redirect, Refused {
    String id();
  }

  /** Document {@code key}, served by {@code server}. */
  public record Document(String id, int key, String body, String server) implements Answer {}

  /** Go to {@code location}: the chosen server's own endpoint for this document. */
  public record Redirect(String id, String location) implements Answer {}

  /** No document: the HTTP status that says why, and the reason in words. */
  public record Refused(String id, int status, String reason) implements Answer {}

  // ------------------------------------------------------------------ application servers

  public interface ServerCommand {}

  /** Serve document {@code key} to {@code replyTo} (the front end in relay, the front door's per-request actor in handoff). */
  public record Serve(String id, int key, ActorRef<Answer> replyTo) implements ServerCommand, CborSerializable {}

  public record ClearCache(ActorRef<Done> replyTo) implements ServerCommand, CborSerializable {}

  // ------------------------------------------------------------------ data tier

  public interface DataCommand {}

  public record Read(int key, ActorRef<DataReply> replyTo) implements DataCommand, CborSerializable {}

  public sealed interface DataReply extends CborSerializable permits Found, NotFound {}

  public record Found(int key, String body) implements DataReply {}

  public record NotFound(int key, int documents) implements DataReply {}
}
