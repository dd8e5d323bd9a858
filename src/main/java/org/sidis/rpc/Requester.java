package org.sidis.rpc;

import akka.actor.ActorPath;
import akka.actor.ActorRefProvider;
import akka.actor.InternalActorRef;
import akka.actor.MinimalActorRef;
import akka.dispatch.sysmsg.SystemMessage;
import org.sidis.server.ServerProtocol;
import scala.collection.Iterator;

import java.util.function.Consumer;

/**
 * The one long-lived reply address of an {@link RpcClient}: what every request names as
 * {@code replyTo}. It is not an actor with a mailbox but a reference that hands each answer
 * to {@code onAnswer} on the thread that delivers it (Artery's inbound stream, or the local
 * sender), the way Akka's own {@code ask} completes its promise from a {@code PromiseActorRef}
 * — without ask's temporary actor per call. Measured here: a mailbox hop on the reply path is a
 * thread wake-up on the caller's side (docs/servers-rpc.md#benchmark). It is registered under the
 * system's temporary paths, so a server in another JVM resolves it like an ask's reply address.
 * {@code onAnswer} must be cheap and never block: it runs on the remoting thread.
 */
final class Requester extends InternalActorRef implements MinimalActorRef {

  private final ActorRefProvider provider;
  private final ActorPath path;
  private final Consumer<ServerProtocol.Response> onAnswer;

  private Requester(ActorRefProvider provider, ActorPath path, Consumer<ServerProtocol.Response> onAnswer) {
    this.provider = provider;
    this.path = path;
    this.onAnswer = onAnswer;
  }

  /** A requester registered in {@code system}'s temporary paths as {@code /temp/<name>$<k>}. */
  static Requester register(akka.actor.ActorSystem system, String name, Consumer<ServerProtocol.Response> onAnswer) {
    ActorRefProvider provider = ((akka.actor.ExtendedActorSystem) system).provider();
    Requester r = new Requester(provider, provider.tempPath(name), onAnswer);
    provider.registerTempActor(r, r.path);
    return r;
  }

  /** Stops answering: the path resolves to dead letters from now on. */
  void unregister() {
    provider.unregisterTempActor(path);
  }

  @Override
  public void $bang(Object message, akka.actor.ActorRef sender) {
    if (message instanceof ServerProtocol.Response r) {
      onAnswer.accept(r);
    } else if (message == null) {
      throw new akka.actor.InvalidMessageException("Message is null");
    } else {
      // Nothing but answers is sent here: anything else shows up as a dead letter, not silently dropped.
      provider.deadLetters().tell(message, sender);
    }
  }

  @Override
  public ActorPath path() {
    return path;
  }

  @Override
  public ActorRefProvider provider() {
    return provider;
  }

  @Override
  public boolean isLocal() {
    return true;
  }

  // The lifecycle of a reference without an actor behind it: what Akka's MinimalActorRef does.
  @Override
  public InternalActorRef getParent() {
    return MinimalActorRef.super.getParent();
  }

  @Override
  public InternalActorRef getChild(Iterator<String> names) {
    return MinimalActorRef.super.getChild(names);
  }

  @Override
  public void start() {}

  @Override
  public void suspend() {}

  @Override
  public void resume(Throwable causedByFailure) {}

  @Override
  public void restart(Throwable cause) {}

  @Override
  public void stop() {}

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public void sendSystemMessage(SystemMessage message) {}

  @Override
  public akka.actor.ActorRef $bang$default$2(Object message) {
    return akka.actor.ActorRef.noSender();
  }
}
